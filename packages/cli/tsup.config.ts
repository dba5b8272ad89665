import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  // The in-memory reference adapter (a dev dependency shipped as TypeScript) is bundled; the
  // adapter packages, core, commander and cli-progress stay dependencies.
  noExternal: ['@optintrail/adapter-test'],
});
