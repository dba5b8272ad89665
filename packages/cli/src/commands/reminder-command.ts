import { Option, type Command } from 'commander';
import { foldTrail, generateReminder, TOUCHPOINTS, type Touchpoint } from '@optintrail/core';
import { addConnectionOptions, openConnection, parseEmailOption, type CommandContext, type ConnectionOptions } from '../command-context';
import { EXIT_DATA_FAILURE, EXIT_OK } from '../exit-codes';
import { pullVerifiedTrail } from './read-subject';

export interface ReminderCommandOptions extends ConnectionOptions {
  email: string;
  locale: string;
  touchpoint: Touchpoint;
  purpose: string;
  channel?: string;
  timeZone: string;
  html?: boolean;
  json?: boolean;
}

export function registerReminderCommand(program: Command, run: (action: (context: CommandContext) => Promise<number>) => Promise<void>): void {
  const command = program
    .command('reminder')
    .summary("print the sentence that reminds a subscriber why they receive a purpose's messages")
    .description(
      "Reads the subject's trail back from the CRM, verifies it, folds it and prints the one honest sentence for a touchpoint, e.g. \"You are receiving this newsletter because you subscribed on 19 September 2012 at Salon E-commerce Paris.\" It never invents: with no consent, a withdrawn one or one without its origin it says so and exits 1.",
    );
  addConnectionOptions(command)
    .requiredOption('--email <address>', "the subscriber's email address")
    .option('--locale <tag>', 'BCP 47 language tag: fr, en, en-US, de, es, it, nl, pt…', 'en')
    .addOption(new Option('--touchpoint <name>', 'where the sentence is shown').choices(TOUCHPOINTS).default('email-footer'))
    .option('--purpose <key>', 'the consent purpose', 'newsletter')
    .option('--channel <channel>', 'the consent channel (default: postal for postal-mail, email otherwise)')
    .option('--time-zone <zone>', 'IANA time zone the date is given in', 'UTC')
    .option('--html', 'an HTML fragment (values from data escaped) instead of plain text')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Exit codes: 0 a sentence was printed, 1 no traceable consent / unknown subject / trail does not
  verify, 2 usage error, 3 CRM failure.

Examples
  $ optintrail reminder --crm hubspot --email camille.martin@example.fr --locale fr --touchpoint email-footer
  $ optintrail reminder --crm mailchimp --emulator --email camille.martin@example.fr --locale en --html`,
    )
    .action(async (options: ReminderCommandOptions) => run((context) => reminderCommand(context, options)));
}

export async function reminderCommand(context: CommandContext, options: ReminderCommandOptions): Promise<number> {
  const email = parseEmailOption(options.email);
  const connection = await openConnection(context, options, { seedDemo: true });
  try {
    const trail = await pullVerifiedTrail(connection, email);
    const result = generateReminder(foldTrail(trail), {
      purpose: options.purpose,
      touchpoint: options.touchpoint,
      locale: options.locale,
      format: options.html ? 'html' : 'text',
      timeZone: options.timeZone,
      ...(options.channel ? { channel: options.channel as never } : {}),
    });
    if (options.json) context.output.json({ subject: email, crm: options.crm, ...result });
    else if (result.kind === 'reminder') context.output.out(result.text);
    else context.output.err(`no traceable consent for ${email} (${options.purpose}): ${result.reason}; do not send on this basis`);
    return result.kind === 'reminder' ? EXIT_OK : EXIT_DATA_FAILURE;
  } finally {
    await connection.close();
  }
}
