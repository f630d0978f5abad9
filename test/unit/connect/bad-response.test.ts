import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../../src/connect/self-managed/client.js';
import { UserError } from '../../../src/errors.js';
import { FakeConnect, type Answer } from '../../fakes/fake-connect-cluster.js';
import { runCli } from '../../support/run-cli.js';

/**
 * Issue 19 §1: a 200 whose body is not what the endpoint returns (a proxy's HTML login page, a truncated body, `[]`,
 * `null`, a null entry, a non-array `tasks`, a string where an object is due) is a CONNECT_BAD_RESPONSE naming the
 * request, the status, the content type and the first bytes, and nothing is changed on the cluster.
 */
const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };
const EXPAND = /^\/connectors\?expand=status&expand=info$/;
const LOGIN_PAGE = '<!DOCTYPE html>\n<html><head><title>Sign in - Corporate Proxy</title></head><body>…</body></html>';

let fake: FakeConnect;
afterEach(async () => fake?.close());

async function setup() {
  fake = new FakeConnect({ startDelayMs: 0 });
  const url = await fake.listen();
  fake.seed('payments-a', { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector' });
  return {
    url,
    cluster: new SelfManagedCluster({ urls: [url], serverRetry: fast, conflictRetry: fast, timeoutMs: 2_000 }),
  };
}

async function errorOf(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

const expanded = (entry: unknown) => ({ status: 200, body: { 'payments-a': entry } });
const goodStatus = { name: 'payments-a', connector: { state: 'RUNNING', worker_id: 'w' }, tasks: [], type: 'sink' };
const goodInfo = { name: 'payments-a', config: { 'connector.class': 'X' }, type: 'sink' };

describe('Connect answers that are not what the endpoint returns', () => {
  const cases: [string, Answer, RegExp][] = [
    ['an HTML login page', { status: 200, raw: LOGIN_PAGE }, /not JSON/],
    [
      'a truncated body',
      { status: 200, raw: '{"payments-a":{"info":{"config":{"connector.class":"X"', contentType: 'application/json' },
      /not JSON/,
    ],
    ['an empty body', { status: 200, raw: '', contentType: 'application/json' }, /an empty body/],
    ['[] instead of a map', { status: 200, body: [] }, /not the shape/],
    ['null', { status: 200, body: null }, /not the shape/],
    ['a null entry', expanded(null), /at payments-a/],
    ['a non-array tasks', expanded({ status: { ...goodStatus, tasks: { 0: 'RUNNING' } }, info: goodInfo }), /tasks/],
    ['a string where the info object is due', expanded({ status: goodStatus, info: 'payments-a' }), /info/],
    [
      'a string where the config map is due',
      expanded({ status: goodStatus, info: { ...goodInfo, config: 'x' } }),
      /config/,
    ],
    ['an entry without info', expanded({ status: goodStatus }), /info/],
  ];
  for (const [what, answer, detail] of cases) {
    it(`collect() refuses ${what}`, async () => {
      const { cluster, url } = await setup();
      fake.inject({ method: 'GET', path: EXPAND, times: 1, respond: answer });
      const e = await errorOf(cluster.collect());
      expect(e.code).toBe('CONNECT_BAD_RESPONSE');
      expect(e.message).toContain(`GET ${url}/connectors?expand=status&expand=info with 200`);
      expect(e.message).toMatch(detail);
      expect(e.message).toMatch(/Nothing was changed/);
      expect(e.hint).toMatch(/curl/);
    });
  }

  it('names the content type and the first bytes, escaped, and no more', async () => {
    const { cluster } = await setup();
    fake.inject({ method: 'GET', path: EXPAND, times: 1, respond: { status: 200, raw: LOGIN_PAGE } });
    const e = await errorOf(cluster.collect());
    expect(e.message).toContain('(text/html; charset=utf-8)');
    expect(e.message).toContain('"<!DOCTYPE html>\\n<html><head><title>Sign in - Corporate Proxy');
    expect(e.message).not.toContain('</body>');
  });

  it('escapes control characters and masks a secret at the start of a cut-off body', async () => {
    const { cluster } = await setup();
    const raw = '\u001b[2J\u202e{"c":{"info":{"config":{"database.password":"hunter2-secret","x":';
    fake.inject({
      method: 'GET',
      path: EXPAND,
      times: 1,
      respond: { status: 200, raw, contentType: 'application/json' },
    });
    const e = await errorOf(cluster.collect());
    expect(e.message).not.toContain('\u001b');
    expect(e.message).not.toContain('\u202e');
    expect(e.message).toContain('\\u001b[2J\\u202e');
    expect(e.message).not.toContain('hunter2');
    expect(e.message).toContain('"database.password\\":\\"****\\"');
  });

  it('never names the credentials of a URL', async () => {
    const { url } = await setup();
    const withCreds = url.replace('http://', 'http://admin:s3cr3t@');
    const cluster = new SelfManagedCluster({ urls: [withCreds], serverRetry: fast, conflictRetry: fast });
    fake.inject({ method: 'GET', path: EXPAND, times: 1, respond: { status: 200, raw: LOGIN_PAGE } });
    const e = await errorOf(cluster.collect());
    expect(e.code).toBe('CONNECT_BAD_RESPONSE');
    expect(JSON.stringify([e.message, e.hint])).not.toMatch(/s3cr3t|admin/);
  });

  it('checks the other endpoints too: status, config, plugins, offsets, server info', async () => {
    const { cluster } = await setup();
    const html = { status: 200, raw: LOGIN_PAGE };
    fake.inject({
      method: 'GET',
      path: /\/status$/,
      times: 1,
      respond: { status: 200, body: { ...goodStatus, tasks: 'x' } },
    });
    expect((await errorOf(cluster.status('payments-a'))).code).toBe('CONNECT_BAD_RESPONSE');
    fake.inject({ method: 'GET', path: /\/config$/, times: 1, respond: { status: 200, body: 'payments-a' } });
    expect((await errorOf(cluster.connectorConfig('payments-a'))).code).toBe('CONNECT_BAD_RESPONSE');
    fake.inject({ method: 'GET', path: /^\/connector-plugins/, times: 1, respond: { status: 200, body: [null] } });
    expect((await errorOf(cluster.plugins())).code).toBe('CONNECT_BAD_RESPONSE');
    fake.inject({ method: 'GET', path: /\/offsets$/, times: 1, respond: { status: 200, body: { offsets: null } } });
    expect((await errorOf(cluster.getOffsets('payments-a'))).code).toBe('CONNECT_BAD_RESPONSE');
    fake.inject({ method: 'GET', path: /^\/$/, times: 1, respond: html });
    expect((await errorOf(cluster.serverInfo())).code).toBe('CONNECT_BAD_RESPONSE');
    // A proxy's 404 page is not Connect saying "no such connector".
    fake.inject({ method: 'GET', path: /\/status$/, times: 1, respond: { status: 404, raw: '<h1>Not Found</h1>' } });
    expect((await errorOf(cluster.status('payments-a'))).code).toBe('CONNECT_NOT_FOUND');
    // And the good answers still pass.
    expect(await cluster.status('payments-a')).toMatchObject({ state: 'RUNNING' });
    expect(await cluster.status('ghost')).toBeUndefined();
  });
});

describe('apply against a Connect that answers an HTML page', () => {
  it('exits with CONNECT_BAD_RESPONSE and makes no POST, PUT or DELETE', async () => {
    const { url } = await setup();
    const dir = mkdtempSync(join(tmpdir(), 'kcops-bad-response-'));
    mkdirSync(join(dir, 'connectors/prod'), { recursive: true });
    writeFileSync(
      join(dir, 'kcops.yaml'),
      [
        'project: bad-response',
        'teams:',
        '  payments: { prefixes: [payments-] }',
        'environments:',
        '  prod:',
        '    cluster:',
        '      type: self-managed',
        `      connect: { urls: ['${url}'], timeout: 5s }`,
        '',
      ].join('\n'),
    );
    // Git holds the connector the cluster already runs, and one more: with an empty snapshot apply would create both.
    for (const name of ['payments-a', 'payments-b'])
      writeFileSync(
        join(dir, `connectors/prod/${name}.json`),
        JSON.stringify({
          name,
          config: {
            'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
            topics: 'orders',
            file: '/tmp/out.txt',
          },
        }),
      );
    fake.inject({ method: 'GET', path: EXPAND, times: 100, respond: { status: 200, raw: LOGIN_PAGE } });
    const r = await runCli(['apply', '--env', 'prod', '--auto-approve', '--settle', '0s', '--wait-timeout', '5s'], {
      cwd: dir,
      env: { KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl') },
    });
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.err).toContain('CONNECT_BAD_RESPONSE');
    expect(r.err).toContain('text/html');
    expect(fake.requests.filter((q) => q.method !== 'GET')).toEqual([]);
    expect([...fake.connectors.keys()]).toEqual(['payments-a']);
  });
});
