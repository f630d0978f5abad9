// The import rules of ARCHITECTURE.md ("Dependencies point downward"), checked by `npm run lint` (part of `npm test`).
// Type-only imports count too (tsPreCompilationDeps): a cycle through a type is still a cycle in the design.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles: move the shared piece (a type, a helper) into its own module.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-not-cli-or-dev',
      severity: 'error',
      comment:
        'core never imports the CLI or the dev stack; the dev stack registers itself (core/environment/local-stack.ts).',
      from: { path: '^src/core/' },
      to: { path: '^src/(cli|dev)/' },
    },
    {
      name: 'clients-below-core',
      severity: 'error',
      comment:
        'The cluster clients (connect, kafka) import neither the CLI, the dev stack nor core: core uses them, never the other way round (shared ports such as progress.ts and errors.ts sit at the bottom of src/).',
      from: { path: '^src/(connect|kafka)/' },
      to: { path: '^src/(cli|dev|core)/' },
    },
    {
      name: 'backends-independent',
      severity: 'error',
      comment: 'Backends never import each other.',
      from: { path: '^src/connect/(self-managed|confluent-cloud)/' },
      to: { path: '^src/connect/(self-managed|confluent-cloud)/', pathNot: '^src/connect/$1/' },
    },
    {
      name: 'backend-client-through-its-factory',
      severity: 'error',
      comment:
        "Outside a backend's folder, its client is reached through its backend.ts factory (core/environment does that).",
      from: { path: '^src/', pathNot: '^src/connect/(self-managed|confluent-cloud)/' },
      to: { path: '^src/connect/(self-managed|confluent-cloud)/client[.]ts$' },
    },
    {
      name: 'validate-and-operations-through-the-backend',
      severity: 'error',
      comment:
        'Online validation and the operations get their clients from the Backend openEnvironment gives (core/environment), never from a backend module.',
      from: { path: '^src/core/(validate|operations)/' },
      to: { path: '^src/connect/(self-managed|confluent-cloud)/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
