import { EXIT_DATA_FAILURE, EXIT_OPERATIONAL, EXIT_USAGE } from './exit-codes';

/** An error the CLI reports as one line and a chosen exit code, never with a stack trace. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Bad arguments, missing credentials, unreadable input: nothing was done (exit 2). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = 'UsageError';
  }
}

/** The data itself failed: unknown subject, trail that does not verify (exit 1). */
export class DataFailureError extends CliError {
  constructor(message: string) {
    super(message, EXIT_DATA_FAILURE);
    this.name = 'DataFailureError';
  }
}

/** The CRM, the network or the file system failed, or a capability is missing (exit 3). */
export class OperationalError extends CliError {
  constructor(message: string) {
    super(message, EXIT_OPERATIONAL);
    this.name = 'OperationalError';
  }
}
