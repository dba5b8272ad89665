import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // CI runs every package's suite side by side on 2 cores: generous limits keep a loaded machine
    // from failing property tests that pass in a second on an idle one.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
