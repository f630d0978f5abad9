import { expect, it } from 'vitest';
import { findPlugin, isDynamicKey } from '../../../../src/core/validate/catalog/index.js';
import { runExample } from '../../../../src/core/validate/rule-docs.js';

const SINK = 'org.apache.camel.kafkaconnector.CamelSinkConnector';
const SOURCE = 'org.apache.camel.kafkaconnector.CamelSourceConnector';

const project = `project: t
secretProviders:
  env: { type: env, resolvedBy: worker, allowlist: '^KCOPS_.*' }
environments:
  dev:
    cluster: { type: self-managed, connect: { urls: ['http://127.0.0.1:28083'] } }
    policies: { requireDlqOnSinks: true, requireExactlyOnceOnSources: false }
`;

/** The S3 sink shape proven on the dev stack (test/integration/cdc-to-s3.test.ts). */
const s3Sink = (extra: Record<string, string> = {}): string =>
  JSON.stringify(
    {
      name: 'orders-s3',
      config: {
        'connector.class': SINK,
        'tasks.max': '1',
        topics: 'orders',
        'camel.sink.url':
          'aws2-s3://bucket?overrideEndpoint=true&uriEndpointOverride=http://127.0.0.1:29090&region=us-east-1&autoCreateBucket=false&keyName=orders/${exchangeId}.json',
        'camel.component.aws2-s3.accessKey': '${env:KCOPS_S3_ACCESS_KEY_ID}',
        'camel.component.aws2-s3.secretKey': '${env:KCOPS_S3_SECRET_ACCESS_KEY}',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': 'dlq-orders-s3',
        'errors.deadletterqueue.topic.replication.factor': '3',
        ...extra,
      },
    },
    null,
    2,
  );

it('the bundled self-managed catalog has the Camel generic sink and source of the dev stack', async () => {
  expect((await findPlugin(SINK, false))?.keys['camel.sink.url']).toBeDefined();
  expect((await findPlugin(SOURCE, false))?.keys['camel.source.url']).toBeDefined();
});

it('Camel component, endpoint, path, data format and bean options are open prefixes, only for Camel classes', () => {
  for (const k of [
    'camel.component.aws2-s3.accessKey',
    'camel.component.aws2-ddb.amazonDDBClient',
    'camel.sink.endpoint.keyName',
    'camel.sink.path.bucketNameOrArn',
    'camel.source.endpoint.delay',
    'camel.source.path.tableName',
    'camel.dataformat.json-jackson.prettyPrint',
    'camel.beans.myClient',
  ]) {
    expect(isDynamicKey(k, SINK), k).toBe(true);
  }
  expect(isDynamicKey('camel.sink.urll', SINK)).toBe(false);
  expect(isDynamicKey('camel.component', SINK)).toBe(false);
  expect(isDynamicKey('camel.component.aws2-s3.accessKey', 'io.debezium.connector.jdbc.JdbcSinkConnector')).toBe(false);
});

it('the Camel S3 sink config validates without findings; a misspelt Camel key is still reported', async () => {
  const clean = await runExample({ project, path: 'connectors/dev/orders-s3.json', content: s3Sink() });
  expect(clean).toEqual([]);
  const typo = await runExample({
    project,
    path: 'connectors/dev/orders-s3.json',
    content: s3Sink({ 'camel.sink.ur': 'x' }),
  });
  expect(typo.map((f) => [f.rule, f.message])).toEqual([
    ['unknown-key/connector', expect.stringContaining("'camel.sink.ur'")],
  ]);
});
