import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';

let dir: string;
const cli = (...argv: string[]) => runCli(argv, { cwd: dir });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kcops-promote-'));
  mkdirSync(join(dir, 'connectors/dev'), { recursive: true });
  writeFileSync(
    join(dir, 'kcops.yaml'),
    [
      'project: shop',
      'environments:',
      '  dev:',
      "    cluster: { type: self-managed, connect: { urls: ['http://127.0.0.1:28083'] } }",
      '  staging:',
      "    cluster: { type: self-managed, connect: { urls: ['http://staging:8083'] } }",
      '  prod:',
      '    cluster: { type: confluent-cloud, environmentId: env-abc123, kafkaClusterId: lkc-abc123 }',
      '',
    ].join('\n'),
  );
  copyFileSync(
    join(import.meta.dirname, '../../../examples/kafka-connect-configs/connectors/dev/payments-orders-cdc.json'),
    join(dir, 'connectors/dev/payments-orders-cdc.json'),
  );
});

describe('kcops promote', () => {
  it('converts when the cluster types differ, and warns about what it could not carry', async () => {
    const r = await cli('promote', 'payments-orders-cdc', '--from', 'dev', '--to', 'prod');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('wrote connectors/prod/payments-orders-cdc.json');
    expect(r.out).toContain('io.debezium.connector.postgresql.PostgresConnector → PostgresCdcSourceV2');
    expect(r.err).toContain('producer.override.sasl.jaas.config');
    const doc = JSON.parse(readFileSync(join(dir, 'connectors/prod/payments-orders-cdc.json'), 'utf8'));
    expect(doc).toMatchObject({
      name: 'payments-orders-cdc',
      config: { 'connector.class': 'PostgresCdcSourceV2', 'topic.prefix': 'payments' },
    });
    // Never overwrites without --force.
    expect((await cli('promote', 'payments-orders-cdc', '--from', 'dev', '--to', 'prod')).code).toBe(2);
    expect((await cli('promote', 'payments-orders-cdc', '--from', 'dev', '--to', 'prod', '--force')).code).toBe(0);
  });

  it('copies as it is between environments of the same type', async () => {
    const r = await cli('promote', 'payments-orders-cdc', '--from', 'dev', '--to', 'staging', '-o', 'json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      converted: null,
      warnings: [],
      target: 'connectors/staging/payments-orders-cdc.json',
    });
    const a = JSON.parse(readFileSync(join(dir, 'connectors/dev/payments-orders-cdc.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(dir, 'connectors/staging/payments-orders-cdc.json'), 'utf8'));
    expect(b).toEqual(a);
  });

  it('exits 2 for an unknown environment or connector', async () => {
    expect((await cli('promote', 'payments-orders-cdc', '--from', 'dev', '--to', 'qa')).code).toBe(2);
    expect((await cli('promote', 'nope', '--from', 'dev', '--to', 'prod')).code).toBe(2);
    expect(existsSync(join(dir, 'connectors/prod'))).toBe(false);
  });
});
