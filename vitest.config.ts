import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Node resolves `graphql` to its CommonJS build (as Apollo's packages do); Vite would pick
    // the .mjs build and graphql-js would then see two copies of itself.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'adapters/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // One database for the run; files use their own data, but run one at a time (2-core machines).
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
