#!/usr/bin/env node
import { runCli } from './program';

// First Ctrl-C (or SIGTERM): commands stop cleanly (sync after the current batch, the emulator at
// once). A second Ctrl-C quits immediately.
const stop = new AbortController();
let interrupts = 0;
const onSignal = () => {
  interrupts += 1;
  if (interrupts > 1) process.exit(130);
  stop.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

void runCli({ argv: process.argv.slice(2), signal: stop.signal }).then((code) => {
  process.exitCode = code;
  // SDK keep-alive sockets or timers must not keep a finished command alive.
  setTimeout(() => process.exit(code), 1000).unref();
});
