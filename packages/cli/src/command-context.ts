import { InvalidArgumentError, Option, type Command } from 'commander';
import { normalizeEmail } from '@optintrail/core';
import { UsageError } from './cli-errors';
import { CRM_NAMES, configuredCrms, connectToEmbeddedEmulator, connectWithCredentials, isCrmName, requiredVariables, type CrmConnection, type CrmName } from './crm-registry';
import { buildDemoTrails, DEMO_PEOPLE } from './demo-audience';
import type { Output } from './output';
import type { CliSettings } from './settings';

/** What every command runs with; tests can build one without a process. */
export interface CommandContext {
  env: NodeJS.ProcessEnv;
  output: Output;
  /** Aborted on the first Ctrl-C: long commands stop between batches. */
  signal: AbortSignal;
  /** The clock (reports and audits are dated with it). */
  now(): Date;
  /** Reads the environment and the config file given by `--config`; registers secrets with the redactor. */
  loadSettings(configPath: string | undefined): CliSettings;
}

/** Options of every command that talks to a CRM. */
export interface ConnectionOptions {
  crm: CrmName;
  emulator?: boolean;
  config?: string;
}

export function addConnectionOptions(command: Command): Command {
  return command
    .addOption(new Option('--crm <name>', 'the CRM to use').choices(CRM_NAMES).makeOptionMandatory())
    .option('--emulator', 'run against a fresh embedded emulator of that CRM instead of a real account (nothing leaves this machine)')
    .option('--config <file>', 'JSON file with credentials (environment variables win over it)');
}

/**
 * Opens the CRM named by `--crm`: the account in the environment or config file, or with
 * `--emulator` a fresh embedded emulator. `seedDemo` fills an embedded emulator with the demo
 * audience first, so read commands have someone to read.
 */
export async function openConnection(context: CommandContext, options: ConnectionOptions, settings: { seedDemo: boolean }): Promise<CrmConnection> {
  const cliSettings = context.loadSettings(options.config);
  const connection = options.emulator ? await connectToEmbeddedEmulator(options.crm) : await connectWithCredentials(options.crm, cliSettings);
  for (const note of connection.notes) context.output.err(`note: ${note}`);
  if (options.emulator) {
    context.output.err(`note: using ${connection.target}; its data is gone when the command ends.`);
    if (settings.seedDemo) {
      try {
        await connection.adapter.ensureSchema();
        await connection.adapter.push(buildDemoTrails().complete);
      } catch (error) {
        await connection.close();
        throw error;
      }
      context.output.err(`note: the emulator holds the demo audience: ${DEMO_PEOPLE.map((person) => person.email).join(', ')}`);
    }
  }
  return connection;
}

/** A `--crm` value of the commands that cover several CRMs at once. */
export type CrmChoice = CrmName | 'all';

/** Options of the commands that cover several CRMs at once (`report`, `erase`). */
export interface MultiConnectionOptions {
  /** Every `--crm` given, in order; `all` stands for every configured CRM (every CRM with `--emulator`). */
  crm: CrmChoice[];
  emulator?: boolean;
  config?: string;
}

function parseCrmChoice(value: string, previous: CrmChoice[] | undefined): CrmChoice[] {
  if (value !== 'all' && !isCrmName(value)) throw new InvalidArgumentError(`Allowed choices are ${[...CRM_NAMES, 'all'].join(', ')}.`);
  return [...(previous ?? []), value];
}

export function addMultiConnectionOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--crm <name>', `the CRM to use: ${CRM_NAMES.join(', ')}; repeat it for several, or "all" for every configured CRM`)
        .argParser(parseCrmChoice)
        .makeOptionMandatory(),
    )
    .option('--emulator', 'run against fresh embedded emulators of those CRMs instead of real accounts (nothing leaves this machine)')
    .option('--config <file>', 'JSON file with credentials (environment variables win over it)');
}

/**
 * The CRMs named by `--crm`, in order and once each. `all` is every CRM with `--emulator`, otherwise
 * every CRM whose credentials are set (at least one must be); a CRM named on its own must have
 * credentials, or `openConnection` says which are missing.
 */
export function resolveCrmChoices(context: CommandContext, options: MultiConnectionOptions): CrmName[] {
  const names: CrmName[] = [];
  for (const choice of options.crm) {
    let expanded: readonly CrmName[];
    if (choice !== 'all') expanded = [choice];
    else if (options.emulator) expanded = CRM_NAMES;
    else {
      expanded = configuredCrms(context.loadSettings(options.config));
      if (expanded.length === 0) {
        throw new UsageError(
          `--crm all found no configured CRM: set the variables of at least one (${CRM_NAMES.map((crm) => requiredVariables(crm).join(' + ')).join('; or ')}), pass --config, or add --emulator`,
        );
      }
    }
    for (const crm of expanded) if (!names.includes(crm)) names.push(crm);
  }
  return names;
}

/** Opens every CRM named by `--crm` (see `openConnection`); on a failure, those already open are closed. */
export async function openConnections(context: CommandContext, options: MultiConnectionOptions, settings: { seedDemo: boolean }): Promise<CrmConnection[]> {
  const connections: CrmConnection[] = [];
  try {
    for (const crm of resolveCrmChoices(context, options)) {
      connections.push(await openConnection(context, { crm, ...(options.emulator ? { emulator: true } : {}), ...(options.config ? { config: options.config } : {}) }, settings));
    }
  } catch (error) {
    await closeConnections(connections);
    throw error;
  }
  return connections;
}

export async function closeConnections(connections: readonly CrmConnection[]): Promise<void> {
  await Promise.allSettled(connections.map((connection) => connection.close()));
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Normalises an address given on the command line, or refuses it. */
export function parseEmailOption(value: string): string {
  const email = normalizeEmail(value);
  if (!EMAIL.test(email)) throw new UsageError(`"${value}" is not an email address`);
  return email;
}

/** A whole number within bounds, for commander's argument parsers. */
export function integerOption(name: string, minimum: number, maximum: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(number) || number < minimum || number > maximum) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${minimum} to ${maximum}.`);
    }
    return number;
  };
}
