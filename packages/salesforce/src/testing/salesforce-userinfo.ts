import { buildSalesforceId } from './salesforce-ids';
import type { SalesforceOrg } from './salesforce-org';

/** The org id the emulator reports. */
export const EMULATED_ORGANIZATION_ID = buildSalesforceId('00D', 1);

/**
 * `GET /services/oauth2/userinfo` for the session: every session runs as the integration user.
 * Fields as Salesforce's OpenID Connect userinfo answers them (the subset a client reads).
 */
export function sessionUserInfo(org: SalesforceOrg, instanceUrl: string): Record<string, unknown> {
  const user: Record<string, unknown> = [...org.store.all('User')].find((row) => row.Id === org.integrationUserId) ?? {};
  return {
    sub: `${instanceUrl}/id/${EMULATED_ORGANIZATION_ID}/${org.integrationUserId}`,
    user_id: org.integrationUserId,
    organization_id: EMULATED_ORGANIZATION_ID,
    preferred_username: user['Username'] ?? 'integration@optintrail.example',
    name: user['Name'] ?? 'OptinTrail Integration',
    email: user['Email'] ?? 'integration@optintrail.example',
    email_verified: true,
    active: true,
    user_type: 'STANDARD',
  };
}
