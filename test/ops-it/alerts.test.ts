import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { waitFor } from '../../src/dev/wait.js';
import { FakeSlack, FakeSmtp } from '../fakes/fake-alert-receivers.js';
import { fileSink, stackFromEnv, TestRepo } from '../support/cli-repo.js';

/**
 * `kcops alerts check` (REQ-MON-003) on the real dev stack: a sink task that really fails in a real worker alerts a
 * real SMTP server and a Slack stand-in once, with Connect's own stack trace; after the connector is fixed the next
 * run announces the recovery and exits 0.
 */
const stack = stackFromEnv();

describe.skipIf(!stack)('alerts on the dev stack', () => {
  const prefix = `payments-alertit-${randomBytes(3).toString('hex')}-`;
  const repo = stack ? new TestRepo(stack, prefix) : undefined;
  const cluster = stack ? new SelfManagedCluster({ urls: stack.urls, auth: stack.creds.connect }) : undefined;
  const smtp = new FakeSmtp();
  const slack = new FakeSlack();
  const name = prefix + 'sink';

  afterAll(async () => {
    await cluster!.delete(name).catch(() => undefined);
    await Promise.all([smtp.close(), slack.close()]);
  });

  it('a real FAILED task alerts once by mail and Slack, then recovers', async () => {
    const r = repo!;
    const smtpPort = await smtp.listen();
    r.env.ALERTIT_SLACK = await slack.listen('/services/T000/B000/XXXX');
    writeFileSync(
      join(r.dir, 'kcops.observability.yaml'),
      [
        'dev:',
        '  alerts:',
        `    connectors: '^${prefix}'`,
        '    destinations:',
        '      - type: email',
        '        host: 127.0.0.1',
        `        port: ${smtpPort}`,
        '        from: kcops@example.com',
        '        to: [oncall@example.com]',
        '      - type: slack',
        "        webhookUrl: '${kcops-env:ALERTIT_SLACK}'",
        '',
      ].join('\n'),
    );
    await cluster!.updateConfig(name, fileSink('payments.alertit', '/nonexistent-dir/kcops/out.txt'));
    await waitFor(async () => ((await cluster!.status(name))?.tasks[0]?.state === 'FAILED' ? true : undefined), {
      what: `${name} task 0 FAILED`,
      timeoutMs: 60_000,
      intervalMs: 500,
    });

    const first = await r.kcops('alerts', 'check', '--env', 'dev', '-o', 'json');
    expect(first.code, first.err).toBe(1);
    expect(first.json.open.map((a: { connector: string; task?: number }) => [a.connector, a.task])).toEqual([
      [name, 0],
    ]);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.subject).toBe(`[kcops] [dev] connector ${name} task 0 FAILED`);
    // The trace is Connect's own, from the worker that ran the task.
    expect(smtp.mails[0]!.text).toMatch(/Exception/);
    expect(smtp.mails[0]!.text).toContain('/nonexistent-dir/kcops/out.txt');
    expect(slack.received).toHaveLength(1);
    expect(JSON.stringify(slack.received[0])).toContain(name);
    expect(first.out + first.err).not.toContain(r.env.ALERTIT_SLACK);

    const again = await r.kcops('alerts', 'check', '--env', 'dev', '-o', 'json');
    expect(again.code).toBe(1);
    expect(again.json.deliveries).toEqual([]);
    expect([smtp.mails.length, slack.received.length]).toEqual([1, 1]);

    await cluster!.updateConfig(name, fileSink('payments.alertit', join(r.dir, 'out.txt')));
    await waitFor(async () => ((await cluster!.status(name))?.tasks[0]?.state === 'RUNNING' ? true : undefined), {
      what: `${name} task 0 RUNNING`,
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    const recovered = await r.kcops('alerts', 'check', '--env', 'dev', '-o', 'json');
    expect(recovered.code, recovered.err).toBe(0);
    expect(recovered.json.open).toEqual([]);
    expect(smtp.mails.at(-1)!.subject).toBe(`[kcops] [dev] connector ${name} task 0 recovered`);
    expect(slack.received).toHaveLength(2);
  });
});
