import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { monitorOffsets } from '../../src/core/observe/lag.js';
import { waitFor } from '../../src/dev/wait.js';
import { produceRecords } from '../../src/kafka/produce.js';
import { FakeSlack } from '../fakes/fake-alert-receivers.js';
import { fileSink, stackFromEnv, TestRepo } from '../support/cli-repo.js';

/**
 * The rules that read Kafka, on the real dev stack: records that a sink cannot convert arrive on its dead-letter topic
 * (the `dlq` rule alerts on the arrivals between two collections), and a paused sink falls behind (the `lag` rule
 * alerts above N). The offsets come from the brokers through the admin API (committed offsets vs end offsets).
 */
const stack = stackFromEnv();

describe.skipIf(!stack)('lag and DLQ rules on the dev stack', () => {
  const tag = randomBytes(3).toString('hex');
  const prefix = `payments-mkafka-${tag}-`;
  const repo = stack ? new TestRepo(stack, prefix) : undefined;
  const cluster = stack ? new SelfManagedCluster({ urls: stack.urls, auth: stack.creds.connect }) : undefined;
  const slack = new FakeSlack();
  const name = prefix + 'sink';
  const topic = `payments.mkafka.${tag}`;
  const dlq = `payments.mkafka.${tag}.dlq`;
  const admin = stack
    ? (stack.creds as unknown as { kafka: { admin: { username: string; password: string } } })
    : undefined;
  const access = () => ({
    bootstrap: stack!.bootstrap,
    username: admin!.kafka.admin.username,
    password: admin!.kafka.admin.password,
    mechanism: 'PLAIN' as const,
  });
  const produce = (values: string[]) =>
    produceRecords(
      {
        bootstrapServers: [stack!.bootstrap],
        sasl: { mechanism: 'PLAIN', username: admin!.kafka.admin.username, password: admin!.kafka.admin.password },
        topic,
      },
      values.map((value, i) => ({ key: `k${i}`, value, headers: {} })),
    );
  const offsets = () => monitorOffsets(access(), [`connect-${name}`], [dlq]);

  afterAll(async () => {
    await cluster!.delete(name).catch(() => undefined);
    await slack.close();
  });

  it('DLQ arrivals, the error rate from the workers metrics and a lagging paused sink alert on the real stack', async () => {
    const r = repo!;
    r.env.MKAFKA_SLACK = await slack.listen('/services/T000/B000/MKAFKA');
    r.env.MKAFKA_KAFKA_PW = admin!.kafka.admin.password;
    appendFileSync(
      join(r.dir, 'kcops.yaml'),
      `    kafka: { bootstrapServers: ['${stack!.bootstrap}'], sasl: { mechanism: PLAIN, username: ${admin!.kafka.admin.username}, password: '\${kcops-env:MKAFKA_KAFKA_PW}' } }\n`,
    );
    writeFileSync(
      join(r.dir, 'kcops.observability.yaml'),
      [
        'dev:',
        `  metrics: { prometheusUrls: [${process.env.KCOPS_TEST_METRICS_URLS}] }`,
        '  alerts:',
        `    connectors: '^${prefix}'`,
        '    rules:',
        '      - { kind: dlq }',
        '      - { kind: lag, above: 10, severity: error }',
        '      - { kind: errors, above: 50, minRecords: 1 }',
        '    destinations:',
        "      - { type: slack, webhookUrl: '${kcops-env:MKAFKA_SLACK}' }",
        '',
      ].join('\n'),
    );
    const kafka = new Admin({
      clientId: 'kcops-it',
      bootstrapBrokers: [stack!.bootstrap],
      sasl: { mechanism: 'PLAIN', username: admin!.kafka.admin.username, password: admin!.kafka.admin.password },
    });
    try {
      await kafka.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    } finally {
      await kafka.close();
    }
    await produce(['{"n":1}', '{"n":2}']);
    await cluster!.updateConfig(name, {
      ...fileSink(topic, join(r.dir, 'out.txt')),
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      // The DLQ reporter creates its topic and writes to it as the team's service account, like the consumer.
      'producer.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
      'admin.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
    });
    await produce(['not json 1', 'not json 2', 'not json 3']);
    // The sink has read and committed everything; the three bad records are on the DLQ.
    await waitFor(
      async () => {
        const o = await offsets().catch(() => undefined);
        const g = o?.lags[0];
        return g && g.partitions.length > 0 && g.total === 0 && (o.topicEnds[dlq] ?? 0) >= 3 ? true : undefined;
      },
      { what: `${name} caught up, 3 records on ${dlq}`, timeoutMs: 90_000, intervalMs: 1000 },
    );

    // Round 1 only marks the DLQ's end: those records arrived before anyone watched.
    const first = await r.kcops('alerts', 'check', '--env', 'dev', '-o', 'json');
    expect(first.code, first.err).toBe(0);
    expect(first.json.warnings).toEqual([]);
    expect(first.json.readings).toMatchObject({ lag: { [name]: 0 }, dlqEnd: { [dlq]: 3 } });

    // Two more bad records: they arrive on the DLQ, the dlq rule alerts.
    await produce(['bad 4', 'bad 5']);
    await waitFor(async () => ((await offsets()).topicEnds[dlq] === 5 ? true : undefined), {
      what: `5 records on ${dlq}`,
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    const second = await r.kcops('alerts', 'check', '--env', 'dev', '-o', 'json');
    expect(second.code, second.err).toBe(1);
    expect(second.json.warnings).toEqual([]);
    expect(second.json.open.map((a: { key: string }) => a.key).sort()).toEqual([`dlq/${name}`, `errors/${name}`]);
    // open alerts come sorted by key
    expect(second.json.open).toMatchObject([
      {
        key: `dlq/${name}`,
        severity: 'warning',
        summary: expect.stringContaining(`2 record(s) arrived on dead-letter topic ${dlq}`),
      },
      {
        key: `errors/${name}`,
        severity: 'error',
        summary: expect.stringContaining('100.0% of 2 record(s) failed'),
      },
    ]);
    expect(JSON.stringify(slack.received.at(-1))).toContain(dlq);

    // Paused, the sink falls behind: 20 records wait, above 10 → the lag rule alerts; the DLQ and error-rate alerts resolve.
    await waitFor(async () => ((await offsets()).lags[0]?.total === 0 ? true : undefined), {
      what: `${name} committed the bad records`,
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    await cluster!.pause(name);
    await waitFor(async () => ((await cluster!.status(name))?.state === 'PAUSED' ? true : undefined), {
      what: `${name} PAUSED`,
      timeoutMs: 30_000,
      intervalMs: 500,
    });
    await produce(Array.from({ length: 20 }, (_, i) => `{"n":${100 + i}}`));
    const third = await r.kcops('alerts', 'check', '--env', 'dev', '-o', 'json');
    expect(third.code, third.err).toBe(1);
    expect(third.json.readings.lag[name]).toBe(20);
    expect(third.json.open.map((a: { key: string; severity: string }) => [a.key, a.severity])).toEqual([
      [`lag/${name}`, 'error'],
    ]);
    const state = JSON.parse(readFileSync(join(r.dir, '.kcops', 'alerts', 'dev.json'), 'utf8'));
    expect(state.memory.lag[name]).toMatchObject({ total: 20 });
  });
});
