import { Option, type Command } from 'commander';
import { accessReportFromAdapters, renderAccessReportHtml, renderAccessReportText } from '@optintrail/core';
import { addMultiConnectionOptions, closeConnections, openConnections, parseEmailOption, type CommandContext, type MultiConnectionOptions } from '../command-context';
import { EXIT_DATA_FAILURE, EXIT_OK } from '../exit-codes';

export interface ReportCommandOptions extends MultiConnectionOptions {
  email: string;
  format: 'json' | 'text' | 'html';
  locale: 'fr' | 'en';
  timeZone: string;
}

export function registerReportCommand(program: Command, run: (action: (context: CommandContext) => Promise<number>) => Promise<void>): void {
  const command = program
    .command('report')
    .summary('print the access report (GDPR Art. 15) of a subject, from one CRM or several')
    .description(
      'Reads the subject\'s trail back from each CRM named, verifies it and prints one report of everything held about the person, with a labelled section per CRM: each field and consent with its source, date and history (GDPR Art. 15(1)(g): "where the data came from"). A CRM that holds nothing gets a section that says so; a trail that does not verify is still shown, with where it breaks.',
    );
  addMultiConnectionOptions(command)
    .requiredOption('--email <address>', "the subject's email address")
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'text', 'html']).default('text'))
    .addOption(new Option('--locale <locale>', 'language of the text and HTML report').choices(['fr', 'en']).default('en'))
    .option('--time-zone <zone>', 'IANA time zone of the dates', 'UTC')
    .addHelpText(
      'after',
      `
Several CRMs: repeat --crm (--crm hubspot --crm mailchimp), or --crm all for every CRM whose
credentials are set (all three with --emulator). The report has one section per CRM, in that order.

Exit codes: 0 report printed, 1 report printed but no CRM holds the subject, or a trail does not
  verify (its section says where it breaks), 2 usage error, 3 CRM failure (an answer to an access
  request must be complete: no partial report is printed).

Examples
  $ optintrail report --crm hubspot --email camille.martin@example.fr --format html > report.html
  $ optintrail report --crm all --email camille.martin@example.fr --locale fr
  $ optintrail report --crm salesforce --crm mailchimp --emulator --email camille.martin@example.fr --format json`,
    )
    .action(async (options: ReportCommandOptions) => run((context) => reportCommand(context, options)));
}

export async function reportCommand(context: CommandContext, options: ReportCommandOptions): Promise<number> {
  const { output } = context;
  const email = parseEmailOption(options.email);
  const connections = await openConnections(context, options, { seedDemo: true });
  try {
    const result = await accessReportFromAdapters(
      connections.map(({ label, adapter }) => ({ label, adapter })),
      email,
      { generatedAt: context.now().toISOString() },
    );
    const { report } = result;
    if (options.format === 'json') output.out(JSON.stringify(report, null, 2));
    else {
      const render = options.format === 'html' ? renderAccessReportHtml : renderAccessReportText;
      output.out(render(report, { locale: options.locale, timeZone: options.timeZone }).replace(/\n$/, ''));
    }
    for (const label of result.empty) output.err(`note: ${label} holds no trail for ${email}`);
    for (const label of result.unverified) output.err(`warning: the trail of ${email} in ${label} does not verify (its section of the report says where it breaks)`);
    const foundNowhere = result.empty.length === connections.length;
    return foundNowhere || result.unverified.length > 0 ? EXIT_DATA_FAILURE : EXIT_OK;
  } finally {
    await closeConnections(connections);
  }
}
