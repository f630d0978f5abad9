import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../../src/core/audit/log.js';
import { startCheckedCloud } from '../../fakes/confluent-cloud/checked.js';
import type { Violation } from '../../fakes/confluent-cloud/openapi-contract.js';
import type { FakeConfluentCloud } from '../../fakes/confluent-cloud/server.js';
import { runCli } from '../../support/run-cli.js';
import { cloudProjectYaml } from '../../fakes/confluent-cloud/project.js';

/**
 * The audit topic on a Confluent Cloud environment, published through Kafka REST v3 of the stand-in (checked against
 * the published document), by apply and by a day-2 command, under both failure policies. The self-managed path is
 * tested against a real broker in test/engine-it/audit-topic.test.ts.
 */
let cloud: FakeConfluentCloud;
let violations: Violation[];
let dir: string;
const TOPIC = 'kcops-audit';
const ENV = {
  CCLOUD_API_KEY: 'CLOUDKEY1234',
  CCLOUD_API_SECRET: 'cloud-secret-value',
  KAFKA_REST_KEY: 'KAFKAREST1',
  KAFKA_REST_SECRET: 'kafka-rest-secret',
  CONNECTOR_KAFKA_SECRET: 'kafka-secret-1',
};

const cli = (...argv: string[]) =>
  runCli(argv, { cwd: dir, env: { ...ENV, KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl') } });
const apply = () => cli('apply', '--env', 'prod', '--auto-approve', '--settle', '0s', '--wait-timeout', '10s');
const lines = () => readFileSync(join(dir, 'audit.jsonl'), 'utf8').trim().split('\n');

function writeRepo(required: boolean) {
  writeFileSync(
    join(dir, 'kcops.yaml'),
    cloudProjectYaml(cloud, [
      `    kafka: { restEndpoint: '${cloud.url}', credentials: { apiKey: '\${kcops-env:KAFKA_REST_KEY}', apiSecret: '\${kcops-env:KAFKA_REST_SECRET}' } }`,
      `    audit: { topic: ${TOPIC}, required: ${required} }`,
    ]),
  );
}

beforeEach(async () => {
  ({ cloud, violations } = await startCheckedCloud({ provisioningReads: 0 }));
  dir = mkdtempSync(join(tmpdir(), 'kcops-audit-topic-'));
  mkdirSync(join(dir, 'connectors/prod'), { recursive: true });
  writeFileSync(
    join(dir, 'connectors/prod/payments-orders-s3.json'),
    JSON.stringify({
      name: 'payments-orders-s3',
      config: {
        'connector.class': 'S3_SINK',
        'kafka.auth.mode': 'KAFKA_API_KEY',
        'kafka.api.key': 'KAFKAKEY1',
        'kafka.api.secret': '${kcops-env:CONNECTOR_KAFKA_SECRET}',
        topics: 'orders',
        's3.bucket.name': 'lake',
        'input.data.format': 'JSON',
        'output.data.format': 'JSON',
        'time.interval': 'HOURLY',
        'errors.deadletterqueue.topic.name': 'dlq-payments-orders-s3',
        'tasks.max': '1',
      },
    }),
  );
  writeRepo(false);
});
afterEach(async () => cloud.stop());

describe('audit.topic on a Confluent Cloud environment (Kafka REST v3)', () => {
  it('apply and a day-2 pause publish exactly the JSONL lines, keyed by connector, without secrets', async () => {
    cloud.topics.add(TOPIC);
    const a = await apply();
    expect(a.code, a.err).toBe(0);
    const p = await cli('connect', 'pause', 'payments-orders-s3', '--env', 'prod');
    expect(p.code, p.err).toBe(0);
    const produced = cloud.produced.get(TOPIC) ?? [];
    expect(produced.map((r) => r.value)).toEqual(lines());
    expect(produced.map((r) => [r.key, r.headers['kcops-env'], r.headers['kcops-action']])).toEqual([
      ['payments-orders-s3', 'prod', 'apply:create'],
      ['payments-orders-s3', 'prod', 'ops:pause'],
    ]);
    expect(JSON.stringify(produced)).not.toMatch(/kafka-secret-1|kafka-rest-secret|cloud-secret-value/);
    expect(a.err + p.err).not.toContain('not published');
    expect(violations).toEqual([]);
  });

  it('by default a topic that does not exist is a warning: the command succeeds and the file has the record', async () => {
    const a = await apply();
    expect(a.code, a.err).toBe(0);
    expect(a.err).toContain(`Audit record 1 (deployment`);
    expect(a.err).toContain(`not published to topic ${TOPIC} on ${cloud.clusterId}`);
    expect(a.err).toContain(`confluent kafka topic create ${TOPIC} --cluster ${cloud.clusterId}`);
    expect(verifyAudit(join(dir, 'audit.jsonl'))).toMatchObject({ ok: true, records: 1 });
    expect(violations).toEqual([]);
  });

  it('audit publish copies what a failed publish left out, once fixed, and refuses a tampered file', async () => {
    const a = await apply();
    expect(a.err).toContain('kcops audit publish --env prod --from-seq 1 --to-seq 1');
    cloud.topics.add(TOPIC);
    const p = await cli('connect', 'pause', 'payments-orders-s3', '--env', 'prod');
    expect(p.code, p.err).toBe(0);
    expect((cloud.produced.get(TOPIC) ?? []).map((r) => r.headers['kcops-seq'])).toEqual(['2']);

    const dry = await cli('audit', 'publish', '--env', 'prod', '--to-seq', '1', '--dry-run', '-o', 'json');
    expect(dry.json).toMatchObject({ dryRun: true, published: 0, seqs: [1] });
    expect(cloud.produced.get(TOPIC)).toHaveLength(1);
    const again = await cli('audit', 'publish', '--env', 'prod', '--from-seq', '1', '--to-seq', '1', '-o', 'json');
    expect(again.code, again.err).toBe(0);
    expect(again.json).toMatchObject({ env: 'prod', published: 1, seqs: [1] });
    expect((cloud.produced.get(TOPIC) ?? []).map((r) => r.value)).toEqual([lines()[1], lines()[0]]);

    writeFileSync(join(dir, 'audit.jsonl'), lines()[1] + '\n');
    const tampered = await cli('audit', 'publish', '--env', 'prod');
    expect(tampered.code).toBe(1);
    expect(tampered.err).toMatch(/fails its hash chain/);
    expect(cloud.produced.get(TOPIC)).toHaveLength(2);
    const none = await cli('audit', 'publish', '--env', 'dev');
    expect(none.code).toBe(2);
    expect(violations).toEqual([]);
  });

  it('with required: true a denied write fails the command, says how to grant it, and undoes nothing', async () => {
    cloud.topics.add(TOPIC);
    expect((await apply()).code).toBe(0);
    writeRepo(true);
    cloud.writeDenied.add(TOPIC);
    const p = await cli('connect', 'pause', 'payments-orders-s3', '--env', 'prod');
    expect(p.code).toBe(1);
    expect(p.err).toContain(`Audit record 2 (deployment`);
    expect(p.err).toContain('may not write to topic kcops-audit');
    expect(p.err).toContain('Nothing was undone');
    expect(p.err).toContain(
      `confluent kafka acl create --allow --service-account <sa-id> --operations write --topic ${TOPIC}`,
    );
    expect(cloud.connectors.get('payments-orders-s3')?.state).toBe('PAUSED');
    expect(verifyAudit(join(dir, 'audit.jsonl'))).toMatchObject({ ok: true, records: 2 });
    expect(cloud.produced.get(TOPIC)).toHaveLength(1);
    expect(violations).toEqual([]);
  });
});
