/**
 * Issue #15 §2 on real workers: `kcops login` keeps a person's own key outside the repository (0600), the workers'
 * access extension says whose it is (`GET /kcops/whoami`), and every command on that environment then runs with it
 * instead of the shared identity in kcops.yaml; CI's variables win over the profile; `logout` forgets it.
 *
 * Needs a running dev stack: KCOPS_TEST_CONNECT_URLS, KCOPS_TEST_CREDENTIALS_FILE, KCOPS_TEST_DEV_HOME (the
 * integration project's global setup sets them).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { runCli } from '../support/run-cli.js';

const urls = process.env.KCOPS_TEST_CONNECT_URLS?.split(',').filter(Boolean) ?? [];
const credsFile = process.env.KCOPS_TEST_CREDENTIALS_FILE;
const devHome = process.env.KCOPS_TEST_DEV_HOME;
const enabled = urls.length > 0 && !!credsFile && !!devHome;

type Pair = { username: string; password: string };

describe.skipIf(!enabled)('kcops login / whoami / logout against the access extension', () => {
  const creds = enabled
    ? (JSON.parse(readFileSync(credsFile!, 'utf8')) as { connect: Pair & { keys: Record<string, Pair> } })
    : undefined;
  const admin = enabled ? new SelfManagedCluster({ urls, auth: creds!.connect }) : undefined;
  const run = randomBytes(3).toString('hex');
  const repo = mkdtempSync(join(tmpdir(), 'kcops-login-repo-'));
  const profile = join(mkdtempSync(join(tmpdir(), 'kcops-login-home-')), 'kcops', 'credentials.json');
  const env = {
    KCOPS_PROFILE_FILE: profile,
    KCOPS_DEV_HOME: devHome ?? '',
    KCOPS_AUDIT_FILE: join(repo, 'audit.jsonl'),
  };
  const cli = (argv: string[], extra: Record<string, string> = {}) =>
    runCli(argv, { cwd: repo, env: { ...env, ...extra } });
  const mineName = `payments-login-${run}`;
  const theirsName = `analytics-login-${run}`;
  const sink = (file: string) => ({
    'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
    'tasks.max': '1',
    topics: `login-${run}`,
    file,
  });

  afterAll(async () => {
    if (!enabled) return;
    for (const n of [mineName, theirsName]) await admin!.delete(n).catch(() => undefined);
  });

  it('before login, commands run as the shared identity of kcops.yaml', async () => {
    writeFileSync(
      join(repo, 'kcops.yaml'),
      [
        'project: login-test',
        'secretProviders:',
        '  dev: { type: dev-stack }',
        'teams:',
        '  payments: { prefixes: [payments-] }',
        '  analytics: { prefixes: [analytics-] }',
        'environments:',
        '  dev:',
        '    cluster:',
        '      type: self-managed',
        '      connect:',
        `        urls: [${urls.join(', ')}]`,
        `        auth: { username: ${creds!.connect.username}, password: '\${dev:connect.password}' }`,
        '',
      ].join('\n'),
    );
    await admin!.create(mineName, sink('/tmp/kcops-login-mine.txt'));
    await admin!.create(theirsName, sink('/tmp/kcops-login-theirs.txt'));
    const who = await cli(['whoami', '--env', 'dev', '-o', 'json']);
    expect(who.code, who.err).toBe(0);
    expect(who.json).toMatchObject({
      admin: true,
      verifiedByCluster: true,
      credentialSource: '${dev:connect.password}',
    });
  });

  it('login with the key file an admin handed over: checked by the cluster, kept 0600 outside the repository', async () => {
    const key = creds!.connect.keys.payments!;
    const keyFile = join(repo, 'handed-over.json');
    writeFileSync(keyFile, JSON.stringify(key));
    const r = await cli(['login', '--env', 'dev', '--key-file', keyFile, '-o', 'json']);
    expect(r.code, r.err).toBe(0);
    expect(r.json).toMatchObject({ env: 'dev', keyId: key.username, roles: { payments: 'operator' }, file: profile });
    expect(r.out + r.err).not.toContain(key.password);
    expect(statSync(profile).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(repo, 'kcops.yaml'), 'utf8')).not.toContain(key.password);

    const who = await cli(['whoami', '--env', 'dev', '-o', 'json']);
    expect(who.json).toMatchObject({
      principal: r.json.principal,
      keyId: key.username,
      admin: false,
      roles: { payments: 'operator' },
      verifiedByCluster: true,
    });
    expect(who.json.credentialSource).toContain('kcops login');
  });

  it("with the user's key, the workers show and allow only the team's connectors", async () => {
    const list = await cli(['connect', 'list', '--env', 'dev', '-o', 'json']);
    expect(list.code, list.err).toBe(0);
    const names = JSON.stringify(list.json);
    expect(names).toContain(mineName);
    expect(names).not.toContain(theirsName);
    const pause = await cli(['connect', 'pause', theirsName, '--env', 'dev']);
    expect(pause.code).not.toBe(0);
    // Refused by kcops before any request about it (test/ops-it/ownership.test.ts proves the "before").
    expect(pause.err).toContain('CONNECTOR_NOT_OWNED');
    expect((await admin!.status(theirsName))?.state).not.toBe('PAUSED');
  });

  it('the audit actor is the principal the workers authenticated; KCOPS_ACTOR is only a label beside it', async () => {
    const r = await cli(['connect', 'pause', mineName, '--env', 'dev'], { KCOPS_ACTOR: 'mallory <m@example.com>' });
    // The sink's task may be FAILED (its topic is not the team's): the pause itself is what is audited here.
    expect(r.err).not.toContain('INTERNAL');
    const last = JSON.parse(readFileSync(join(repo, 'audit.jsonl'), 'utf8').trim().split('\n').at(-1)!) as {
      actor: string;
      actorLabel?: string;
      action: string;
    };
    const who = await cli(['whoami', '--env', 'dev', '-o', 'json']);
    expect(last).toMatchObject({
      action: 'ops:pause',
      actor: who.json.principal,
      actorLabel: 'mallory <m@example.com>',
    });
    expect(last.actor).not.toContain('mallory');
    await cli(['connect', 'resume', mineName, '--env', 'dev']);
  });

  it('a wrong secret is refused by the cluster and nothing is saved', async () => {
    const before = readFileSync(profile, 'utf8');
    const wrong = join(repo, 'wrong.json');
    writeFileSync(
      wrong,
      JSON.stringify({ username: creds!.connect.keys.analytics!.username, password: 'not-the-secret' }),
    );
    const r = await cli(['login', '--env', 'dev', '--key-file', wrong, '-o', 'json']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('CONNECT_UNAUTHORIZED');
    expect(readFileSync(profile, 'utf8')).toBe(before);
  });

  it("CI's variables win over the profile", async () => {
    const k = creds!.connect.keys.analytics!;
    const who = await cli(['whoami', '--env', 'dev', '-o', 'json'], {
      KCOPS_CONNECT_KEY_ID: k.username,
      KCOPS_CONNECT_KEY_SECRET: k.password,
    });
    expect(who.json).toMatchObject({ keyId: k.username, roles: { analytics: 'operator' } });
    expect(who.json.credentialSource).toBe('${env:KCOPS_CONNECT_KEY_SECRET}');
  });

  it('a profile others can read is refused, with the fix', async () => {
    chmodSync(profile, 0o644);
    const r = await cli(['whoami', '--env', 'dev']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('chmod 600');
    chmodSync(profile, 0o600);
  });

  it('logout forgets the key: back to the shared identity', async () => {
    const r = await cli(['logout', '--env', 'dev', '-o', 'json']);
    expect(r.json.removed).toEqual(['login-test/dev']);
    const who = await cli(['whoami', '--env', 'dev', '-o', 'json']);
    expect(who.json).toMatchObject({ admin: true, credentialSource: '${dev:connect.password}' });
  });
});
