import { describe, expect, it } from 'vitest';
import type { ActualConnector, ClusterTraits } from '../../../../src/connect/cluster.js';
import { configHash } from '../../../../src/core/audit/record.js';
import { maskConfig } from '../../../../src/core/operate/connectors.js';
import { computePlan } from '../../../../src/core/plan/compute.js';
import { loadProject } from '../../../../src/core/project/load-project.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const traits: ClusterTraits = { serverManagedKeys: ['name'], isMasked: () => false, supportsInitialState: true };
const PEM = (body: string) => `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`;
const base = { 'connector.class': 'io.debezium.connector.postgresql.PostgresConnector', 'tasks.max': '1' };
const actual = (config: Record<string, string>): ActualConnector => ({
  name: 'payments-cdc',
  config: { ...config, name: 'payments-cdc' },
  status: { name: 'payments-cdc', state: 'RUNNING', type: 'source', tasks: [] },
});

describe('plan, plan file, describe and audit use the one definition of sensitive', () => {
  const before = {
    ...base,
    'database.sslpassword': 'OLDCANARY1',
    'ssl.keystore.key': PEM('OLDCANARY2'),
    'schema.history.url': 'http://app:OLDCANARY3@host:8081/x',
  };
  const after = {
    ...base,
    'database.sslpassword': 'NEWCANARY1',
    'ssl.keystore.key': PEM('NEWCANARY2'),
    'schema.history.url': 'http://app:NEWCANARY3@host:8082/x',
  };

  it('a plan shows which fields changed, never their credentials', () => {
    const plan = computePlan(
      [{ name: 'payments-cdc', config: after, state: 'RUNNING', file: 'x.json' }],
      { connectors: [actual(before)], collectedAt: 'now' },
      traits,
      { env: 'dev', prune: false, salt: 'ab' },
    );
    const text = JSON.stringify(plan);
    expect(text).not.toMatch(/CANARY/);
    const fields = Object.fromEntries(plan.changes[0]!.fields.map((f) => [f.key, f]));
    expect(fields['database.sslpassword']).toMatchObject({ sensitive: true, after: '(sensitive value changed)' });
    expect(fields['ssl.keystore.key']).toMatchObject({ sensitive: true });
    // The harmless part of a URL stays reviewable.
    expect(fields['schema.history.url']).toMatchObject({
      before: 'http://app:********@host:8081/x',
      after: 'http://app:********@host:8082/x',
      sensitive: true,
    });
  });

  it('a change of only the password inside a URL still shows as a change', () => {
    const plan = computePlan(
      [
        {
          name: 'payments-cdc',
          config: { ...before, 'schema.history.url': 'http://app:X@host:8081/x' },
          state: 'RUNNING',
          file: 'x.json',
        },
      ],
      { connectors: [actual(before)], collectedAt: 'now' },
      traits,
      { env: 'dev', prune: false, salt: 'ab' },
    );
    expect(plan.changes[0]!.fields).toEqual([
      {
        key: 'schema.history.url',
        before: 'http://app:********@host:8081/x',
        after: '(sensitive value changed)',
        sensitive: true,
      },
    ]);
  });

  it('describe masks them, audit hashes leave them out', () => {
    expect(JSON.stringify(maskConfig(after))).not.toMatch(/CANARY/);
    expect(configHash(before)).toBe(configHash(after));
  });
});

describe('kcops.yaml', () => {
  it('credentials in cluster.connect.urls are a located error that never repeats them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcops-urls-'));
    const file = join(dir, 'kcops.yaml');
    writeFileSync(
      file,
      "project: t\nenvironments:\n  prod:\n    cluster:\n      type: self-managed\n      connect:\n        urls: ['https://admin:CANARY@connect:8083']\n",
    );
    const loaded = loadProject(file);
    expect(loaded.project).toBeUndefined();
    expect(loaded.issues).toHaveLength(1);
    const issue = loaded.issues[0]!;
    expect(issue.path).toBe('environments.prod.cluster.connect.urls.0');
    expect(issue.at).toMatchObject({ line: 7 });
    expect(issue.message).toContain('cluster.connect.auth');
    expect(JSON.stringify(loaded.issues)).not.toContain('CANARY');
  });
});

describe('audit records', () => {
  it('never hold a credential, whatever a caller put in a field', async () => {
    const { appendAudit } = await import('../../../../src/core/audit/log.js');
    const { readFileSync } = await import('node:fs');
    const file = join(mkdtempSync(join(tmpdir(), 'kcops-audit-redact-')), 'audit.jsonl');
    appendAudit(file, [
      {
        time: '2026-01-01T00:00:00Z',
        actor: 'a',
        credentialKeyId: 'admin',
        env: 'prod',
        cluster: 'http://admin:CANARY1@connect:8083',
        connector: 'payments-a',
        action: 'apply:update',
        configHashBefore: null,
        configHashAfter: null,
        gitCommit: null,
        result: 'failed',
        deploymentId: 'd',
        detail: 'Invalid value CANARY2 for configuration database.password',
      },
    ]);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/CANARY/);
    expect(text).toContain('http://admin:********@connect:8083');
  });
});
