import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { waitFor } from '../../src/dev/wait.js';
import { FakeSlack } from '../fakes/fake-alert-receivers.js';
import { fileSink, stackFromEnv, TestRepo } from '../support/cli-repo.js';

/**
 * The monitor's opt-in auto-restart on the real dev stack: a sink task that really fails (its output directory is
 * missing) is restarted by `kcops alerts check` (the same round as `kcops monitor`), recorded in the repository's
 * audit log; while the cause remains, the restart does not help and, once maxRestarts is used up, a
 * restarts-exhausted alert is sent; after the cause is gone and a restart by hand, everything resolves.
 */
const stack = stackFromEnv();

describe.skipIf(!stack)('auto-restart on the dev stack', () => {
  const prefix = `payments-autort-${randomBytes(3).toString('hex')}-`;
  const repo = stack ? new TestRepo(stack, prefix) : undefined;
  const cluster = stack ? new SelfManagedCluster({ urls: stack.urls, auth: stack.creds.connect }) : undefined;
  const slack = new FakeSlack();
  const name = prefix + 'sink';

  afterAll(async () => {
    await cluster!.delete(name).catch(() => undefined);
    await slack.close();
  });

  const taskState = async () => (await cluster!.status(name))?.tasks[0]?.state;

  it('restarts a really failed task (audited), alerts when restarts run out, resolves once fixed', async () => {
    const r = repo!;
    r.env.AUTORT_SLACK = await slack.listen('/services/T000/B000/AUTORT');
    const outDir = join(r.dir, 'later');
    writeFileSync(
      join(r.dir, 'kcops.observability.yaml'),
      [
        'dev:',
        '  alerts:',
        `    connectors: '^${prefix}'`,
        '    rules:',
        '      - { kind: failed, for: 10m }', // give the restarts time before paging for the failure itself
        '    autoRestart:',
        '      - { team: payments, maxRestarts: 1 }',
        '    destinations:',
        "      - { type: slack, webhookUrl: '${kcops-env:AUTORT_SLACK}' }",
        '',
      ].join('\n'),
    );
    await cluster!.updateConfig(name, fileSink('payments.autort', join(outDir, 'out.txt')));
    await waitFor(async () => ((await taskState()) === 'FAILED' ? true : undefined), {
      what: `${name} task 0 FAILED`,
      timeoutMs: 60_000,
      intervalMs: 500,
    });

    // Round 1: restarted at once; the cause is still there, so it fails again.
    const first = await r.kcops('alerts', 'check', '--env', 'dev', '-o', 'json');
    expect(first.code, first.err).toBe(0);
    expect(first.json.restarts).toEqual([
      { connector: name, attempt: 1, failedTasks: [0], connectorFailed: false, result: 'restarted' },
    ]);
    const audit = readFileSync(r.auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(audit.filter((a) => a.action === 'ops:auto-restart')).toMatchObject([
      { connector: name, env: 'dev', result: 'succeeded' },
    ]);
    await waitFor(async () => ((await taskState()) === 'FAILED' ? true : undefined), {
      what: `${name} task 0 FAILED again after the restart`,
      timeoutMs: 60_000,
      intervalMs: 500,
    });

    // Round 2: no restart left: the exhausted alert (critical) goes out.
    const second = await r.kcops('alerts', 'check', '--env', 'dev', '-o', 'json');
    expect(second.code, second.err).toBe(1);
    expect(second.json.restarts).toEqual([]);
    expect(second.json.open.map((a: { key: string }) => a.key)).toEqual([`restarts/${name}`]);
    expect(slack.received).toHaveLength(1);
    expect(JSON.stringify(slack.received[0])).toContain('still FAILED after 1 automatic restart(s)');

    // Fixed: the directory exists; a restart by hand brings the task back; the alert resolves.
    mkdirSync(outDir, { recursive: true });
    await cluster!.restart(name, { includeTasks: true, onlyFailed: true });
    await waitFor(async () => ((await taskState()) === 'RUNNING' ? true : undefined), {
      what: `${name} task 0 RUNNING`,
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    const third = await r.kcops('alerts', 'check', '--env', 'dev', '-o', 'json');
    expect(third.code, third.err).toBe(0);
    expect(slack.received).toHaveLength(2);
    expect(JSON.stringify(slack.received[1])).toContain('recovered');
  });
});
