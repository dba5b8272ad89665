import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The tests run the built command (node dist/cli.js); the setup builds it when src is newer.
    globalSetup: ['./test/build-cli.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
