import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';

const cli = (argv: string[]) => runCli(argv);

const example = join(
  import.meta.dirname,
  '../../../examples/kafka-connect-configs/connectors/dev/payments-orders-cdc.json',
);

describe('kcops convert', () => {
  it('prints the managed connector and warns on stderr about every key it could not carry', async () => {
    const r = await cli(['convert', example, '--to', 'managed']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { name: string; config: Record<string, string> };
    expect(doc.name).toBe('payments-orders-cdc');
    expect(doc.config['connector.class']).toBe('PostgresCdcSourceV2');
    expect(doc.config).not.toHaveProperty('name');
    expect(r.err).toContain('producer.override.sasl.jaas.config');
  });

  it('round-trips through files, and answers JSON with the warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcops-convert-'));
    const managed = join(dir, 'managed.json');
    expect((await cli(['convert', example, '--to', 'managed', '--write', managed])).code).toBe(0);
    const r = await cli(['convert', managed, '--to', 'self-managed', '-o', 'json']);
    expect(r.code).toBe(0);
    const data = JSON.parse(r.out) as {
      formatVersion: number;
      to: string;
      connector: { config: Record<string, string> };
      warnings: { key: string }[];
    };
    expect(data.to).toBe('io.debezium.connector.postgresql.PostgresConnector');
    expect(data.connector.config['database.hostname']).toBe('${env:KCOPS_PG_HOST}');
    expect(data.warnings.map((w) => w.key)).toContain('connector.class');
    expect(JSON.parse(readFileSync(managed, 'utf8')).config['kafka.auth.mode']).toBe('SERVICE_ACCOUNT');
  });

  it('exits 2 without --to, for the wrong side, and for a file that is not a connector', async () => {
    expect((await cli(['convert', example])).code).toBe(2);
    expect((await cli(['convert', example, '--to', 'self-managed'])).err).toContain('already a self-managed connector');
    const dir = mkdtempSync(join(tmpdir(), 'kcops-convert-'));
    writeFileSync(join(dir, 'x.json'), '[1,2');
    expect((await cli(['convert', join(dir, 'x.json'), '--to', 'managed'])).code).toBe(2);
  });
});
