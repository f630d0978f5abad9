import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { readAudit } from '../../src/core/audit/log.js';
import { readState } from '../../src/dev/state.js';
import { waitFor } from '../../src/dev/wait.js';
import { fileSink, stackFromEnv, TestRepo } from '../support/cli-repo.js';

/**
 * Issue 4 §7: kill one worker during an apply of 20 connectors. The apply either converges (all 20 RUNNING, exit 0)
 * or rolls back cleanly (none of them left, exit 4); either way no connector is lost or duplicated, and the audit
 * log holds one record per connector. The worker killed is the one at the first URL, which is also the one kcops
 * talks to, so the client's fail-over to the other URL is exercised too. `kcops dev up` brings it back afterwards.
 * Needs KCOPS_TEST_DEV_HOME (the stack's home, to find the worker's pid) besides the usual stack variables.
 */
const stack = stackFromEnv();
const home = process.env.KCOPS_TEST_DEV_HOME;
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'kcops.js');
const N = 20;

describe.skipIf(!stack || !home)('a worker killed during an apply of 20 connectors', () => {
  const prefix = `payments-killit-${randomBytes(3).toString('hex')}-`;
  const repo = stack ? new TestRepo(stack, prefix) : undefined;
  const cluster = stack ? new SelfManagedCluster({ urls: stack.urls, auth: stack.creds.connect }) : undefined;
  const mine = async () => (await cluster!.collect()).connectors.filter((c) => c.name.startsWith(prefix));

  afterAll(async () => {
    // Bring the killed worker back whatever happened, so the suites after this one find two workers.
    await promisify(execFile)(process.execPath, [BIN, 'dev', 'up', '--home', home!, '-o', 'json'], {
      maxBuffer: 16 * 1024 * 1024,
    });
    for (const c of await mine()) await cluster!.delete(c.name).catch(() => undefined);
  }, 300_000);

  it('converges or rolls back cleanly, and loses or duplicates nothing', async () => {
    const r = repo!;
    const names = Array.from({ length: N }, (_, i) =>
      r.put(`c${String(i).padStart(2, '0')}`, fileSink('payments.killit', `/tmp/killit-${i}.txt`)),
    );
    r.commit('20 sinks');

    const state = readState(join(home!, 'state.json'));
    const firstPort = Number(new URL(stack!.urls[0]!).port);
    const victim = (['worker-1', 'worker-2'] as const).find((w) => state?.processes[w]?.ports[0] === firstPort);
    const pid = victim ? state?.processes[victim]?.pid : undefined;
    expect(pid, `no worker of ${home} listens on ${firstPort}`).toBeDefined();

    let settled = false;
    const applying = r
      .kcops('apply', '--env', 'dev', '--auto-approve', '--wait-timeout', '150s', '-o', 'json')
      .finally(() => (settled = true));
    // Kill it mid-way: some connectors created, others not yet.
    await waitFor(async () => ((await mine()).length >= 4 ? true : undefined), {
      what: 'the first connectors of the apply',
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    process.kill(pid!, 'SIGKILL');
    // The kill lands while the apply still creates or waits (all 20 must also settle for 5 s before it ends).
    expect(settled).toBe(false);
    const killedAt = (await mine()).length;
    const result = await applying;
    expect([0, 4], `${result.err}\n${result.out.slice(0, 4000)}`).toContain(result.code);

    const outcomes = result.json.outcomes as { connector: string; result: string }[];
    expect(outcomes.map((o) => o.connector).sort()).toEqual(names);
    const records = readAudit(r.auditFile).records.filter((rec) => rec.deploymentId === result.json.deploymentId);
    expect(records.map((rec) => rec.connector).sort()).toEqual(names);

    if (result.code === 0) {
      expect(result.json.status).toBe('applied');
      // Every connector exactly once, each with exactly one task, all running on the surviving worker.
      const settled = await waitFor(
        async () => {
          const cs = await mine();
          return cs.length === N && cs.every((c) => c.status.state === 'RUNNING' && c.status.tasks.length === 1)
            ? cs
            : undefined;
        },
        { what: '20 RUNNING connectors', timeoutMs: 120_000, intervalMs: 1000 },
      );
      expect(settled.map((c) => c.name).sort()).toEqual(names);
      for (const c of settled) expect(c.config.file).toBe(`/tmp/killit-${names.indexOf(c.name)}.txt`);
    } else {
      // Rolled back: everything this apply created is gone again, and each outcome says so.
      expect(result.json.status).toBe('rolled-back');
      expect(await mine()).toEqual([]);
      for (const o of outcomes) expect(['rolled-back', 'not-started', 'failed']).toContain(o.result);
    }
    process.stderr.write(
      `[worker-kill] killed ${victim} with ${killedAt}/${N} created; apply exit ${result.code} (${result.json.status})\n`,
    );
  });
});
