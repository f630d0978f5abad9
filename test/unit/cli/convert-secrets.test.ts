import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';

const example = join(
  import.meta.dirname,
  '../../../examples/kafka-connect-configs/connectors/dev/payments-orders-cdc.json',
);

describe('kcops convert never prints or writes a credential of its input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-convert-secrets-'));
  const input = join(dir, 'in.json');
  const doc = JSON.parse(readFileSync(example, 'utf8')) as { name: string; config: Record<string, string> };
  doc.config['database.password'] = 'CANARY1';
  doc.config['producer.override.sasl.jaas.config'] =
    'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="CANARY2";';
  writeFileSync(input, JSON.stringify(doc));

  it.each([['-o', 'json'], ['-o', 'yaml'], []])('stdout %s', async (...flags) => {
    const r = await runCli(['convert', input, '--to', 'managed', ...flags]);
    expect(r.code, r.err).toBe(0);
    expect(r.out + r.err).not.toMatch(/CANARY/);
    expect(r.out).toContain('********');
  });

  it('--write, with a warning naming each key to move into a secret store', async () => {
    const out = join(dir, 'out.json');
    const r = await runCli(['convert', input, '--to', 'managed', '--write', out, '-o', 'json']);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(out, 'utf8')).not.toMatch(/CANARY/);
    const written = JSON.parse(readFileSync(out, 'utf8')) as { config: Record<string, string> };
    expect(written.config['database.password']).toBe('********');
    const warned = (r.json as { warnings: { key: string; message: string }[] }).warnings.filter((w) =>
      w.message.includes('secret store'),
    );
    expect(warned.map((w) => w.key)).toContain('database.password');
  });
});
