// Jest in native ESM mode: `npm test` sets NODE_OPTIONS=--experimental-vm-modules. @swc/jest
// only strips the TypeScript; `npm run typecheck` does the type checking.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{test,src,adapters}/**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        // keepImportAttributes: `import x from './x.json' with { type: 'json' }` stays as written.
        jsc: { parser: { syntax: 'typescript' }, experimental: { keepImportAttributes: true } },
        module: { type: 'es6' },
      },
    ],
  },
  moduleNameMapper: {
    // Sources import each other as ./x.js (Node's ESM rule); Jest finds ./x.ts.
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // One graphql-js: its CommonJS build, which Node (and so Apollo's CommonJS packages) loads.
    '^graphql$': '<rootDir>/node_modules/graphql/index.js',
    // GraphQL Codegen loads its preset through require.resolve, which picks the CommonJS build;
    // that build requires ESM-only packages (auto-bind), which Jest cannot require. Its ESM build works.
    '^@graphql-codegen/client-preset$': '<rootDir>/node_modules/@graphql-codegen/client-preset/esm/index.js',
  },
  // Starts (or takes DATABASE_URL as) the run's database and migrates it; see test/global-setup.ts.
  globalSetup: '<rootDir>/test/jest-global-setup.mjs',
  globalTeardown: '<rootDir>/test/jest-global-teardown.mjs',
  testTimeout: 30_000, // hooks pass HOOK_TIMEOUT (test/helpers/runner.ts)
  // One database for the run; files use their own data, but run one at a time (2-core machines).
  maxWorkers: 1,
  // ...in one worker process, as Vitest did, rather than in Jest's own process: that is where the
  // global setup runs the embedded database (PGlite), which then has a core of its own, and where
  // its socket server is less likely to mix up messages of concurrent connections (a known
  // pglite-socket 0.2 defect). Setting a memory limit is what makes Jest use a worker with
  // maxWorkers 1; the worker is also restarted between files if it grows past the limit.
  workerIdleMemoryLimit: '1GB',
};
