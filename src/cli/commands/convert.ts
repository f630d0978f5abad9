import { command } from '../command-spec.js';

export const convertCommand = command({
  path: ['convert'],
  summary: 'translate a connector file between Confluent Cloud (managed) and self-managed Kafka Connect',
  description:
    "Uses the key mappings of Confluent's managed connector templates: Debezium PostgreSQL/MySQL ↔ PostgresCdcSourceV2/MySqlCdcSourceV2, S3 sink (Confluent or Camel aws2-s3) ↔ S3_SINK, JDBC ↔ PostgresSource/PostgresSink/MySqlSource/MySqlSink, DynamoDB ↔ DynamoDbSink/DynamoDbCdcSource. Every key that cannot be carried across is reported as a warning; secret references are kept as they are. A literal credential of the input is never printed or written: it becomes ******** with a warning naming the key to move into a secret store.",
  args: [
    {
      name: 'file',
      description: 'connector file (JSON or YAML, {name, config} or a flat config map)',
      required: true,
    },
  ],
  options: [
    { flags: '--to <side>', description: 'what to convert to', choices: ['managed', 'self-managed'] },
    { flags: '--write <path>', description: 'write the converted connector file there instead of printing it' },
  ],
  examples: [
    {
      command: 'kcops convert connectors/dev/payments-orders-cdc.json --to managed',
      description: 'Debezium PostgreSQL → PostgresCdcSourceV2, printed with warnings on stderr',
    },
    {
      command: 'kcops convert connectors/prod/orders-s3.json --to self-managed --write connectors/dev/orders-s3.json',
      description: 'S3_SINK → io.confluent.connect.s3.S3SinkConnector, written to a file',
    },
  ],
});

export const promoteCommand = command({
  path: ['promote'],
  summary: 'copy a connector file to another environment, converting it when their cluster types differ',
  description:
    'Reads connectors/<from>/<name>.json and writes connectors/<to>/<name>.json for review in Git (nothing is deployed).\n' +
    'When one environment is self-managed and the other Confluent Cloud, the config goes through `kcops convert`, and every\n' +
    'key that could not be carried is reported as a warning.',
  args: [{ name: 'name', description: 'connector name', required: true }],
  options: [
    { flags: '--from <env>', description: 'environment to copy from' },
    { flags: '--to <env>', description: 'environment to copy to' },
    { flags: '--force', description: 'overwrite the target file when it exists', default: false },
  ],
  examples: [
    {
      command: 'kcops promote payments-orders-cdc --from dev --to prod',
      description: 'dev (self-managed) → prod (Confluent Cloud): PostgresCdcSourceV2',
    },
    {
      command: 'kcops promote payments-orders-cdc --from dev --to staging --force',
      description: 'same cluster type: a plain copy, overwriting',
    },
  ],
});
