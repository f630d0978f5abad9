import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundaryOf } from '../../../../src/core/fs/boundary.js';
import { acquireLock, acquireLockSync, type LockRequest } from '../../../../src/core/fs/lock.js';

function request(timeoutMs = 0): LockRequest {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-lock-'));
  return {
    boundary: boundaryOf(dir),
    file: join(dir, 'x.lock'),
    purpose: 'kcops apply --env prod',
    timeoutMs,
    code: 'DEPLOY_LOCKED',
    what: "Environment 'prod'",
    waitHint: '--lock-timeout',
    pollMs: 20,
  };
}

/** A pid that certainly exited: a child that has already ended. */
function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout,
  );
}

const holder = (pid: number, host = hostname(), pidStart: string | null = null) => ({
  user: 'ana',
  host,
  pid,
  pidStart,
  since: '2026-01-01T00:00:00.000Z',
  purpose: 'kcops rollback --env prod',
});

describe('lock file', () => {
  it('records who holds it and removes it on release', async () => {
    const r = request();
    const lock = await acquireLock(r);
    expect(JSON.parse(readFileSync(r.file, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    lock.release();
    expect(existsSync(r.file)).toBe(false);
  });

  it('a live holder: waits up to the bound, then names user, host, pid, purpose and since', async () => {
    const r = request(300);
    writeFileSync(r.file, JSON.stringify(holder(process.ppid)));
    const t0 = Date.now();
    await expect(acquireLock(r)).rejects.toMatchObject({
      code: 'DEPLOY_LOCKED',
      message: expect.stringContaining(
        `ana on ${hostname()} (pid ${process.ppid}, kcops rollback --env prod) since 2026-01-01T00:00:00.000Z after waiting`,
      ),
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(() => acquireLockSync({ ...r, timeoutMs: 0 })).toThrow(expect.objectContaining({ code: 'DEPLOY_LOCKED' }));
  });

  it('the wait ends as soon as the holder releases', async () => {
    const r = request(5_000);
    const first = await acquireLock(r);
    setTimeout(() => first.release(), 100);
    const second = await acquireLock(r);
    expect(JSON.parse(readFileSync(r.file, 'utf8'))).toMatchObject({ pid: process.pid });
    second.release();
  });

  it('takes over the lock of a dead process on this host, and of a reused pid', async () => {
    const r = request();
    const dead = holder(deadPid());
    writeFileSync(r.file, JSON.stringify(dead));
    const lock = await acquireLock(r);
    expect(lock.tookOver).toEqual(dead);
    lock.release();
    // Our parent is alive, but the lock says it was started at another tick: the pid was reused.
    writeFileSync(r.file, JSON.stringify(holder(process.ppid, hostname(), '1')));
    const again = await acquireLock(r);
    expect(again.tookOver).toMatchObject({ pid: process.ppid });
    again.release();
  });

  it("never takes over another host's lock or an unreadable one", async () => {
    const r = request();
    writeFileSync(r.file, JSON.stringify(holder(deadPid(), 'ci-runner-7')));
    await expect(acquireLock(r)).rejects.toMatchObject({
      message: expect.stringContaining('on ci-runner-7'),
      hint: expect.stringContaining('another host'),
    });
    writeFileSync(r.file, 'garbage');
    await expect(acquireLock(r)).rejects.toMatchObject({
      message: expect.stringContaining('unknown holder'),
      hint: expect.stringContaining(`rm ${r.file}`),
    });
  });
});
