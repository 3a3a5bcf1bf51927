/**
 * Architecture rules, checked by `npm run lint`: no import cycles anywhere, and a module is used
 * from outside only through its public surface (src/modules/<name>/index.ts). Tests may reach
 * into the module they test.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Files that import each other in a loop: split the shared part into its own file.',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'module-through-its-index',
      severity: 'error',
      comment: "Another module's internals: import what you need from its index.ts (add it there if it is public).",
      from: { path: '^src/modules/([^/]+)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/modules/([^/]+)/.+', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-through-index',
      severity: 'error',
      comment: 'Code outside the modules uses a module through its index.ts.',
      from: { path: '^(src/(?!modules/)|adapters/|bench/|prisma/)', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/modules/[^/]+/.+', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'platform-below-modules',
      severity: 'error',
      comment: 'platform/ and config/ are shared by every module and never import one.',
      from: { path: '^src/(platform|config)/' },
      to: { path: '^src/(modules|gateway|web|cli)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|src/generated|test/generated)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
