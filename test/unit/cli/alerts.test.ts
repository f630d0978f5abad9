import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';
import { FakePagerDuty, FakeSlack, FakeSmtp, FakeTeams } from '../../fakes/fake-alert-receivers.js';
import { runCli } from '../../support/run-cli.js';

/** `kcops alerts check` through the CLI against the fake Connect, a real SMTP server and strict webhook stand-ins. */
const SRC = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
const TRACE = [
  'org.apache.kafka.connect.errors.ConnectException: Cannot connect to the database',
  '\tat io.example.Jdbc.open(Jdbc.java:42)',
  '\tat org.apache.kafka.connect.runtime.WorkerTask.run(WorkerTask.java:204)',
].join('\n');
const PD_KEY = 'R0ut1ngK3yR0ut1ngK3yR0ut1ngK3y00';
const SMTP_USER = 'kcops';
const SMTP_PASS = 'smtp-pa55-Xq9';

let fake: FakeConnect;
let slack: FakeSlack;
let teams: FakeTeams;
let pd: FakePagerDuty;
let smtp: FakeSmtp;
let dir: string;
let env: NodeJS.ProcessEnv;
let failing: Set<string>;
let secrets: string[];

const cli = (...argv: string[]) => runCli(['alerts', 'check', '--env', 'prod', ...argv], { cwd: dir, env });
const stateText = () => readFileSync(join(dir, '.kcops', 'alerts', 'prod.json'), 'utf8');
const noSecrets = (text: string) => {
  for (const s of secrets) expect(text).not.toContain(s);
};

function observability(destinations: string[], extra: string[] = []): void {
  writeFileSync(
    join(dir, 'kcops.observability.yaml'),
    ['prod:', '  alerts:', ...extra.map((l) => `    ${l}`), '    destinations:', ...destinations, ''].join('\n'),
  );
}
const EMAIL = (port: number) => [
  '      - type: email',
  '        host: 127.0.0.1',
  `        port: ${port}`,
  '        from: kcops@example.com',
  '        to: [oncall@example.com]',
  `        auth: { username: ${SMTP_USER}, password: '\${env:SMTP_PASSWORD}' }`,
];
const SLACK = ['      - type: slack', "        webhookUrl: '${env:SLACK_WEBHOOK}'"];
const TEAMS = ['      - type: teams', "        webhookUrl: '${env:TEAMS_WEBHOOK}'"];
const PD = (endpoint: string) => [
  '      - type: pagerduty',
  "        routingKey: '${env:PD_ROUTING_KEY}'",
  `        endpoint: ${endpoint}`,
];

beforeEach(async () => {
  fake = new FakeConnect({ startDelayMs: 0 });
  failing = new Set();
  fake.failTasks({ match: (name) => failing.has(name), afterMs: 0, trace: TRACE });
  const url = await fake.listen();
  [slack, teams, pd, smtp] = [
    new FakeSlack(),
    new FakeTeams(),
    new FakePagerDuty(),
    new FakeSmtp({ username: SMTP_USER, password: SMTP_PASS }),
  ];
  const slackUrl = await slack.listen('/services/T000/B000/slackS3cretPath');
  const teamsUrl = await teams.listen('/workflows/teamsS3cretSig');
  const pdUrl = await pd.listen('/v2/enqueue');
  const smtpPort = await smtp.listen();
  dir = mkdtempSync(join(tmpdir(), 'kcops-alerts-'));
  writeFileSync(
    join(dir, 'kcops.yaml'),
    [
      'project: shop',
      'teams:',
      '  payments: { prefixes: [payments-] }',
      'environments:',
      '  prod:',
      `    cluster: { type: self-managed, connect: { urls: ['${url}'] } }`,
      '',
    ].join('\n'),
  );
  observability([...EMAIL(smtpPort), ...SLACK, ...TEAMS, ...PD(pdUrl)]);
  env = { SLACK_WEBHOOK: slackUrl, TEAMS_WEBHOOK: teamsUrl, PD_ROUTING_KEY: PD_KEY, SMTP_PASSWORD: SMTP_PASS };
  secrets = ['slackS3cretPath', 'teamsS3cretSig', PD_KEY, SMTP_PASS];
  fake.seed('payments-a', { 'connector.class': SRC, topic: 'orders' });
  fake.seed('payments-b', { 'connector.class': SRC, topic: 'orders', 'tasks.max': '2' });
});
afterEach(async () => {
  await Promise.all([fake.close(), slack.close(), teams.close(), pd.close(), smtp.close()]);
});

describe('kcops alerts check', () => {
  it('healthy: exit 0, nothing sent, an empty state', async () => {
    const r = await cli('-o', 'json');
    expect(r.code, r.err).toBe(0);
    expect(r.json).toMatchObject({ formatVersion: 1, env: 'prod', open: [], deliveries: [] });
    expect(slack.received).toHaveLength(0);
    expect(JSON.parse(stateText())).toMatchObject({ alerts: {} });
  });

  it('a failed task alerts every destination once, does not repeat, and resolves when it recovers', async () => {
    failing.add('payments-b');
    const first = await cli('-o', 'json');
    expect(first.code, first.err).toBe(1);
    expect(first.json.open.map((a: { key: string }) => a.key)).toEqual(['task/payments-b/0', 'task/payments-b/1']);
    expect(first.json.deliveries).toHaveLength(8);
    expect(first.json.deliveries.every((d: { status: string }) => d.status === 'sent')).toBe(true);

    // email: a real SMTP exchange with login; subject and body name connector, env, task and the trace
    expect(smtp.logins.length).toBeGreaterThan(0);
    expect(smtp.logins.every((l) => l.username === SMTP_USER && l.password === SMTP_PASS)).toBe(true);
    // one digest per destination per round (email, Slack, Teams): both tasks in one message
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.subject).toBe('[kcops] [prod] 2 alert(s)');
    expect(mail.text).toContain('[prod] connector payments-b task 0 FAILED');
    expect(mail.text).toContain('[prod] connector payments-b task 1 FAILED');
    expect(mail.to).toMatchObject({ text: 'oncall@example.com' });
    expect(mail.text).toContain('Environment: prod');
    expect(mail.text).toContain('Connector: payments-b');
    expect(mail.text).toContain('Task: 0');
    expect(mail.text).toContain('ConnectException: Cannot connect to the database');
    expect(mail.text).toContain('at io.example.Jdbc.open(Jdbc.java:42)');
    for (const m of smtp.mails) noSecrets(`${m.subject ?? ''}\n${m.text ?? ''}\n${m.html || ''}`);

    // Slack, Teams, PagerDuty: accepted by the strict stand-ins
    expect(slack.received).toHaveLength(1);
    expect(JSON.stringify(slack.received[0])).toContain('payments-b task 0 FAILED');
    expect(JSON.stringify(slack.received[0])).toContain('payments-b task 1 FAILED');
    expect(teams.received).toHaveLength(1);
    expect(JSON.stringify(teams.received[0])).toContain('payments-b task 1 FAILED');
    // PagerDuty keys each incident by its dedup_key: one event per alert
    expect(pd.received).toHaveLength(2);
    expect(pd.received[0]).toMatchObject({
      routing_key: PD_KEY,
      event_action: 'trigger',
      dedup_key: 'kcops/prod/task/payments-b/0',
      payload: { summary: '[prod] connector payments-b task 0 FAILED', severity: 'critical', group: 'prod' },
    });
    noSecrets(first.out + first.err + stateText());

    // still failing: nothing is sent again, the alert stays open (exit 1)
    const second = await cli();
    expect(second.code, second.err).toBe(1);
    expect(second.out).toContain('2 open alert(s)');
    expect(second.out).toContain('nothing sent');
    expect([slack.received.length, teams.received.length, pd.received.length, smtp.mails.length]).toEqual([1, 1, 2, 1]);

    // recovered: PagerDuty resolves the same dedup keys, the others hear "recovered"; exit 0
    failing.delete('payments-b');
    const third = await cli('-o', 'json');
    expect(third.code, third.err).toBe(0);
    expect(third.json.open).toEqual([]);
    expect(pd.received.slice(2)).toEqual([
      { routing_key: PD_KEY, event_action: 'resolve', dedup_key: 'kcops/prod/task/payments-b/0' },
      { routing_key: PD_KEY, event_action: 'resolve', dedup_key: 'kcops/prod/task/payments-b/1' },
    ]);
    expect(smtp.mails[1]!.subject).toBe('[kcops] [prod] 2 recovered');
    expect(smtp.mails[1]!.text).toContain('[prod] connector payments-b task 0 recovered');
    expect(JSON.stringify(slack.received[1])).toContain('payments-b task 1 recovered');
    expect(teams.received).toHaveLength(2);
    expect(JSON.parse(stateText())).toMatchObject({ alerts: {} });

    const fourth = await cli();
    expect(fourth.code).toBe(0);
    expect(pd.received).toHaveLength(4);
  });

  it('a failing destination does not stop the others; it gets the alert on the next run (exit 1, with a hint)', async () => {
    failing.add('payments-a');
    slack.down = true;
    const r = await cli();
    expect(r.code).toBe(1);
    expect(r.err).toContain('ALERT_DELIVERY_FAILED');
    expect(r.err).toContain("slack destination 'slack': HTTP 500");
    expect(r.err).toMatch(/webhook URL behind \$\{env:SLACK_WEBHOOK\}/);
    expect(r.err).toContain('the next `kcops alerts check` sends it again');
    noSecrets(r.out + r.err + stateText());
    expect(pd.received).toHaveLength(1);
    expect(smtp.mails).toHaveLength(1);
    expect(teams.received).toHaveLength(1);

    slack.down = false;
    const again = await cli('-o', 'json');
    expect(again.code, again.err).toBe(1);
    expect(again.json.deliveries).toEqual([
      expect.objectContaining({ destination: 'slack', action: 'trigger', reason: 'retry', status: 'sent' }),
    ]);
    expect(slack.received).toHaveLength(1);
    expect(pd.received).toHaveLength(1);
  });

  it('PagerDuty refusing the event (400) is an error naming the routing key reference', async () => {
    failing.add('payments-a');
    env.PD_ROUTING_KEY = 'too-short';
    secrets.push('too-short');
    const r = await cli();
    expect(r.code).toBe(1);
    expect(r.err).toContain("pagerduty destination 'pagerduty': HTTP 400");
    expect(r.err).toContain('${env:PD_ROUTING_KEY}');
    noSecrets(r.out + r.err);
    expect(slack.received).toHaveLength(1);
  });

  it('--dry-run prints the requests with secrets masked, sends nothing and keeps no state', async () => {
    failing.add('payments-a');
    const r = await cli('--dry-run', '-o', 'json');
    expect(r.code, r.err).toBe(1);
    expect(r.json.dryRun).toBe(true);
    const byType = Object.fromEntries(
      r.json.deliveries.map((d: { type: string; request: unknown }) => [d.type, d.request]),
    );
    expect(byType.pagerduty).toMatchObject({ body: { routing_key: '****', event_action: 'trigger' } });
    expect(byType.slack).toMatchObject({ url: '****' });
    expect(byType.email).toMatchObject({
      auth: { username: SMTP_USER, password: '****' },
      subject: expect.stringContaining('payments-a'),
    });
    noSecrets(r.out + r.err);
    const human = await cli('--dry-run');
    expect(human.out).toContain('Would send (dry run, secrets masked)');
    noSecrets(human.out + human.err);
    expect([slack.received.length, teams.received.length, pd.received.length, smtp.mails.length]).toEqual([0, 0, 0, 0]);
    expect(existsSync(join(dir, '.kcops', 'alerts', 'prod.json'))).toBe(false);
  });

  it('a failed connector (not only tasks) alerts, and the connectors filter leaves others out', async () => {
    observability([...SLACK], ["connectors: '^payments-a$'"]);
    failing.add('payments-a');
    failing.add('payments-b');
    const r = await cli('-o', 'json');
    expect(r.json.open.map((a: { connector: string }) => a.connector)).toEqual(['payments-a']);
    expect(slack.received).toHaveLength(1);
  });

  it('without an alerts: section it says where to add one (exit 2)', async () => {
    writeFileSync(join(dir, 'kcops.observability.yaml'), 'prod: {}\n');
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.err).toContain('ALERTS_NOT_CONFIGURED');
    expect(r.err).toContain('kcops.observability.yaml');
  });

  it('a literal webhook URL is refused by the schema: destinations take secret references only', async () => {
    observability(['      - type: slack', '        webhookUrl: https://hooks.slack.com/services/T/B/x']);
    const r = await cli();
    expect(r.code).toBe(1);
    expect(r.err).toContain('OBSERVABILITY_INVALID');
    expect(r.err).toContain('secret reference');
  });
});
