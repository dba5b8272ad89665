/**
 * Serves the newsletter sign-up page and records each consent, with its proof, in a CRM.
 *
 *   npm start                                   # http://127.0.0.1:3000, a local HubSpot emulator
 *   PORT=8080 npm start
 *   HUBSPOT_ACCESS_TOKEN=pat-... npm start      # your HubSpot (or the Mailchimp / Salesforce variables)
 *
 * Other settings: HOST (default 127.0.0.1), PUBLIC_URL (the address visitors use, for the form URL
 * in proofs and the confirmation links), TRUST_PROXY (true or a number of proxies whose
 * X-Forwarded-For is believed), DEMO_MODE (1 shows the confirmation link in the page; on by default
 * with the emulator only), OPTINTRAIL_CRM (hubspot | mailchimp | salesforce when several are set).
 */
import { parseTrustProxy } from './client-address';
import { connectCrm } from './crm-connection';
import { startSignupServer } from './signup-server';

function parseDemoMode(value: string | undefined, emulated: boolean): boolean {
  if (value === undefined || value === '') return emulated;
  return !['0', 'false', 'no', 'off'].includes(value.trim().toLowerCase());
}

async function main(): Promise<void> {
  const port = Number(process.env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, not "${process.env['PORT']}"`);
  const trustedProxies = parseTrustProxy(process.env['TRUST_PROXY']);
  const crm = await connectCrm(process.env);
  try {
    const schema = await crm.adapter.ensureSchema();
    const demo = parseDemoMode(process.env['DEMO_MODE'], crm.emulator !== undefined);
    const server = await startSignupServer({
      adapter: crm.adapter,
      port,
      ...(process.env['HOST'] ? { host: process.env['HOST'] } : {}),
      ...(process.env['PUBLIC_URL'] ? { publicUrl: process.env['PUBLIC_URL'] } : {}),
      trustedProxies,
      demo,
    });
    console.log(`Consents go to ${crm.description}; schema: ${schema.created.length} created, ${schema.existing.length} already there.`);
    if (trustedProxies > 0) console.log(`X-Forwarded-For is believed for ${trustedProxies} prox${trustedProxies === 1 ? 'y' : 'ies'} (TRUST_PROXY).`);
    console.log(demo ? 'Demo mode: confirmation links are shown in the page and printed here.' : 'Confirmation links are printed here (wire in your mailer to send them).');
    console.log(`Sign-up form: ${server.publicUrl}/`);
    if (server.publicUrl !== server.url) console.log(`Listening on ${server.url}/`);

    const stop = () => {
      void server
        .close()
        .then(() => crm.close())
        .finally(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    await crm.close();
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
