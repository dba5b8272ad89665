#!/usr/bin/env node
// Sums the vitest JSON reports every workspace writes to .test-results.json and prints
// one line, `N passed, N failed`, the form CI reads. A workspace with a test script but no
// report counts as a failure: its runner never got to the end.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
let passed = 0;
let failed = 0;
const missing = [];
for (const pattern of rootPackage.workspaces) {
  const parent = join(root, pattern.replace(/\/\*$/, ''));
  if (!existsSync(parent)) continue;
  for (const entry of readdirSync(parent, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(parent, entry.name);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (!manifest.scripts?.test) continue;
    const reportPath = join(dir, '.test-results.json');
    if (!existsSync(reportPath)) {
      missing.push(manifest.name);
      continue;
    }
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    passed += report.numPassedTests ?? 0;
    failed += (report.numFailedTests ?? 0) + (report.numTodoTests ?? 0);
    // A suite that failed to load has no failed tests but is still a failure.
    failed += (report.testResults ?? []).filter((file) => file.status === 'failed' && file.assertionResults?.length === 0).length;
  }
}
for (const name of missing) console.error(`no test report from ${name}: its test run did not finish`);
failed += missing.length;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
