/**
 * `@optintrail/cli`: the `optintrail` command, and its parts for programs that embed it.
 * Most users run the command; `runCli` runs it in-process (tests, wrappers), and the input readers
 * stream JSONL or CSV event files into trails for any adapter's `push`.
 */
export { runCli, createProgram } from './program';
export type { RunCliOptions } from './program';
export { EXIT_OK, EXIT_DATA_FAILURE, EXIT_USAGE, EXIT_OPERATIONAL, EXIT_INTERRUPTED } from './exit-codes';
export { CRM_NAMES, connectToEmbeddedEmulator, connectWithCredentials, startEmulator, requiredVariables } from './crm-registry';
export type { CrmConnection, CrmName, RunningEmulator, EmulatorCall } from './crm-registry';
export { buildDemoTrails, DEMO_PEOPLE, DEMO_SUBSCRIBER } from './demo-audience';
export type { DemoPerson } from './demo-audience';
export * from './input/index';
