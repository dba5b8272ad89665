import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // CI runs every package's suite side by side on 2 cores: generous limits keep a loaded machine
    // from failing property tests that pass in a second on an idle one.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Node's HTTP server refuses a request line and headers past 16 KB itself (431, before the
    // emulator sees them); above that limit the emulator answers as Salesforce's edge does (414 for
    // the URI alone, 431 with the headers).
    execArgv: ['--max-http-header-size=65536'],
  },
});
