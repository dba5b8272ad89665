/**
 * The sync process of the crash suite (see crash-suite.ts): rebuilds the seeded trails, pushes them
 * with the resume cursor it finds, and writes each new cursor to a file as soon as it has one, the
 * way a sync command does. The parent kills it with SIGKILL at random calls and starts it again.
 *
 * Run with tsx: `node --import tsx crash-child.ts`, settings in the environment:
 * CRASH_ADAPTER_MODULE (a module exporting `createCrashAdapter(url)`), CRASH_URL, CRASH_TRAILS,
 * CRASH_SEED, CRASH_PREFIX, CRASH_PHASE (`initial`: the first events of each trail, `full`), CRASH_CURSOR_FILE.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { CrmAdapter } from '@optintrail/core';
import { generateFaultTrails, trailPrefixes } from './fault-trails';

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`crash-child: ${name} is not set`);
  return value;
}

const cursorFile = setting('CRASH_CURSOR_FILE');
const seed = Number(setting('CRASH_SEED'));
const module = (await import(pathToFileURL(setting('CRASH_ADAPTER_MODULE')).href)) as { createCrashAdapter(url: string): CrmAdapter };
const adapter = module.createCrashAdapter(setting('CRASH_URL'));
const full = generateFaultTrails({ count: Number(setting('CRASH_TRAILS')), seed, prefix: setting('CRASH_PREFIX') });
const trails = setting('CRASH_PHASE') === 'initial' ? trailPrefixes(full, seed) : full;
const cursor = existsSync(cursorFile) ? readFileSync(cursorFile, 'utf8').trim() : '';

await adapter.ensureSchema();
const report = await adapter.push(trails, {
  ...(cursor ? { resumeAfter: cursor } : {}),
  onProgress: (progress) => {
    if (!progress.cursor) return;
    // Write then rename: a kill never leaves half a cursor behind.
    writeFileSync(`${cursorFile}.tmp`, progress.cursor);
    renameSync(`${cursorFile}.tmp`, cursorFile);
  },
});
process.stdout.write(`${JSON.stringify({ subjectsRead: report.subjectsRead, eventsWritten: report.eventsWritten, failures: report.failures.map(({ subject, kind, reason }) => ({ subject, kind, reason })) })}\n`);
process.exit(report.failures.length === 0 ? 0 : 3);
