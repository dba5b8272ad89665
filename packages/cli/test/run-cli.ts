import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment the CLI sees in tests: no CRM credentials unless a test adds them. */
export function cleanEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'SYSTEMROOT']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return { ...env, ...extra };
}

/** Runs `node dist/cli.js …` to the end and returns what it printed. */
export function runCli(args: readonly string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnvironment(options.env), cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** True when the text shows a JavaScript stack frame. */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at .+[(:]\d+/.test(text) || /^\s+at /m.test(text);
}

/** A standalone emulator started with `optintrail emulator --json`, for commands that need state across runs. */
export interface StandaloneEmulator {
  url: string;
  environment: Record<string, string>;
  /** Sends SIGINT and resolves with the exit code and stderr. */
  stop(): Promise<{ code: number | null; stderr: string }>;
}

export function startStandaloneEmulator(crm: string): Promise<StandaloneEmulator> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'emulator', '--crm', crm, '--port', '0', '--json'], { env: cleanEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let started = false;
    const closed = new Promise<{ code: number | null; stderr: string }>((done) => child.on('close', (code) => done({ code, stderr })));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (started || newline === -1) return;
      started = true;
      const { url, environment } = JSON.parse(stdout.slice(0, newline)) as { url: string; environment: Record<string, string> };
      resolve({
        url,
        environment,
        stop: () => {
          child.kill('SIGINT');
          return closed;
        },
      });
    });
    void closed.then(({ code }) => {
      if (!started) reject(new Error(`the emulator exited (${code}) before starting: ${stderr}`));
    });
  });
}
