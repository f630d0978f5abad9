import { mkdtempSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJavaMajor, portFree, checkPorts } from '../../../src/dev/preflight.js';
import { connectorOfLine } from '../../../src/dev/logs.js';
import { runtimeKey, runtimePoms } from '../../../src/dev/artifacts.js';
import { loadOrCreateCredentials } from '../../../src/dev/credentials.js';
import { tailFile } from '../../../src/dev/process.js';
import { waitFor } from '../../../src/dev/wait.js';
import { UserError } from '../../../src/errors.js';
import { createServer } from 'node:net';

describe('dev helpers', () => {
  it('reads Java major versions from every known -version format', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('openjdk version "25" 2025-09-16')).toBe(25);
    expect(parseJavaMajor('garbage')).toBeUndefined();
  });

  it('finds the connector of a Connect log line', () => {
    expect(connectorOfLine('[2026-11-23 21:00:00,000] INFO [payments-cdc|task-0] Starting (io.debezium:1)')).toBe(
      'payments-cdc',
    );
    expect(connectorOfLine('[2026-11-23 21:00:00,000] INFO [payments-cdc|worker] Creating (x:1)')).toBe('payments-cdc');
    expect(connectorOfLine('[2026-11-23 21:00:00,000] INFO Kafka version (x:1)')).toBeUndefined();
  });

  it('keys the artifact cache on the content of every runtime POM', () => {
    const poms = runtimePoms(join(import.meta.dirname, '..', '..', '..', 'runtime'));
    expect(poms.map((p) => p.name)).toEqual(['', 'camel-aws2-s3-sink']);
    expect(runtimeKey(poms)).toMatch(/^[0-9a-f]{16}$/);
    expect(runtimeKey(poms)).toBe(runtimeKey(poms));
  });

  it('creates the credentials file with mode 0600 once, and keeps it afterwards', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcops-unit-'));
    const file = join(dir, 'credentials.json');
    const first = loadOrCreateCredentials(file);
    expect(first.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadOrCreateCredentials(file);
    expect(second.created).toBe(false);
    expect(second.credentials).toEqual(first.credentials);
    writeFileSync(file, '{not json');
    expect(() => loadOrCreateCredentials(file)).toThrow(UserError);
    expect(readFileSync(file, 'utf8')).toBe('{not json');
  });

  it('tails files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcops-unit-'));
    const file = join(dir, 'x.log');
    writeFileSync(file, Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') + '\n');
    expect(tailFile(file, 2)).toEqual(['line 48', 'line 49']);
    expect(tailFile(join(dir, 'missing.log'), 2)).toEqual([]);
  });

  it('names the port, and the flag to change it, when a port is taken', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    try {
      expect(await portFree(port)).toBe(false);
      await expect(checkPorts([{ port, what: 'Kafka broker', flag: '--kafka-port' }])).rejects.toMatchObject({
        code: 'DEV_PORT_IN_USE',
        message: expect.stringContaining(String(port)),
        hint: expect.stringContaining('--kafka-port'),
      });
    } finally {
      srv.close();
    }
  });

  it('bounds every wait and says what it waited for', async () => {
    await expect(
      waitFor(async () => undefined, { what: 'Godot', timeoutMs: 50, intervalMs: 10 }),
    ).rejects.toMatchObject({ code: 'DEV_NOT_READY', message: expect.stringContaining('Godot') });
    await expect(
      waitFor(async () => undefined, { what: 'x', timeoutMs: 1000, abort: () => 'it died' }),
    ).rejects.toMatchObject({ code: 'DEV_PROCESS_DIED' });
    expect(await waitFor(async () => 42, { what: 'x', timeoutMs: 10 })).toBe(42);
  });
});
