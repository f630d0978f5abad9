import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPorts } from '../../../src/dev/preflight.js';
import { isOurs, startDetached } from '../../../src/dev/process.js';
import { resolveSettings } from '../../../src/dev/settings.js';
import { undoStart } from '../../../src/dev/undo-start.js';
import { portsToStart } from '../../../src/dev/up.js';

/**
 * `kcops dev up` that fails after starting some processes must not leave them running unannounced (issue 19 §5): every
 * port is checked before anything starts, and what was started is stopped on failure. The full run is in
 * test/integration/dev-up-failure.test.ts; these are the pieces, fast.
 */
const settings = resolveSettings({
  home: '/tmp/kcops-input/unit-home',
  ports: { kafka: 42092, controller: 42093, connect: [42083, 42084], metrics: [42404, 42405], s3: 42090 },
  env: {},
});

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function occupy(port: number): Promise<void> {
  const srv = createServer();
  servers.push(srv);
  return new Promise((resolve) => srv.listen(port, '127.0.0.1', () => resolve()));
}

/** `n` distinct ports the system reports free right now (listened on, then released). */
async function freePorts(n: number): Promise<number[]> {
  const held = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((resolve) => {
          const srv = createServer();
          srv.listen(0, '127.0.0.1', () => resolve(srv));
        }),
    ),
  );
  const ports = held.map((s) => (s.address() as { port: number }).port);
  await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

describe('dev up preflight: every port before any process', () => {
  it('lists the ports of every component it will start, and only those', () => {
    const all = portsToStart(settings, true, () => false).map((p) => p.port);
    expect(all).toEqual([42092, 42093, 42090, 29191, 25432, 42083, 42404, 42084, 42405]);
    const someRunning = portsToStart(settings, false, (c) => c === 'broker' || c === 'worker-1').map((p) => p.port);
    expect(someRunning).toEqual([42090, 29191, 42084, 42405]);
  });

  it('a conflict on the last port is found before anything starts, naming the port and its flag', async () => {
    // Ports the system has just handed out, not fixed ones: another dev stack on this machine may hold 42xxx/29xxx.
    const [kafka, controller, c1, c2, m1, m2, s3, s3Https, postgres] = await freePorts(9);
    const free = resolveSettings({
      home: '/tmp/kcops-input/unit-home',
      ports: { kafka, controller, connect: [c1!, c2!], metrics: [m1!, m2!], s3, s3Https, postgres },
      env: {},
    });
    const ports = portsToStart(free, true, () => false);
    expect(ports.at(-1)?.port).toBe(m2);
    await occupy(m2!);
    const err = await checkPorts(ports).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string; hint: string },
    );
    expect(err?.code).toBe('DEV_PORT_IN_USE');
    expect(err?.message).toContain(String(m2));
    expect(err?.message).toContain('worker-2 metrics');
    expect(err?.hint).toContain('--metrics-ports');
  });

  it('the same port for two uses is refused', async () => {
    const s = resolveSettings({ home: '/tmp/kcops-input/unit-home', ports: { kafka: 42092, s3: 42092 }, env: {} });
    await expect(checkPorts(portsToStart(s, true, () => false))).rejects.toThrow(
      /42092 is given for both Kafka broker and S3 server/,
    );
  });
});

describe('undoStart: what a failed dev up started is stopped', () => {
  it('stops real detached processes, newest first, and says which', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcops-undo-'));
    const start = (marker: string) =>
      startDetached({ command: 'sh', args: ['-c', 'sleep 300', marker], consoleFile: join(dir, `${marker}.log`) });
    const broker = { component: 'broker' as const, pid: start('kcops-undo-broker'), marker: 'kcops-undo-broker' };
    const s3 = { component: 's3' as const, pid: start('kcops-undo-s3'), marker: 'kcops-undo-s3' };
    expect(isOurs(broker.pid, broker.marker) && isOurs(s3.pid, s3.marker)).toBe(true);

    const r = await undoStart([broker, s3], '/tmp/kcops-input/unit-home', 5000);
    expect(r.stopped.map((p) => p.component)).toEqual(['s3', 'broker']);
    expect(r.stillRunning).toEqual([]);
    expect(isOurs(broker.pid, broker.marker)).toBe(false);
    expect(isOurs(s3.pid, s3.marker)).toBe(false);
    expect(r.note.join('\n')).toContain(`s3 (pid ${s3.pid}), broker (pid ${broker.pid})`);
  });
});
