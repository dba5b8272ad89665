import type { SyncProgress } from '@optintrail/core';
import cliProgress from 'cli-progress';
import type { Output } from './output';

/** Shows how a sync is going: a bar on a terminal, plain lines in logs and pipes. Counts only, never personal data. */
export interface ProgressReporter {
  update(progress: SyncProgress, bytesRead: number): void;
  stop(): void;
}

/** Plain lines come at most this often (and always for the first and last update). */
const PLAIN_LINE_INTERVAL_MS = 2000;

export function createProgressReporter(options: { output: Output; label: string; totalBytes: number; quiet: boolean; clock?: () => number }): ProgressReporter {
  const { output, label, totalBytes } = options;
  if (options.quiet) return { update: () => undefined, stop: () => undefined };
  const percent = (bytesRead: number) => (totalBytes > 0 ? Math.min(100, Math.floor((bytesRead / totalBytes) * 100)) : 100);

  if (output.errorStream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: output.errorStream as NodeJS.WriteStream,
        format: `${label} |{bar}| {percentage}% | {subjects} subjects, {written} written, {failed} failed | {calls} API calls`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(totalBytes, 1), 0, { subjects: 0, written: 0, failed: 0, calls: 0 });
    return {
      update(progress, bytesRead) {
        bar.update(Math.min(bytesRead, Math.max(totalBytes, 1)), {
          subjects: progress.subjectsRead,
          written: progress.subjectsWritten,
          failed: progress.failed,
          calls: progress.apiCalls,
        });
      },
      stop() {
        bar.stop();
      },
    };
  }

  const clock = options.clock ?? Date.now;
  let lastPrinted = Number.NEGATIVE_INFINITY;
  let pending: string | undefined;
  return {
    update(progress, bytesRead) {
      const line = `${label}: ${percent(bytesRead)}% read, ${progress.subjectsRead} subjects, ${progress.subjectsWritten} written, ${progress.subjectsUnchanged} unchanged, ${progress.failed} failed, ${progress.apiCalls} API calls`;
      const now = clock();
      if (now - lastPrinted >= PLAIN_LINE_INTERVAL_MS) {
        output.err(line);
        lastPrinted = now;
        pending = undefined;
      } else {
        pending = line;
      }
    },
    stop() {
      if (pending) output.err(pending);
      pending = undefined;
    },
  };
}
