import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';
import { FakeOpsgenie } from '../../fakes/fake-alert-receivers.js';
import { runCli } from '../../support/run-cli.js';

/**
 * `kcops alerts check` with an Opsgenie destination (Alert API v2), through the CLI against the fake Connect and the
 * strict Opsgenie stand-in: create with an alias, no second page while open, close by alias on recovery.
 */
const SRC = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
const KEY = 'c0ffee00-genie-key-0000-canary00og';

let fake: FakeConnect;
let og: FakeOpsgenie;
let dir: string;
let env: NodeJS.ProcessEnv;
let failing: Set<string>;

const cli = (...argv: string[]) => runCli(['alerts', 'check', '--env', 'prod', ...argv], { cwd: dir, env });
const destination = (lines: string[]) =>
  writeFileSync(
    join(dir, 'kcops.observability.yaml'),
    ['prod:', '  alerts:', '    destinations:', '      - type: opsgenie', ...lines.map((l) => `        ${l}`), ''].join(
      '\n',
    ),
  );

beforeEach(async () => {
  fake = new FakeConnect({ startDelayMs: 0 });
  failing = new Set();
  fake.failTasks({ match: (n) => failing.has(n), afterMs: 0, trace: 'java.lang.IllegalStateException: boom' });
  const url = await fake.listen();
  og = new FakeOpsgenie(KEY);
  const ogUrl = await og.listen();
  dir = mkdtempSync(join(tmpdir(), 'kcops-opsgenie-'));
  writeFileSync(
    join(dir, 'kcops.yaml'),
    [
      'project: shop',
      'environments:',
      '  prod:',
      `    cluster: { type: self-managed, connect: { urls: ['${url}'] } }`,
      '',
    ].join('\n'),
  );
  destination(["apiKey: '${env:OPSGENIE_KEY}'", 'priority: P2', 'responders: [payments-oncall]', `endpoint: ${ogUrl}`]);
  env = { OPSGENIE_KEY: KEY };
  fake.seed('payments-a', { 'connector.class': SRC, topic: 'orders' });
});
afterEach(async () => Promise.all([fake.close(), og.close()]));

describe('Opsgenie destination', () => {
  it('creates one alert per failure with an alias, does not page again while open, and closes it on recovery', async () => {
    failing.add('payments-a');
    const first = await cli('-o', 'json');
    expect(first.code, first.err).toBe(1);
    expect(first.json.deliveries).toEqual([
      expect.objectContaining({ destination: 'opsgenie', action: 'trigger', status: 'sent' }),
    ]);
    expect(og.received).toHaveLength(1);
    expect(og.received[0]).toMatchObject({
      message: '[prod] connector payments-a task 0 FAILED',
      alias: 'kcops/prod/task/payments-a/0',
      priority: 'P2',
      entity: 'payments-a',
      source: 'kcops',
      responders: [{ type: 'team', name: 'payments-oncall' }],
      details: { environment: 'prod', connector: 'payments-a', task: '0', state: 'FAILED' },
    });
    expect(String((og.received[0] as { description: string }).description)).toContain('IllegalStateException: boom');
    expect([...og.open.keys()]).toEqual(['kcops/prod/task/payments-a/0']);

    const again = await cli();
    expect(again.code).toBe(1);
    expect(og.received).toHaveLength(1);

    failing.delete('payments-a');
    const recovered = await cli('-o', 'json');
    expect(recovered.code, recovered.err).toBe(0);
    expect(og.received).toHaveLength(2);
    expect(og.received[1]).toMatchObject({ source: 'kcops' });
    expect(og.open.size).toBe(0);
    for (const r of [first, again, recovered]) expect(r.out + r.err).not.toContain(KEY);
    expect(readFileSync(join(dir, '.kcops', 'alerts', 'prod.json'), 'utf8')).not.toContain(KEY);
  });

  it('a key Opsgenie refuses (401) is a delivery error naming the reference and what key to use, never the key', async () => {
    failing.add('payments-a');
    env.OPSGENIE_KEY = 'wrong-canary-key-123';
    const r = await cli();
    expect(r.code).toBe(1);
    expect(r.err).toContain("opsgenie destination 'opsgenie': HTTP 401");
    expect(r.err).toContain('${env:OPSGENIE_KEY}');
    expect(r.err).toContain('API integration');
    expect(r.out + r.err).not.toContain('wrong-canary-key-123');
    expect(og.received).toHaveLength(0);
  });

  it('--dry-run shows the EU endpoint for region eu and masks the key', async () => {
    destination(["apiKey: '${env:OPSGENIE_KEY}'", 'region: eu']);
    failing.add('payments-a');
    const r = await cli('--dry-run', '-o', 'json');
    expect(r.code, r.err).toBe(1);
    expect(r.json.deliveries[0].request).toMatchObject({
      url: 'https://api.eu.opsgenie.com/v2/alerts',
      headers: { authorization: 'GenieKey ****' },
      body: { alias: 'kcops/prod/task/payments-a/0', priority: 'P3' },
    });
    expect(r.out + r.err).not.toContain(KEY);
  });

  it('an unknown priority is refused when the file is read', async () => {
    destination(["apiKey: '${env:OPSGENIE_KEY}'", 'priority: urgent']);
    const r = await cli();
    expect(r.code).toBe(1);
    expect(r.err).toContain('OBSERVABILITY_INVALID');
    expect(r.err).toMatch(/priority/);
  });
});
