/**
 * Issue #15 §2 on real workers: day-2 commands refuse, before any request about it, a connector outside the teams of
 * the key in use (CONNECTOR_NOT_OWNED); the workers' own 403 reads the same; a viewer is refused changes the same way;
 * and a change made with curl straight at a worker shows up in `kcops history`, marked `source: server`, beside
 * kcops' own records (which are not repeated).
 *
 * Proof of "no request": kcops talks to the workers through a counting proxy here, and the workers' access audit
 * files (which record every mutating or refused request) get no new line from a refused command.
 *
 * Needs a running dev stack: KCOPS_TEST_CONNECT_URLS, KCOPS_TEST_CREDENTIALS_FILE, KCOPS_TEST_DEV_HOME.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { UserError } from '../../src/errors.js';
import { runCli } from '../support/run-cli.js';

const urls = process.env.KCOPS_TEST_CONNECT_URLS?.split(',').filter(Boolean) ?? [];
const credsFile = process.env.KCOPS_TEST_CREDENTIALS_FILE;
const devHome = process.env.KCOPS_TEST_DEV_HOME;
const enabled = urls.length > 0 && !!credsFile && !!devHome;

type Pair = { username: string; password: string };

/** Forwards everything to one worker and remembers each request's method and path. */
function countingProxy(target: string): { server: Server; seen: string[]; url: () => string } {
  const seen: string[] = [];
  const to = new URL(target);
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const up = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  return { server, seen, url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Records of requests from outside the workers (their own task-config exchanges come and go on their own). */
const auditLines = (): number =>
  ['worker-1', 'worker-2']
    .map((w) => join(devHome!, 'logs', `${w}-access-audit.jsonl`))
    .map((f) =>
      existsSync(f)
        ? readFileSync(f, 'utf8')
            .split('\n')
            .filter((l) => l.includes('"internal":false')).length
        : 0,
    )
    .reduce((a, b) => a + b, 0);

describe.skipIf(!enabled)('ownership of connectors on real workers', () => {
  const creds = enabled
    ? (JSON.parse(readFileSync(credsFile!, 'utf8')) as { connect: Pair & { keys: Record<string, Pair> } })
    : undefined;
  const admin = enabled ? new SelfManagedCluster({ urls, auth: creds!.connect }) : undefined;
  const run = randomBytes(3).toString('hex');
  const mine = `payments-own-${run}`;
  const theirs = `analytics-own-${run}`;
  const proxy = countingProxy(urls[0] ?? 'http://127.0.0.1:1');
  const repo = mkdtempSync(join(tmpdir(), 'kcops-own-repo-'));
  const bare = mkdtempSync(join(tmpdir(), 'kcops-own-noteams-'));
  const payments = creds?.connect.keys.payments;
  const asPayments = {
    KCOPS_CONNECT_KEY_ID: payments?.username ?? '',
    KCOPS_CONNECT_KEY_SECRET: payments?.password ?? '',
  };
  const baseEnv = {
    KCOPS_DEV_HOME: devHome ?? '',
    KCOPS_PROFILE_FILE: join(repo, 'no-profile.json'),
    KCOPS_AUDIT_FILE: join(repo, 'audit.jsonl'),
  };
  const cli = (argv: string[], extra: Record<string, string> = asPayments, cwd = repo) =>
    runCli([...argv, '--env', 'dev', '-o', 'json'], { cwd, env: { ...baseEnv, ...extra } });
  const errorOf = (err: string): { code: string; message: string; hint: string } =>
    (JSON.parse(err) as { error: { code: string; message: string; hint: string } }).error;
  const sink = (file: string) => ({
    'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
    'tasks.max': '1',
    topics: `own-${run}`,
    file,
  });
  const kcopsYaml = (teams: boolean) =>
    [
      'project: ownership-test',
      'secretProviders:',
      '  dev: { type: dev-stack }',
      ...(teams ? ['teams:', '  payments: { prefixes: [payments-] }', '  analytics: { prefixes: [analytics-] }'] : []),
      'environments:',
      '  dev:',
      '    cluster:',
      '      type: self-managed',
      '      connect:',
      `        urls: [${proxy.url()}]`,
      `        auth: { username: ${creds!.connect.username}, password: '\${dev:connect.password}' }`,
      '',
    ].join('\n');

  beforeAll(async () => {
    if (!enabled) return;
    await new Promise<void>((r) => proxy.server.listen(0, '127.0.0.1', r));
    writeFileSync(join(repo, 'kcops.yaml'), kcopsYaml(true));
    writeFileSync(join(repo, 'kcops.observability.yaml'), 'dev:\n  serverAudit: { type: dev-stack }\n');
    writeFileSync(join(bare, 'kcops.yaml'), kcopsYaml(false));
    await admin!.create(mine, sink(`/tmp/kcops-own-${run}-mine.txt`));
    await admin!.create(theirs, sink(`/tmp/kcops-own-${run}-theirs.txt`));
  });

  afterAll(async () => {
    if (!enabled) return;
    for (const n of [mine, theirs]) await admin!.delete(n).catch(() => undefined);
    await new Promise<void>((r) => proxy.server.close(() => r()));
  });

  const refusedCommands: [string, string[]][] = [
    ['pause', ['connect', 'pause', theirs]],
    ['resume', ['connect', 'resume', theirs]],
    ['stop', ['connect', 'stop', theirs]],
    ['restart', ['connect', 'restart', theirs]],
    ['delete', ['connect', 'delete', theirs, '--approve']],
    ['offsets reset', ['connect', 'offsets', 'reset', theirs, '--approve']],
    ['status', ['connect', 'status', theirs]],
    ['describe', ['connect', 'describe', theirs]],
    ['offsets get', ['connect', 'offsets', 'get', theirs]],
  ];

  it.each(refusedCommands)(
    'as payments, %s of an analytics connector is refused before any request about it',
    async (_label, argv) => {
      proxy.seen.length = 0;
      const before = auditLines();
      const r = await cli(argv);
      expect(r.code, r.err).toBe(1);
      const e = errorOf(r.err);
      expect(e.code).toBe('CONNECTOR_NOT_OWNED');
      expect(e.message).toContain('Refused before calling the cluster');
      expect(e.message).toContain(`key ${payments!.username} (payments-operator)`);
      expect(e.message).toContain(`'${theirs}': it belongs to team 'analytics'`);
      expect(e.hint).toContain('--role analytics=');
      expect(e.hint).toContain('${env:KCOPS_CONNECT_KEY_SECRET}');
      // The only request: who the key is. Nothing about the connector reached a worker, nothing was recorded.
      expect(proxy.seen).toEqual(['GET /kcops/whoami']);
      expect(auditLines()).toBe(before);
    },
  );

  it("the analytics connector is untouched; payments' own connector is paused and resumed normally", async () => {
    expect((await admin!.status(theirs))?.state).toBe('RUNNING');
    proxy.seen.length = 0;
    // The sink's task fails (the dev stack's ACLs do not give this test's topic to the workers), so the command may
    // exit 1 for a FAILED task: what counts here is that the pause was sent and took effect.
    const p = await cli(['connect', 'pause', mine]);
    expect(p.err).not.toContain('CONNECTOR_NOT_OWNED');
    expect(proxy.seen).toContain(`PUT /connectors/${mine}/pause`);
    expect((await admin!.status(mine))?.state).toBe('PAUSED');
    await cli(['connect', 'resume', mine]);
    expect((await admin!.status(mine))?.state).toBe('RUNNING');
  });

  it('a viewer reads its team but is refused a change, before the change is sent', async () => {
    const made = await runCli(
      [
        'access',
        'keys',
        'create',
        '--principal',
        `viewer-${run}`,
        '--role',
        'payments=viewer',
        '--home',
        devHome!,
        '--secret-file',
        join(repo, `viewer-${run}.json`),
        '-o',
        'json',
      ],
      { cwd: repo, env: baseEnv },
    );
    expect(made.code, made.err).toBe(0);
    const key = JSON.parse(readFileSync(join(repo, `viewer-${run}.json`), 'utf8')) as Pair;
    const asViewer = { KCOPS_CONNECT_KEY_ID: key.username, KCOPS_CONNECT_KEY_SECRET: key.password };
    // The workers reload the key file within about a second.
    await new Promise((r) => setTimeout(r, 1500));
    const s = await cli(['connect', 'describe', mine], asViewer);
    expect(s.code, s.err).toBe(0);
    expect(s.json).toMatchObject({ name: mine });
    proxy.seen.length = 0;
    const before = auditLines();
    const r = await cli(['connect', 'pause', mine], asViewer);
    expect(r.code).toBe(1);
    const e = errorOf(r.err);
    expect(e.code).toBe('CONNECTOR_NOT_OWNED');
    expect(e.message).toContain(`on which this key is only viewer`);
    expect(e.hint).toContain('--role payments=operator');
    expect(proxy.seen.filter((x) => !x.startsWith('GET '))).toEqual([]);
    expect(auditLines()).toBe(before);
    expect((await admin!.status(mine))?.state).toBe('RUNNING');
  });

  it("the workers' 403 is the same refusal: kcops without an ownership table, and a direct client", async () => {
    proxy.seen.length = 0;
    const r = await cli(['connect', 'pause', theirs], asPayments, bare);
    expect(r.code).toBe(1);
    const e = errorOf(r.err);
    expect(e.code).toBe('CONNECTOR_NOT_OWNED');
    expect(e.message).toContain('The workers refused it (403)');
    expect(e.message).toContain(`'${theirs}': it belongs to team 'analytics'`);
    expect(proxy.seen.some((x) => x.includes(`/connectors/${theirs}`))).toBe(true);

    const direct = new SelfManagedCluster({ urls, auth: payments! });
    const x = await direct.pause(theirs).catch((err: unknown) => err);
    expect(x).toBeInstanceOf(UserError);
    expect((x as UserError).code).toBe('CONNECTOR_NOT_OWNED');
    await direct.close();
    expect((await admin!.status(theirs))?.state).toBe('RUNNING');
  });

  it('a pause made with curl and a team key shows in `kcops history` as source server, with the principal', async () => {
    const kcopsPause = await cli(['connect', 'pause', mine]);
    expect(kcopsPause.err).not.toContain('"code"');
    await cli(['connect', 'resume', mine]);
    const res = await fetch(`${urls[1] ?? urls[0]}/connectors/${mine}/pause`, {
      method: 'PUT',
      headers: {
        authorization: `Basic ${Buffer.from(`${payments!.username}:${payments!.password}`).toString('base64')}`,
      },
    });
    expect(res.status).toBe(202);
    const h = await cli(['history']);
    expect(h.code, h.err).toBe(0);
    type Entry = {
      source: string;
      actor: string;
      keyId?: string;
      changes: { connector: string; action: string; result: string; serverRecords?: number }[];
    };
    const entries = h.json.deployments as Entry[];
    // The admin's create in beforeAll went straight to the workers too; the curl pause is the team key's only one.
    const server = entries.filter(
      (d) => d.source === 'server' && d.changes[0]?.connector === mine && d.actor === 'payments-operator',
    );
    expect(server).toHaveLength(1);
    expect(entries.some((d) => d.source === 'server' && d.changes[0]?.action === 'server:create')).toBe(true);
    expect(server[0]).toMatchObject({
      actor: 'payments-operator',
      keyId: payments!.username,
      changes: [{ connector: mine, action: 'server:pause', result: 'ok' }],
    });
    expect(entries[0]).toBe(server[0]);
    // kcops' own pause and resume are there once each, confirmed by the workers' records, not repeated as server ones.
    const own = entries.filter(
      (d) => d.source === 'kcops' && d.actor === 'payments-operator' && d.changes.some((c) => c.connector === mine),
    );
    expect(own.map((d) => d.changes[0]!.action)).toEqual(['ops:resume', 'ops:pause', 'ops:resume', 'ops:pause']);
    expect(own.every((d) => d.changes[0]!.serverRecords === 1)).toBe(true);
    expect(h.json.serverAuditFiles).toHaveLength(2);
    // The viewer's refused pause is in kcops' log as a failed attempt, and nowhere in the workers'.
    const refused = entries.filter((d) => d.actor === `viewer-${run}`);
    expect(refused).toMatchObject([{ source: 'kcops', changes: [{ action: 'ops:pause', result: 'failed' }] }]);
    expect(refused[0]!.changes[0]!.serverRecords).toBeUndefined();
    await admin!.resume(mine);
  });
});
