import { Option, type Command } from 'commander';
import { addConnectionOptions, openConnection, parseEmailOption, type CommandContext, type ConnectionOptions } from '../command-context';
import { renderAccessReport } from '../core-features';
import { EXIT_OK } from '../exit-codes';
import { pullVerifiedTrail } from './read-subject';

export interface ReportCommandOptions extends ConnectionOptions {
  email: string;
  format: 'json' | 'text' | 'html';
  locale: 'fr' | 'en';
  timeZone: string;
}

export function registerReportCommand(program: Command, run: (action: (context: CommandContext) => Promise<number>) => Promise<void>): void {
  const command = program
    .command('report')
    .summary('print the access report (GDPR Art. 15) of a subject')
    .description(
      'Reads the subject\'s trail back from the CRM, verifies it and prints everything held about the person, each field and consent with its source, date and history (GDPR Art. 15(1)(g): "where the data came from").',
    );
  addConnectionOptions(command)
    .requiredOption('--email <address>', "the subject's email address")
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'text', 'html']).default('text'))
    .addOption(new Option('--locale <locale>', 'language of the text and HTML report').choices(['fr', 'en']).default('en'))
    .option('--time-zone <zone>', 'IANA time zone of the dates', 'UTC')
    .addHelpText(
      'after',
      `
Exit codes: 0 report printed, 1 unknown subject or trail does not verify, 2 usage error, 3 CRM failure.

Examples
  $ optintrail report --crm hubspot --email camille.martin@example.fr --format html > report.html
  $ optintrail report --crm salesforce --emulator --email camille.martin@example.fr --format json`,
    )
    .action(async (options: ReportCommandOptions) => run((context) => reportCommand(context, options)));
}

export async function reportCommand(context: CommandContext, options: ReportCommandOptions): Promise<number> {
  const email = parseEmailOption(options.email);
  const connection = await openConnection(context, options, { seedDemo: true });
  try {
    const trail = await pullVerifiedTrail(connection, email);
    context.output.out(
      renderAccessReport([{ label: connection.label, trail }], {
        format: options.format,
        generatedAt: context.now().toISOString(),
        locale: options.locale,
        timeZone: options.timeZone,
      }),
    );
    return EXIT_OK;
  } finally {
    await connection.close();
  }
}
