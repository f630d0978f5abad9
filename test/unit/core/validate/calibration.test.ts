import { describe, expect, it } from 'vitest';
import { catalogClasses, findPlugin } from '../../../../src/core/validate/catalog/index.js';
import { runExample } from '../../../../src/core/validate/rule-docs.js';
import { goodSink, goodSource, json, without } from '../../../../src/core/validate/rules/examples.js';

/** Issue 19 §6: validation of configs written by other people. */

const DLQ = 'errors.deadletterqueue.topic.name';
const project = (env: string, policies = ''): string =>
  `project: t\nenvironments:\n  ${env}:\n    cluster: { type: self-managed, connect: { urls: ['http://127.0.0.1:1'] } }\n${policies}`;

describe('severity calibration', () => {
  const noDlq = json('orders-sink', without(goodSink, 'errors.tolerance', DLQ));
  const sev = async (env: string, policies = ''): Promise<string | undefined> =>
    (
      await runExample({ path: `connectors/${env}/orders-sink.json`, content: noDlq, project: project(env, policies) })
    ).find((f) => f.rule === 'dlq/sink-without-dlq')?.severity;

  it('is strict in production-like environments and advisory in dev-like ones, by name', async () => {
    expect(await sev('prod')).toBe('error');
    expect(await sev('staging')).toBe('error');
    expect(await sev('dev')).toBe('warning');
    expect(await sev('test-eu')).toBe('warning');
  });

  it('kcops.yaml policies.severity overrides the name', async () => {
    expect(await sev('dev', '    policies: { severity: strict }\n')).toBe('error');
    expect(await sev('prod', '    policies: { severity: advisory }\n')).toBe('warning');
  });

  it('loose files are advisory: a properties file or a source without exactly-once is a warning', async () => {
    const props = await runExample({
      path: 'orders-sink.properties',
      content: Object.entries(goodSink)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
    });
    expect(props.find((f) => f.rule === 'shape/properties-file')?.severity).toBe('warning');
    const eos = await runExample({
      path: 'app-cdc.json',
      content: json('app-cdc', without(goodSource, 'exactly.once.support')),
    });
    expect(eos.find((f) => f.rule === 'exactly-once/source-not-required')?.severity).toBe('warning');
    expect(eos.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('DLQ set but errors not tolerated', () => {
  const content = json('orders-sink', without(goodSink, 'errors.tolerance'));
  it('is dlq/dlq-without-tolerance only, not also dlq/sink-without-dlq', async () => {
    const found = await runExample({ path: 'connectors/prod/orders-sink.json', content, project: project('prod') });
    expect(found.filter((f) => f.rule.startsWith('dlq/')).map((f) => [f.rule, f.severity])).toEqual([
      ['dlq/dlq-without-tolerance', 'error'],
    ]);
  });
  it('is a warning under an advisory policy', async () => {
    const found = await runExample({ path: 'orders-sink.json', content });
    expect(found.filter((f) => f.rule.startsWith('dlq/')).map((f) => [f.rule, f.severity])).toEqual([
      ['dlq/dlq-without-tolerance', 'warning'],
    ]);
  });
});

describe('shell-escaped payloads', () => {
  // What a heredoc or a curl -d '...' body looks like when copied out of a script.
  const content = [
    '{',
    '  "name": "orders-sink",',
    '  "config": {',
    `    "connector.class": "${goodSink['connector.class']}",`,
    '    "topics": "orders",',
    '    "file": "/tmp/it\\\'s-\\$HOME.txt", "tasks.max": "one",',
    '    "database.password": "hunter2"',
    '  }',
    '}',
    '',
  ].join('\n');

  it('are read leniently, labelled, and every rule runs on them with positions in the original file', async () => {
    const found = await runExample({ path: 'orders-sink.json', content });
    const invalid = found.find((f) => f.rule === 'syntax/invalid-json');
    expect(invalid?.message).toMatch(/invalid escape '\\''/);
    expect(invalid?.message).toMatch(/read it as shell-escaped JSON/);
    expect(invalid?.hint).toMatch(/shell-escaped/);
    expect(found.map((f) => f.rule)).toEqual(expect.arrayContaining(['secret/plaintext', 'dlq/sink-without-dlq']));
    // tasks.max comes after two removed backslashes on line 6: its column is the one in the file.
    const tasks = found.find((f) => f.rule === 'type/value');
    expect(tasks).toMatchObject({ line: 6, column: content.split('\n')[5]!.indexOf('"one"') + 1 });
  });
});

describe('placeholders in typed fields', () => {
  it.each(['${PORT}', '$DB_PORT', '{{ port }}', '{{port}}', '<port>', '${file:/s/db.properties:port}'])(
    '%s is not a type error',
    async (port) => {
      const found = await runExample({
        path: 'app-cdc.json',
        content: json('app-cdc', { ...goodSource, 'database.port': port }),
      });
      expect(found.filter((f) => f.rule.startsWith('type/'))).toEqual([]);
    },
  );
  it('a real non-number still is', async () => {
    const found = await runExample({
      path: 'app-cdc.json',
      content: json('app-cdc', { ...goodSource, 'database.port': 'PORT' }),
    });
    expect(found.map((f) => f.rule)).toContain('type/value');
  });
  it('dummy-word credentials are placeholders in a secret key and in a URL alike', async () => {
    for (const word of ['password', 'changeme', 'secret']) {
      const found = await runExample({
        path: 'orders-db-sink.json',
        content: json('orders-db-sink', {
          ...goodSink,
          'connection.password': word,
          'connection.url': `jdbc:postgresql://db:5432/app?user=app&password=${word}`,
        }),
      });
      const secret = found.filter((f) => f.rule.startsWith('secret/'));
      expect(secret.map((f) => f.rule).sort(), word).toEqual(['secret/in-url', 'secret/placeholder']);
      expect(secret.find((f) => f.rule === 'secret/in-url')?.message).toMatch(/placeholder/);
      expect(
        secret.every((f) => f.severity === 'warning'),
        word,
      ).toBe(true);
    }
  });
  it('every dummy word in a secret key is judged by the same rules, and none is printed', async () => {
    // `changeme` also matched the template-identity rule, which printed the value: a real password like `change1`
    // matches its pattern too.
    const rules = new Map<string, string[]>();
    for (const word of ['password', 'changeme', 'secret', 'change1']) {
      const found = await runExample({
        path: 'orders-db-sink.json',
        content: json('orders-db-sink', { ...goodSink, 'connection.password': word }),
      });
      rules.set(word, found.map((f) => f.rule).sort());
      if (word.startsWith('change'))
        expect(JSON.stringify(found.map((f) => [f.message, f.hint])), word).not.toContain(word);
    }
    const dummies = ['password', 'changeme', 'secret'].map((w) => rules.get(w)?.join());
    expect(new Set(dummies).size, JSON.stringify([...rules])).toBe(1);
    expect(rules.get('changeme')).toContain('secret/placeholder');
    // Not a dummy word: a literal credential, reported without its value.
    expect(rules.get('change1')).toContain('secret/plaintext');
    expect(rules.get('change1')).not.toContain('permission/placeholder-identity');
  });
});

describe('invalid JSON names the real cause', () => {
  const cases: [string, string, RegExp][] = [
    ['{\n  "name": "a",\n  "config": {"file": "C:\\dir"}\n}\n', 'invalid escape', /invalid escape '\\d'/],
    ['{\n  "name": "a",\n  "config": {"tasks.max": "1",}\n}\n', 'trailing comma', /trailing comma/],
    ['{\n  // my connector\n  "name": "a"\n}\n', 'comment', /comment/],
    ["{'name': 'a'}\n", 'single quotes', /single-quoted/],
    ['{\n  "name": "a",\n  "config": {"tasks.max": "1"}\n', 'truncated', /ends before the JSON does/],
    ['{\n  "name": "a"\n  "config": {}\n}\n', 'missing comma', /missing comma/],
  ];
  it.each(cases)('%#: %s → %s', async (content, _what, re) => {
    const f = (await runExample({ path: 'a.json', content })).find((x) => x.rule === 'syntax/invalid-json');
    expect(f?.message).toMatch(re);
    if (!/trailing comma/.test(re.source)) expect(f?.hint ?? '').not.toMatch(/trailing comma/i);
  });
});

describe('catalog coverage', () => {
  const wanted: [string, RegExp][] = [
    ['io.confluent.connect.jdbc.JdbcSourceConnector', /docs\.confluent\.io/],
    ['io.confluent.connect.jdbc.JdbcSinkConnector', /docs\.confluent\.io/],
    ['io.confluent.connect.s3.S3SinkConnector', /docs\.confluent\.io/],
    ['io.confluent.connect.elasticsearch.ElasticsearchSinkConnector', /docs\.confluent\.io/],
    ['org.apache.kafka.connect.mirror.MirrorSourceConnector', /Maven Central org\.apache\.kafka:connect-mirror/],
    ['org.apache.kafka.connect.mirror.MirrorCheckpointConnector', /Maven Central org\.apache\.kafka:connect-mirror/],
    ['org.apache.kafka.connect.mirror.MirrorHeartbeatConnector', /Maven Central org\.apache\.kafka:connect-mirror/],
    ['io.aiven.kafka.connect.s3.AivenKafkaConnectS3SinkConnector', /Aiven-Open/],
    ['io.aiven.connect.jdbc.JdbcSinkConnector', /Aiven-Open/],
    ['io.aiven.connect.jdbc.JdbcSourceConnector', /Aiven-Open/],
    ['io.debezium.connector.mysql.MySqlConnector', /Maven Central io\.debezium:debezium-connector-mysql/],
    ['io.debezium.connector.sqlserver.SqlServerConnector', /Maven Central io\.debezium:debezium-connector-sqlserver/],
    ['io.debezium.connector.mongodb.MongoDbConnector', /Maven Central io\.debezium:debezium-connector-mongodb/],
  ];
  it.each(wanted)('%s is in the catalog with its source recorded', async (cls, source) => {
    expect(catalogClasses().map((c) => c.class)).toContain(cls);
    const p = await findPlugin(cls, false);
    expect(p?.source).toMatch(source);
    expect(Object.keys(p?.keys ?? {}).length).toBeGreaterThan(5);
  });

  it('required keys and types come from the definitions', async () => {
    const mm2 = await findPlugin('org.apache.kafka.connect.mirror.MirrorSourceConnector', false);
    expect(mm2?.keys['source.cluster.alias']?.required).toBe(true);
    const found = await runExample({
      path: 'es.json',
      content: json('es', {
        'connector.class': 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector',
        'tasks.max': '1',
        topics: 'orders',
        'key.ignore': 'yes',
        'type.name': '_doc',
      }),
    });
    expect(found.map((f) => f.rule)).toEqual(expect.arrayContaining(['required/key', 'type/value', 'deprecated/key']));
  });

  it('Debezium SMT options that the transformation no longer defines are reported, with the replacement', async () => {
    const found = await runExample({
      path: 'app-cdc.json',
      content: json('app-cdc', {
        ...goodSource,
        transforms: 'unwrap',
        'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
        'transforms.unwrap.drop.tombstones': 'false',
        'transforms.unwrap.delete.handling.mod': 'rewrite',
      }),
    });
    const msgs = found.filter((f) => f.rule === 'deprecated/transform-option');
    expect(msgs.map((f) => f.hint)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('delete.tombstone.handling.mode'),
        expect.stringContaining('Its options'),
      ]),
    );
  });

  it('a key deprecated for several managed connectors is reported on each that has its replacement', async () => {
    for (const cls of ['S3_SINK', 'MySqlSink', 'PostgresSink', 'DynamoDbSink']) {
      const found = await runExample({
        path: 'sink.json',
        content: json('sink', { 'connector.class': cls, 'tasks.max': '1', topics: 'orders', 'data.format': 'AVRO' }),
      });
      expect(
        found.filter((f) => f.rule === 'deprecated/key').map((f) => f.message),
        cls,
      ).toEqual([expect.stringContaining("'data.format' is deprecated")]);
    }
  });
});
