import type { Command } from 'commander';
import { integerOption, type CommandContext } from '../command-context';
import { CRM_NAMES, crmLabel, isCrmName, startEmulator } from '../crm-registry';
import { Option } from 'commander';
import { EXIT_OK } from '../exit-codes';
import { UsageError } from '../cli-errors';

export interface EmulatorCommandOptions {
  crm: string;
  port: number;
  json?: boolean;
}

export function registerEmulatorCommand(program: Command, run: (action: (context: CommandContext) => Promise<number>) => Promise<void>): void {
  program
    .command('emulator')
    .summary('run a CRM emulator on 127.0.0.1 until Ctrl-C')
    .description(
      "Runs the local emulator of a CRM on 127.0.0.1: a real HTTP server speaking the part of the vendor's REST API that OptinTrail uses, with state in memory. Point your own code, the official SDK or this CLI at it; everything is gone when it stops.",
    )
    .addOption(new Option('--crm <name>', 'the CRM to emulate').choices(CRM_NAMES).makeOptionMandatory())
    .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', integerOption('--port', 0, 65535), 0)
    .option('--json', 'print the URL and settings as one JSON line (for scripts that start it)')
    .addHelpText(
      'after',
      `
Exit codes: 0 stopped with Ctrl-C (or SIGTERM), 2 usage error (e.g. port in use), 3 emulator not in this build.

Examples
  $ optintrail emulator --crm hubspot --port 8080
  $ optintrail emulator --crm mailchimp --port 0 --json`,
    )
    .action(async (options: EmulatorCommandOptions) => run((context) => emulatorCommand(context, options)));
}

export async function emulatorCommand(context: CommandContext, options: EmulatorCommandOptions): Promise<number> {
  const { output } = context;
  if (!isCrmName(options.crm)) throw new UsageError(`unknown CRM ${options.crm}`);
  const emulator = await startEmulator(options.crm, { port: options.port });
  const label = crmLabel(options.crm);
  try {
    if (options.json) {
      output.out(JSON.stringify({ crm: options.crm, url: emulator.url, environment: emulator.environment }));
    } else {
      output.out(`${label} emulator listening on ${emulator.url} (Ctrl-C to stop)`);
      output.out('');
      output.out('Point the official SDK at it:');
      for (const line of emulator.sdkUsage) output.out(`  ${line}`);
      output.out('');
      output.out('Point optintrail (or a starter example) at it:');
      for (const [name, value] of Object.entries(emulator.environment)) output.out(`  export ${name}=${value}`);
      output.out(`  optintrail sync --crm ${options.crm} --input events.jsonl`);
    }
    await new Promise<void>((resolve) => {
      if (context.signal.aborted) resolve();
      else context.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    output.err(`${label} emulator stopped after ${emulator.calls().length} calls.`);
    return EXIT_OK;
  } finally {
    await emulator.close();
  }
}
