import { command } from '../command-spec.js';

export const initCommand = command({
  path: ['init'],
  summary:
    'write a connector configuration repository (kcops.yaml, kcops.observability.yaml, connectors/<env>/, schemas, scripts, terraform/)',
  args: [{ name: 'dir', description: 'where (default: the current directory)' }],
  options: [
    {
      flags: '--cloud <kind>',
      description: 'which Terraform blueprint to write under terraform/: confluent, self-managed or both',
      default: 'both',
    },
    {
      flags: '--ci <platform>',
      description:
        'also write the pipelines: github (.github/workflows/), gitlab (.gitlab-ci.yml) or both, with CODEOWNERS and docs/pipelines.md',
    },
  ],
  examples: [
    { command: 'kcops init kafka-connect-configs', description: 'a new repository with dev, staging and prod' },
    {
      command: 'kcops init kafka-connect-configs --ci github',
      description:
        'with GitHub Actions: PR validate/plan/config test, staging on merge, prod on approval, daily drift, rollback',
    },
    {
      command: 'kcops init kafka-connect-configs --cloud confluent',
      description: 'only the Confluent Cloud side of the Terraform blueprint',
    },
  ],
});

export const newCommand = command({
  path: ['new'],
  summary:
    'write a connector file from a template, in the flavour of the environment (self-managed or Confluent Cloud)',
  args: [
    {
      name: 'template',
      description:
        'postgres-cdc, s3-sink, dynamodb-source, dynamodb-sink, jdbc-source or jdbc-sink (docs/reference/templates.md)',
      required: true,
    },
  ],
  options: [{ flags: '--name <name>', description: 'connector name (also the file name)' }],
  examples: [
    {
      command: 'kcops new postgres-cdc --env dev --name payments-orders-cdc',
      description: 'connectors/dev/payments-orders-cdc.json',
    },
    {
      command: 'kcops new s3-sink --env prod --name payments-orders-s3',
      description: 'the managed S3_SINK flavour, prod being a Confluent Cloud environment',
    },
  ],
});
