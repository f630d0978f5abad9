/**
 * `kcops dev up` that fails must leave nothing of its own running (issue 19 §5): a port conflict is found before any
 * process starts, and a failure after some started stops them again and says so. Its own ports and home, apart from
 * the suite's stack; the second case needs no PostgreSQL at all (it fails waiting for one that is not there).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { portFree } from '../../src/dev/preflight.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'kcops.js');
const PORTS = [42092, 42093, 42083, 42084, 42404, 42405, 42090, 42191, 42432];
const PORT_ARGS = [
  '--kafka-port',
  '42092',
  '--controller-port',
  '42093',
  '--connect-ports',
  '42083,42084',
  '--metrics-ports',
  '42404,42405',
  '--s3-port',
  '42090',
  '--s3-https-port',
  '42191',
  '--postgres-port',
  '42432',
];
const homes: string[] = [];

async function devUp(extra: string[]): Promise<{ code: number; err: string; home: string }> {
  const home = mkdtempSync(join(tmpdir(), 'kcops-it-upfail-'));
  homes.push(home);
  try {
    await run(process.execPath, [BIN, 'dev', 'up', '--home', home, ...PORT_ARGS, ...extra], { timeout: 600_000 });
    return { code: 0, err: '', home };
  } catch (e) {
    const x = e as { code?: number; stderr?: string };
    return { code: x.code ?? -1, err: x.stderr ?? '', home };
  }
}

async function freePorts(): Promise<number[]> {
  const out: number[] = [];
  for (const p of PORTS) if (await portFree(p)) out.push(p);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A process that has exited but whose parent has not collected it yet (a zombie: state Z) holds nothing; the
  // orphaned JVMs are collected by PID 1, which may take a moment after `dev up` itself has exited.
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};

afterAll(async () => {
  for (const home of homes) {
    await run(process.execPath, [BIN, 'dev', 'down', '--home', home, '--purge']).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }
});

describe('dev up that fails', () => {
  it('a port taken on the last component is reported before anything starts', async () => {
    const srv: Server = createServer();
    await new Promise<void>((r) => srv.listen(42405, '127.0.0.1', r));
    try {
      const r = await devUp(['--postgres-url', 'postgres://postgres@127.0.0.1:1/postgres']);
      expect(r.code).toBe(1);
      expect(r.err).toContain('[DEV_PORT_IN_USE]');
      expect(r.err).toContain('42405');
      expect(r.err).toContain('--metrics-ports');
      expect(r.err).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((r) => srv.close(r));
    }
    expect(await freePorts()).toEqual(PORTS);
  });

  it('a failure after the broker, S3 server and workers started stops them and names them', async () => {
    // Nothing listens on port 1: every process starts, then waiting for PostgreSQL fails.
    const r = await devUp(['--postgres-url', 'postgres://postgres@127.0.0.1:1/postgres']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/PostgreSQL/);
    const note = /Stopped what this run had started: ([^\n]+)\./.exec(r.err)?.[1] ?? '';
    for (const c of ['broker', 's3', 'worker-1', 'worker-2']) expect(note, r.err).toContain(c);
    expect(r.err).not.toContain('Still running');
    const pids = [...note.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(4);
    // Stopped means signalled and exiting: allow the JVMs a few seconds to finish exiting after `dev up` returned.
    for (let i = 0; i < 50 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
    expect(await freePorts()).toEqual(PORTS);
  });
});
