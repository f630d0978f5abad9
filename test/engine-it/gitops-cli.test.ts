import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { waitFor } from '../../src/dev/wait.js';
import { fileSink, stackFromEnv, TestRepo } from '../support/cli-repo.js';

/**
 * The GitOps commands through the real CLI on the dev stack (issue 4 §7): apply from Git, a second commit, a stale
 * plan refused, `rollback --to` the first commit, drift afterwards, `history` telling it all, and `audit verify`
 * passing, then failing after the log is altered and after a record is removed.
 */
const stack = stackFromEnv();

describe.skipIf(!stack)('GitOps CLI on the dev stack: apply, rollback --to, drift, history, audit verify', () => {
  const prefix = `payments-gitit-${randomBytes(3).toString('hex')}-`;
  const repo = stack ? new TestRepo(stack, prefix) : undefined;
  const cluster = stack ? new SelfManagedCluster({ urls: stack.urls, auth: stack.creds.connect }) : undefined;
  const topic = `payments.gitit`;
  const mine = async () =>
    (await cluster!.collect()).connectors.filter((c) => c.name.startsWith(prefix)).map((c) => c.name);

  afterAll(async () => {
    for (const n of await mine()) await cluster!.delete(n);
  });

  it('walks a connector through two commits and back', async () => {
    const r = repo!;
    const a = r.put('a', fileSink(topic, '/tmp/gitit-a-v1.txt'));
    const b = r.put('b', fileSink(topic, '/tmp/gitit-b.txt'), 'PAUSED');
    const first = r.commit('two sinks');

    const plan1 = await r.kcops('plan', '--env', 'dev', '--detailed-exitcode', '-o', 'json');
    expect(plan1.code, plan1.err).toBe(3);
    expect(plan1.json.changes.map((c: { action: string }) => c.action)).toEqual(['create', 'create']);

    const apply1 = await r.kcops('apply', '--env', 'dev', '--auto-approve', '-o', 'json');
    expect(apply1.code, apply1.err).toBe(0);
    expect(apply1.json.status).toBe('applied');
    expect((await cluster!.status(b))?.state).toBe('PAUSED');
    expect((await r.kcops('plan', '--env', 'dev', '--detailed-exitcode')).code).toBe(0);

    // Without a terminal and without --auto-approve, apply never waits for input.
    r.put('a', fileSink(topic, '/tmp/gitit-a-v2.txt'));
    const second = r.commit('a writes v2');
    const noTty = await r.kcops('apply', '--env', 'dev');
    expect(noTty.code).toBe(2);
    expect(noTty.err).toMatch(/--auto-approve/);

    // A plan made before someone changed the cluster is refused.
    expect((await r.kcops('plan', '--env', 'dev', '--out', 'plan.json')).code).toBe(0);
    await cluster!.pause(a);
    // The status topic follows the pause a moment later; a plan sees what the status says.
    await waitFor(async () => ((await cluster!.status(a))?.state === 'PAUSED' ? true : undefined), {
      what: `${a} PAUSED`,
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    const stale = await r.kcops('apply', '--env', 'dev', 'plan.json', '--auto-approve');
    expect(stale.code).not.toBe(0);
    expect(stale.err).toMatch(/stale|changed since/i);
    await cluster!.resume(a);
    await waitFor(async () => ((await cluster!.status(a))?.state === 'RUNNING' ? true : undefined), {
      what: `${a} RUNNING`,
      timeoutMs: 30_000,
      intervalMs: 250,
    });

    const apply2 = await r.kcops('apply', '--env', 'dev', '--auto-approve', '-o', 'json');
    expect(apply2.code, apply2.err).toBe(0);
    expect((await cluster!.connectorConfig(a))?.file).toBe('/tmp/gitit-a-v2.txt');

    // Back to the first commit: the plan shown first, then the old file restored on the cluster.
    const rb = await r.kcops('rollback', '--env', 'dev', '--to', 'HEAD~1', '--auto-approve', '-o', 'json');
    expect(rb.code, rb.err).toBe(0);
    expect(rb.json.plan.changes.find((c: { connector: string }) => c.connector === a)).toMatchObject({
      action: 'update',
      fields: [{ key: 'file', before: '/tmp/gitit-a-v2.txt', after: '/tmp/gitit-a-v1.txt' }],
    });
    expect((await cluster!.connectorConfig(a))?.file).toBe('/tmp/gitit-a-v1.txt');

    // Git still says v2, so the cluster has drifted from it until the repository is reverted too.
    const drift = await r.kcops('drift', '--env', 'dev', '--detailed-exitcode', '-o', 'json');
    expect(drift.code).toBe(3);
    expect(drift.json.changed.map((c: { connector: string }) => c.connector)).toEqual([a]);

    const history = await r.kcops('history', '--env', 'dev', '-o', 'json');
    expect(history.code).toBe(0);
    const deployments = history.json.deployments as {
      actor: string;
      actorLabel?: string;
      gitCommit: string;
      outcome: string;
      changes: { connector: string; action: string }[];
    }[];
    expect(deployments.map((d) => d.gitCommit.slice(0, 40))).toEqual([
      expect.stringMatching(/^[0-9a-f]{7,40}/),
      second,
      first,
    ]);
    expect(deployments[0]!.changes).toEqual([expect.objectContaining({ connector: a, action: 'rollback:update' })]);
    expect(deployments[2]!.changes.map((c) => c.action).sort()).toEqual(['apply:create', 'apply:create']);
    // The actor is whom the workers authenticated (the dev stack's admin key); KCOPS_ACTOR is the label beside it.
    expect(
      deployments.every(
        (d) => d.outcome === 'applied' && d.actor === 'kcops-admin' && d.actorLabel === 'gitit <ci@example.com>',
      ),
    ).toBe(true);
    expect(readFileSync(r.auditFile, 'utf8')).not.toContain(stack!.creds.connect.password);

    const ok = await r.kcops('audit', 'verify', '-o', 'json');
    expect(ok.code).toBe(0);
    expect(ok.json).toMatchObject({ ok: true, records: 4, problems: [] });

    // Altering one record breaks the chain at that record.
    const lines = readFileSync(r.auditFile, 'utf8').trimEnd().split('\n');
    const altered = lines.map((l, i) => (i === 1 ? l.replace('"result":"applied"', '"result":"failed"') : l));
    expect(altered[1]).not.toBe(lines[1]);
    writeFileSync(r.auditFile, altered.join('\n') + '\n');
    const tampered = await r.kcops('audit', 'verify', '-o', 'json');
    expect(tampered.code).toBe(1);
    expect(tampered.json.problems[0]).toMatchObject({ seq: 2, problem: 'altered' });
    const human = await r.kcops('audit', 'verify');
    expect(human.out).toMatch(/TAMPERED/);

    // Removing a record from the middle is detected too.
    writeFileSync(r.auditFile, lines.filter((_, i) => i !== 2).join('\n') + '\n');
    const removed = await r.kcops('audit', 'verify', '-o', 'json');
    expect(removed.code).toBe(1);
    expect(removed.json.problems.map((p: { problem: string }) => p.problem)).toContain('removed-or-reordered');
  });
});
