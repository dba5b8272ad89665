import { Command, CommanderError } from 'commander';
import { CrmApiError, OptinTrailError, TrailIntegrityError, ValidationError } from '@optintrail/core';
import packageJson from '../package.json';
import { CliError } from './cli-errors';
import type { CommandContext } from './command-context';
import { registerAuditCommand } from './commands/audit-command';
import { registerBackfillCommand } from './commands/backfill-command';
import { registerDemoCommand } from './commands/demo-command';
import { registerEmulatorCommand } from './commands/emulator-command';
import { registerEraseCommand } from './commands/erase-command';
import { registerReminderCommand } from './commands/reminder-command';
import { registerReportCommand } from './commands/report-command';
import { registerSyncCommand } from './commands/sync-command';
import { credentialsHelp, crmSettingSpecs } from './crm-registry';
import { EXIT_DATA_FAILURE, EXIT_OK, EXIT_OPERATIONAL, EXIT_USAGE } from './exit-codes';
import { InputFormatError } from './input/input-problem';
import { createOutput, type Output } from './output';
import { createSecretRedactor } from './secret-redactor';
import { loadSettings, SUPPRESSION_KEY_SETTING, type CliSettings } from './settings';

/** How the CLI is run: the process's own streams and environment, or a test's. */
export interface RunCliOptions {
  /** Arguments after the program name, e.g. `['sync', '--crm', 'hubspot', …]`. */
  argv: readonly string[];
  env?: NodeJS.ProcessEnv;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Aborted on Ctrl-C: long commands stop between batches. */
  signal?: AbortSignal;
  now?: () => Date;
}

const PROGRAM = 'optintrail';

/** Runs the `optintrail` command and resolves with its exit code. Never throws. */
export async function runCli(options: RunCliOptions): Promise<number> {
  const env = options.env ?? process.env;
  const redactor = createSecretRedactor();
  const specs = [...crmSettingSpecs(), SUPPRESSION_KEY_SETTING];
  // Every credential in the environment is known to the redactor before the first byte is printed.
  for (const spec of specs) if (spec.secret) redactor.add(env[spec.env]);
  const streams = { stdout: options.stdout ?? process.stdout, stderr: options.stderr ?? process.stderr };
  const output = createOutput(redactor, streams);
  const context: CommandContext = {
    env,
    output,
    signal: options.signal ?? new AbortController().signal,
    now: options.now ?? (() => new Date()),
    loadSettings: (() => {
      const loaded = new Map<string, CliSettings>();
      return (configPath: string | undefined) => {
        const key = configPath ?? '';
        let settings = loaded.get(key);
        if (!settings) {
          settings = loadSettings({ env, configPath, specs, redactor, warn: (message) => output.err(message) });
          loaded.set(key, settings);
        }
        return settings;
      };
    })(),
  };

  let exitCode: number = EXIT_OK;
  const run = async (action: (context: CommandContext) => Promise<number>) => {
    try {
      exitCode = await action(context);
    } catch (error) {
      exitCode = reportError(error, output, env);
    }
  };

  const program = createProgram(output, run);
  try {
    await program.parseAsync([...options.argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_OK;
      // `help <command>` exits 0; help shown because no command was given exits 1 in commander.
      if (error.code === 'commander.help' && error.exitCode === 0) return EXIT_OK;
      // Help shown because no command was given, or a parse error already printed on one line.
      return EXIT_USAGE;
    }
    return reportError(error, output, env);
  }
  return exitCode;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Prints one line for any error and picks the exit code; a stack trace only with OPTINTRAIL_DEBUG=1. */
function reportError(error: unknown, output: Output, env: NodeJS.ProcessEnv): number {
  let code: number;
  let message: string;
  if (error instanceof CliError) {
    code = error.exitCode;
    message = error.message;
  } else if (error instanceof InputFormatError || ValidationError.isInstance(error)) {
    code = EXIT_USAGE;
    message = error.message;
  } else if (TrailIntegrityError.isInstance(error)) {
    code = EXIT_DATA_FAILURE;
    message = error.message;
  } else if (CrmApiError.isInstance(error) || OptinTrailError.isInstance(error)) {
    code = EXIT_OPERATIONAL;
    message = error.message;
  } else {
    code = EXIT_OPERATIONAL;
    message = `unexpected error: ${error instanceof Error ? error.message : String(error)}${env.OPTINTRAIL_DEBUG ? '' : ' (set OPTINTRAIL_DEBUG=1 for details)'}`;
  }
  output.err(`${PROGRAM}: error: ${oneLine(message)}`);
  if (env.OPTINTRAIL_DEBUG && error instanceof Error && error.stack) output.err(error.stack);
  return code;
}

/** The command tree, with help texts. */
export function createProgram(output: Output, run: (action: (context: CommandContext) => Promise<number>) => Promise<void>): Command {
  const program = new Command(PROGRAM);
  // Set before the subcommands are added: they inherit these.
  program
    .exitOverride()
    .configureOutput({
      writeOut: (text) => output.out(text.replace(/\n$/, '')),
      writeErr: (text) => output.err(text.replace(/\n$/, '')),
      outputError: (text, write) => write(`${PROGRAM}: ${oneLine(text)}\n`),
    })
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false });

  program
    .version(packageJson.version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'print help (every command has its own: optintrail <command> --help)')
    .description(
      'OptinTrail keeps consent and data provenance inside the CRM you already use, and turns it into one honest sentence: "You are receiving this newsletter because you subscribed on 19 September 2012 at Salon E-commerce Paris."',
    )
    .addHelpText(
      'after',
      `
Start here
  $ optintrail demo                          the whole product on three embedded emulators
  $ optintrail emulator --crm hubspot        a local HubSpot for your own code and the official SDK
  $ optintrail sync --crm hubspot --emulator --input events.jsonl
  $ optintrail backfill --crm mailchimp --emulator   existing contacts gain a first trail

Credentials come only from environment variables or a JSON file given with --config (environment
wins); they are never printed. Variable and config key for each CRM:
${credentialsHelp()}
  Suppression list (erase, sync and backfill --suppression-file):
    ${SUPPRESSION_KEY_SETTING.env.padEnd(26)} ${SUPPRESSION_KEY_SETTING.config.padEnd(24)} ${SUPPRESSION_KEY_SETTING.description}
Without credentials, add --emulator to any command to run it against a fresh embedded emulator
(read commands find the demo audience there).

Exit codes: 0 ok, 1 failures in the data (records failed, trail does not verify, unknown
subject), 2 usage error, 3 CRM or file system failure, 130 stopped by Ctrl-C.`,
    );

  registerDemoCommand(program, run);
  registerSyncCommand(program, run);
  registerBackfillCommand(program, run);
  registerReminderCommand(program, run);
  registerReportCommand(program, run);
  registerEraseCommand(program, run);
  registerAuditCommand(program, run);
  registerEmulatorCommand(program, run);
  return program;
}
