/**
 * Issue #15 §3 on the real stack: `kcops access review` reads the workers' key store (`GET /kcops/keys`, with the
 * last use each worker records) and the brokers' ACLs, lists every key of the dev stack's credentials file
 * (`connect.keys`) and a key created here, and flags an ACL on `*` and a prefix wider than a team's.
 *
 * Needs a running dev stack: KCOPS_TEST_CONNECT_URLS, KCOPS_TEST_CREDENTIALS_FILE, KCOPS_TEST_DEV_HOME,
 * KCOPS_TEST_KAFKA_BOOTSTRAP (the integration project's global setup sets them).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AclOperations, AclPermissionTypes, ResourcePatternTypes, ResourceTypes } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAcls, saslAdmin, type AclGrant } from '../../src/kafka/admin.js';
import { runCli } from '../support/run-cli.js';

const urls = process.env.KCOPS_TEST_CONNECT_URLS?.split(',').filter(Boolean) ?? [];
const credsFile = process.env.KCOPS_TEST_CREDENTIALS_FILE;
const devHome = process.env.KCOPS_TEST_DEV_HOME;
const bootstrap = process.env.KCOPS_TEST_KAFKA_BOOTSTRAP;
const enabled = urls.length > 0 && !!credsFile && !!devHome && !!bootstrap;

type Pair = { username: string; password: string };
interface Review {
  keys: { id: string; owner: string; status: string; lastUsedAt: string | null; lastUsedKnown: boolean }[];
  principals: { id: string; team?: string; rights: string[]; connectors: string[]; topicPatterns: string[] }[];
  findings: { kind: string; principal: string; right?: string; key?: string }[];
}

describe.skipIf(!enabled)('kcops access review on the dev stack', () => {
  const creds = enabled
    ? (JSON.parse(readFileSync(credsFile!, 'utf8')) as {
        connect: Pair & { keys: Record<string, Pair> };
        kafka: { admin: Pair };
      })
    : undefined;
  const run = randomBytes(3).toString('hex');
  const cwd = mkdtempSync(join(tmpdir(), 'kcops-review-'));
  const cli = (...argv: string[]) => runCli(argv, { cwd, env: { KCOPS_DEV_HOME: devHome ?? '', NO_COLOR: '1' } });
  const reviewer = `User:review-${run}`;
  const grants: AclGrant[] = [
    { principal: reviewer, resource: 'TOPIC', name: '*', pattern: 'LITERAL', operations: ['READ'] },
    { principal: 'User:sa-payments', resource: 'TOPIC', name: 'pay', pattern: 'PREFIXED', operations: ['READ'] },
  ];
  let extraKey = '';

  beforeAll(async () => {
    if (!enabled) return;
    const created = await cli(
      'access',
      'keys',
      'create',
      '--home',
      devHome!,
      '--principal',
      `auditor-${run}`,
      '--role',
      'payments=viewer',
      '--secret-file',
      join(cwd, 'key.json'),
      '-o',
      'json',
    );
    expect(created.code, created.err).toBe(0);
    extraKey = (created.json as { key: { id: string } }).key.id;
    // One request with the payments key: the workers record its use (in memory at once, on disk within a minute).
    const pay = creds!.connect.keys.payments!;
    const res = await fetch(`${urls[0]}/connectors`, {
      headers: { authorization: 'Basic ' + Buffer.from(`${pay.username}:${pay.password}`).toString('base64') },
    });
    expect(res.status).toBe(200);
    const admin = saslAdmin(bootstrap!, creds!.kafka.admin);
    try {
      await createAcls(admin, grants);
    } finally {
      await admin.close();
    }
  });

  afterAll(async () => {
    if (!enabled) return;
    if (extraKey) await cli('access', 'keys', 'revoke', extraKey, '--home', devHome!);
    const admin = saslAdmin(bootstrap!, creds!.kafka.admin);
    try {
      await admin.deleteAcls({
        filters: grants.map((g) => ({
          resourceType: ResourceTypes[g.resource],
          resourceName: g.name,
          resourcePatternType: ResourcePatternTypes[g.pattern],
          principal: g.principal,
          host: '*',
          operation: AclOperations.READ,
          permissionType: AclPermissionTypes.ALLOW,
        })),
      });
    } finally {
      await admin.close();
    }
  });

  it('lists every key with its owner and last use, and flags the broad rights (exit 6)', async () => {
    const r = await cli('access', 'review', '-o', 'json');
    expect(r.code, r.err).toBe(6);
    const review = r.json as Review;
    const ids = review.keys.map((k) => k.id);
    for (const name of ['admin', 'payments', 'analytics'])
      expect(ids, `connect.keys.${name}`).toContain(creds!.connect.keys[name]!.username);
    expect(ids).toContain(extraKey);
    const pay = review.keys.find((k) => k.id === creds!.connect.keys.payments!.username)!;
    expect(pay).toMatchObject({ owner: 'payments-operator', status: 'active', lastUsedKnown: true });
    expect(pay.lastUsedAt).not.toBeNull();
    expect(review.keys.find((k) => k.id === extraKey)).toMatchObject({
      owner: `auditor-${run}`,
      lastUsedAt: null,
      lastUsedKnown: true,
    });
    expect(review.principals.find((p) => p.id === `auditor-${run}`)).toMatchObject({
      team: 'payments',
      rights: ['payments=viewer'],
    });
    const broad = review.findings.filter((f) => f.kind === 'right-too-broad').map((f) => [f.principal, f.right]);
    expect(broad).toContainEqual([reviewer, 'ALLOW READ TOPIC *']);
    expect(broad).toContainEqual(['User:sa-payments', 'ALLOW READ TOPIC pay*']);
    // The dev stack's own grants are within their teams' prefixes.
    expect(broad.filter(([p]) => p === 'User:sa-analytics')).toEqual([]);
    expect(review.principals.find((p) => p.id === 'User:sa-payments')!.topicPatterns).toEqual(
      expect.arrayContaining(['payments.*', 'pay*']),
    );
  });

  it('writes the Markdown report and the CSV rows', async () => {
    const md = await cli('access', 'review', '-o', 'markdown');
    expect(md.code, md.err).toBe(6);
    expect(md.out).toMatch(/^# Access review: dev \(self-managed\)\n/);
    for (const h of ['## Findings', '## Principals', '## Keys']) expect(md.out).toContain(h);
    expect(md.out).toContain(extraKey);
    const csv = await cli('access', 'review', '-o', 'csv', '--no-fail-on-findings');
    expect(csv.code, csv.err).toBe(0);
    const lines = csv.out.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'principal,principal_name,kind,team,key_id,key_status,created,last_used,rights,connectors,topics,findings',
    );
    expect(lines.find((l) => l.includes(`,${extraKey},`))).toMatch(
      new RegExp(`^auditor-${run},,key-principal,payments,${extraKey},active,[^,]+,never,payments=viewer,`),
    );
    expect(lines.find((l) => l.startsWith(`${reviewer},`))).toContain('right-too-broad');
  });
});
