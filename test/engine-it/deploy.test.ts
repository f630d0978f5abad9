import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { executePlan } from '../../src/core/apply/execute.js';
import type { ApplyOptions } from '../../src/core/apply/types.js';
import { computePlan } from '../../src/core/plan/compute.js';
import type { DesiredConnector } from '../../src/core/plan/types.js';
import { silentReporter } from '../../src/core/reporter.js';

/**
 * The deployment engine on the real dev stack. Every connector here starts with a per-run prefix that is also the
 * ownership scope, so other people's connectors on the shared stack are unmanaged and never touched.
 */
const urls = process.env.KCOPS_TEST_CONNECT_URLS?.split(',').filter(Boolean) ?? [];
const credsFile = process.env.KCOPS_TEST_CREDENTIALS_FILE;
const enabled = urls.length > 0 && credsFile !== undefined;

const prefix = `payments-kcit-${randomBytes(3).toString('hex')}-`;
// The dev stack gives its workers each team's JAAS line as an environment variable (env config provider).
const jaas = '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}';
const sink = (file: string) => ({
  'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  'tasks.max': '1',
  topics: 'payments.kcit',
  file,
  'consumer.override.sasl.jaas.config': jaas,
});

describe.skipIf(!enabled)('deployment engine on the dev stack', () => {
  const creds = enabled
    ? (JSON.parse(readFileSync(credsFile!, 'utf8')) as { connect: { username: string; password: string } })
    : undefined;
  const cluster = new SelfManagedCluster({ urls, auth: creds?.connect });
  const options: ApplyOptions = {
    concurrency: 4,
    rollback: true,
    approvedDeletes: new Set(),
    wait: { timeoutMs: 90_000, settleMs: 4_000, pollMs: 500 },
  };
  const d = (
    suffix: string,
    config: Record<string, string>,
    state: DesiredConnector['state'] = 'RUNNING',
  ): DesiredConnector => ({ name: prefix + suffix, config, state, file: `${suffix}.json` });

  async function deploy(desired: DesiredConnector[], o: Partial<ApplyOptions> = {}, prune = false) {
    const actual = await cluster.collect();
    const plan = computePlan(desired, actual, cluster.traits, { env: 'dev', prune, ownedPrefixes: [prefix] });
    const result = await executePlan({
      plan,
      desired,
      actual,
      cluster,
      reporter: silentReporter,
      options: { ...options, ...o },
    });
    return { plan, result };
  }
  const mine = async () => (await cluster.collect()).connectors.filter((c) => c.name.startsWith(prefix));

  afterAll(async () => {
    for (const c of await mine()) await cluster.delete(c.name);
  });

  it('creates, then plans nothing; updates a field; changes state; drift after a REST edit', async () => {
    const a = d('a', sink('/tmp/kcit-a.txt'));
    const b = d('b', sink('/tmp/kcit-b.txt'), 'PAUSED');
    const first = await deploy([a, b]);
    expect(first.result).toMatchObject({ status: 'applied', exitCode: 0 });
    expect((await mine()).map((c) => [c.name, c.status.state])).toEqual([
      [prefix + 'a', 'RUNNING'],
      [prefix + 'b', 'PAUSED'],
    ]);
    // Connect adds `name` and stores the reference unresolved: a second plan is empty.
    const again = computePlan([a, b], await cluster.collect(), cluster.traits, {
      env: 'dev',
      prune: false,
      ownedPrefixes: [prefix],
    });
    expect(again.changes.map((c) => c.action)).toEqual(['none', 'none']);

    const a2 = d('a', { ...sink('/tmp/kcit-a2.txt') });
    const second = await deploy([a2, d('b', sink('/tmp/kcit-b.txt'), 'STOPPED')]);
    expect(second.plan.changes.map((c) => [c.action, c.fields.map((f) => f.key)])).toEqual([
      ['update', ['file']],
      ['stop', ['(state)']],
    ]);
    expect(second.result.status).toBe('applied');

    // A hand edit through REST is drift: the next plan proposes to undo it.
    await cluster.updateConfig(prefix + 'a', { ...sink('/tmp/kcit-a2.txt'), 'tasks.max': '2' });
    const drift = computePlan(
      [a2, d('b', sink('/tmp/kcit-b.txt'), 'STOPPED')],
      await cluster.collect(),
      cluster.traits,
      { env: 'dev', prune: false, ownedPrefixes: [prefix] },
    );
    expect(drift.changes[0]).toMatchObject({
      action: 'update',
      fields: [{ key: 'tasks.max', before: '2', after: null }],
    });
  });

  it('prunes an in-scope connector only with approval', async () => {
    const keep = d('a', sink('/tmp/kcit-a2.txt'));
    await expect(deploy([keep], {}, true)).rejects.toMatchObject({ code: 'DELETE_NOT_APPROVED' });
    const r = await deploy([keep], { approvedDeletes: new Set([prefix + 'b']) }, true);
    expect(r.plan.changes.find((c) => c.connector === prefix + 'b')?.action).toBe('delete');
    expect(r.result.status).toBe('applied');
    expect((await mine()).map((c) => c.name)).toEqual([prefix + 'a']);
  });

  it('rolls back automatically when a task fails: restores the updated one, deletes the created one (exit 4)', async () => {
    const before = (await mine()).find((c) => c.name === prefix + 'a')!;
    // The sink task fails on start: its file cannot be opened.
    const bad = d('bad', sink('/nonexistent-dir/kcops/out.txt'));
    const r = await deploy([d('a', { ...sink('/tmp/kcit-a3.txt') }), bad], { concurrency: 2 });
    expect(r.result).toMatchObject({ status: 'rolled-back', exitCode: 4 });
    const failed = r.result.outcomes.find((o) => o.connector === bad.name)!;
    expect(failed).toMatchObject({ result: 'failed', rollback: { action: 'delete', result: 'done' } });
    expect(failed.trace ?? failed.error).toBeTruthy();
    const after = await mine();
    expect(after.map((c) => c.name)).toEqual([prefix + 'a']);
    expect(after[0]!.config.file).toBe(before.config.file);
  });

  it('never deletes a connector someone else created after the plan: a conflict, and only its own create undone', async () => {
    const ours = d('own', sink('/tmp/kcit-own.txt'));
    const theirs = d('theirs', sink('/tmp/kcit-ours-for-theirs.txt'));
    const actual = await cluster.collect();
    const desired = [ours, theirs];
    const plan = computePlan(desired, actual, cluster.traits, { env: 'dev', prune: false, ownedPrefixes: [prefix] });
    // Someone else creates `theirs` (their own config) between this plan's snapshot and the apply.
    await cluster.create(theirs.name, sink('/tmp/kcit-theirs.txt'));
    const r = await executePlan({ plan, desired, actual, cluster, reporter: silentReporter, options });
    expect(r).toMatchObject({ status: 'rolled-back', exitCode: 4, conflicts: [theirs.name] });
    expect(r.outcomes.find((o) => o.connector === theirs.name)).toMatchObject({
      result: 'conflict',
      rollback: { action: 'none', result: 'skipped' },
    });
    const left = await mine();
    expect(left.find((c) => c.name === ours.name)).toBeUndefined();
    expect(left.find((c) => c.name === theirs.name)?.config.file).toBe('/tmp/kcit-theirs.txt');
    await cluster.delete(theirs.name);
  });
});
