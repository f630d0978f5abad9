/**
 * Building blocks of the rule examples (docs/reference/validation-rules.md and the per-rule unit tests). A good sink
 * and a good source that pass every offline rule under the strict default policy; each example changes one thing.
 */
export const FILE_SINK = 'org.apache.kafka.connect.file.FileStreamSinkConnector';
export const PG_SOURCE = 'io.debezium.connector.postgresql.PostgresConnector';

export const goodSink: Record<string, string> = {
  'connector.class': FILE_SINK,
  'tasks.max': '1',
  topics: 'orders',
  file: '/var/lib/kcops/orders.txt',
  'errors.tolerance': 'all',
  'errors.deadletterqueue.topic.name': 'dlq-orders-sink',
  'errors.deadletterqueue.topic.replication.factor': '3',
};

export const goodSource: Record<string, string> = {
  'connector.class': PG_SOURCE,
  'tasks.max': '1',
  'database.hostname': 'db.internal',
  'database.port': '5432',
  'database.user': 'cdc',
  'database.password': '${file:/etc/kafka/secrets/postgres.properties:password}',
  'database.dbname': 'app',
  'topic.prefix': 'app',
  'plugin.name': 'pgoutput',
  'exactly.once.support': 'required',
};

export function json(name: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ name, config, ...extra }, null, 2) + '\n';
}

export function without(config: Record<string, string>, ...keys: string[]): Record<string, string> {
  const copy = { ...config };
  for (const k of keys) delete copy[k];
  return copy;
}

/** A small repository definition for examples that need environments, teams or providers. */
export const exampleProject = `project: shop
secretProviders:
  file: { type: file, resolvedBy: worker }
teams:
  payments: { prefixes: [payments-], serviceAccounts: [sa-payments] }
environments:
  prod:
    cluster:
      type: self-managed
      connect: { urls: ['https://connect.prod.internal:8083'] }
    policies: { requireDlqOnSinks: true, requireExactlyOnceOnSources: true, maxTasks: 4, namingPattern: '^[a-z0-9-]+$' }
`;
