import { command } from '../command-spec.js';

export const validateCommand = command({
  path: ['validate'],
  summary: 'check connector configs and kcops.yaml before they reach a cluster',
  description:
    'Checks syntax, shape, kcops.yaml, per-class keys (bundled catalog), secrets, DLQ, exactly-once, converters,\n' +
    "ownership and Avro schemas; then, unless --offline, asks the environment's cluster: plugin installed, its own\n" +
    'config validation, topics, ACLs and secret references. Inside a repository it validates every environment (or --env);\n' +
    'outside one, the files given. Severities follow the policy: strict (production) or advisory (environments named\n' +
    'like dev or test, and loose files): advisory turns convention findings into warnings; --strict forces production.\n' +
    'Human output shows at most 100 findings per file (errors first) and counts the rest per rule; -o json, sarif\n' +
    'and junit list every one.\n' +
    'Exit code: 0 without errors, 1 with errors, 2 usage.',
  args: [{ name: 'paths', description: 'files or directories (default: the whole repository)', variadic: true }],
  options: [
    { flags: '--offline', description: 'skip the checks that need the cluster', default: false },
    {
      flags: '--strict',
      description: 'production severities for every file, whatever the policy (e.g. loose files in CI)',
      default: false,
    },
    {
      flags: '--terraform [dir]',
      description:
        'check only the Terraform modules under dir (default: terraform/ of the repository) against the provider schemas, offline',
    },
    {
      flags: '--provider-schema <file...>',
      description:
        'with --terraform: `terraform providers schema -json` output(s) to use instead of the bundled schemas',
    },
  ],
  extraOutputs: ['sarif', 'junit'],
  examples: [
    { command: 'kcops validate', description: 'every environment of the repository, online' },
    {
      command: 'kcops validate --env prod --offline',
      description: 'only connectors/prod/, without contacting the cluster',
    },
    {
      command: 'kcops validate connectors/dev/payments-orders-sink.json -o json',
      description: 'one file, machine-readable',
    },
    { command: 'kcops validate --offline -o sarif > kcops.sarif', description: 'for GitHub code scanning' },
    { command: 'kcops validate --offline -o junit > kcops-junit.xml', description: 'for CI test reports' },
    {
      command: 'kcops validate --terraform terraform/environments/prod',
      description: 'the Terraform of one environment, against the bundled Confluent and AWS provider schemas',
    },
  ],
});
