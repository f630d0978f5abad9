import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deploymentHistory as buildHistory } from '../../../../src/core/operations/history.js';
import type { AuditRecord } from '../../../../src/core/audit/record.js';
import { readServerAudit, sameOperation, serverVerb } from '../../../../src/core/audit/server-audit.js';

const dir = mkdtempSync(join(tmpdir(), 'kcops-server-audit-'));
const line = (o: Record<string, unknown>) =>
  JSON.stringify({
    time: '2026-12-02T10:00:00Z',
    worker: '127.0.0.1:8083',
    principal: 'payments-operator',
    keyId: 'K1',
    method: 'PUT',
    path: '/connectors/payments-a/pause',
    endpoint: '/connectors/{connector}/pause',
    connector: 'payments-a',
    status: 202,
    result: 'ok',
    internal: false,
    forwarded: false,
    ...o,
  });

const rec = (o: Partial<AuditRecord>): AuditRecord => ({
  time: '2026-12-02T10:00:01Z',
  actor: 'payments-operator',
  credentialKeyId: 'K1',
  env: 'dev',
  cluster: 'http://127.0.0.1:8083',
  connector: 'payments-a',
  action: 'ops:pause',
  configHashBefore: null,
  configHashAfter: null,
  gitCommit: null,
  result: 'succeeded',
  deploymentId: 'd1',
  seq: 1,
  prevHash: '0',
  hash: 'h',
  ...o,
});

// One worker's file with one pause, shared by the tests below.
writeFileSync(join(dir, 'w2.jsonl'), line({}) + '\n');

describe('readServerAudit', () => {
  it('keeps changes from every worker, oldest first; drops reads, forwarded copies, internal requests, validations', () => {
    const w1 = join(dir, 'w1.jsonl');
    const w2 = join(dir, 'w2.jsonl');
    writeFileSync(
      w1,
      [
        line({
          time: '2026-12-02T10:00:05Z',
          method: 'DELETE',
          path: '/connectors/payments-a',
          endpoint: '/connectors/{connector}',
        }),
        line({ method: 'GET', status: 403, result: 'denied' }),
        line({ forwarded: true }),
        line({ internal: true, principal: null }),
        line({
          method: 'PUT',
          path: '/connector-plugins/X/config/validate',
          endpoint: '/connector-plugins/{pluginName}/config/validate',
          connector: null,
        }),
        'not json',
        '',
      ].join('\n'),
    );
    const r = readServerAudit([w1, w2, join(dir, 'absent.jsonl')]);
    expect(r.records.map((x) => [x.method, x.path])).toEqual([
      ['PUT', '/connectors/payments-a/pause'],
      ['DELETE', '/connectors/payments-a'],
    ]);
    expect(r.missing).toEqual([join(dir, 'absent.jsonl')]);
    expect(r.badLines).toEqual([{ file: w1, line: 6 }]);
  });
});

describe('serverVerb', () => {
  it.each([
    ['PUT', '/connectors/{connector}/pause', 'pause'],
    ['PUT', '/connectors/{connector}/stop', 'stop'],
    ['POST', '/connectors/{connector}/restart', 'restart'],
    ['POST', '/connectors/{connector}/tasks/{task}/restart', 'restart'],
    ['DELETE', '/connectors/{connector}/offsets', 'offsets:reset'],
    ['PATCH', '/connectors/{connector}/offsets', 'offsets:alter'],
    ['PUT', '/connectors/{connector}/config', 'config'],
    ['POST', '/connectors', 'create'],
    ['DELETE', '/connectors/{connector}', 'delete'],
    ['PUT', '/admin/loggers/{logger}', 'PUT /admin/loggers/{logger}'],
  ])('%s %s is %s', (method, endpoint, verb) => {
    expect(serverVerb({ method, endpoint, path: endpoint })).toBe(verb);
  });
});

describe('sameOperation', () => {
  const s = readServerAudit([join(dir, 'w2.jsonl')]).records[0]!;
  it('same connector, key and verb, shortly before kcops recorded it', () => {
    expect(sameOperation(rec({}), s)).toBe(true);
  });
  it.each([
    ['another connector', rec({ connector: 'payments-b' })],
    ['another key and principal', rec({ credentialKeyId: 'K2', actor: 'someone' })],
    ['another verb of a day-2 command', rec({ action: 'ops:resume' })],
    ['kcops recorded it long after', rec({ time: '2026-12-02T11:00:00Z' })],
    ['kcops recorded it before the request', rec({ time: '2026-12-02T09:59:00Z' })],
  ])('not with %s', (_l, k) => {
    expect(sameOperation(k, s)).toBe(false);
  });
  it('an apply stands for any request on its connector; restart --all-failed for restarts of any', () => {
    expect(sameOperation(rec({ action: 'apply:update' }), s)).toBe(true);
    expect(
      sameOperation(rec({ action: 'ops:restart-all-failed', connector: '*' }), {
        ...s,
        method: 'POST',
        endpoint: '/connectors/{connector}/restart',
      }),
    ).toBe(true);
  });
});

describe('buildHistory', () => {
  const server = readServerAudit([join(dir, 'w2.jsonl')]).records;
  const curl = {
    ...server[0]!,
    time: '2026-12-02T12:00:00Z',
    path: '/connectors/payments-a/resume',
    endpoint: '/connectors/{connector}/resume',
  };

  it("merges by time, newest first: kcops' runs, and requests no kcops record stands for as source server", () => {
    const h = buildHistory([rec({})], 'dev', { env: 'dev', records: [server[0]!, curl] });
    expect(h.map((e) => [e.source, e.time, e.actor])).toEqual([
      ['server', '2026-12-02T12:00:00Z', 'payments-operator'],
      ['kcops', '2026-12-02T10:00:01Z', 'payments-operator'],
    ]);
    expect(h[0]).toMatchObject({
      keyId: 'K1',
      deploymentId: null,
      outcome: 'applied',
      changes: [
        {
          connector: 'payments-a',
          action: 'server:resume',
          result: 'ok',
          detail: 'PUT /connectors/payments-a/resume → 202',
        },
      ],
    });
    expect(h[1]!.changes[0]).toMatchObject({ action: 'ops:pause', serverRecords: 1 });
  });

  it("another environment's kcops records never absorb this one's requests; without files, as before", () => {
    const h = buildHistory([rec({ env: 'prod' })], undefined, { env: 'dev', records: server });
    expect(h.map((e) => e.source)).toEqual(['kcops', 'server']);
    expect(buildHistory([rec({ env: 'prod' })], 'dev')).toEqual([]);
    expect(
      buildHistory([rec({}), rec({ deploymentId: 'd2', time: '2026-12-02T10:00:02Z' })], 'dev').map(
        (e) => e.deploymentId,
      ),
    ).toEqual(['d2', 'd1']);
  });

  it('a day-2 record claims one request: a curl one second after kcops recorded its own pause stays apart', () => {
    const own = server[0]!;
    const right = { ...own, time: '2026-12-02T10:00:02Z' };
    const h = buildHistory([rec({})], 'dev', { env: 'dev', records: [own, right] });
    expect(h.map((e) => [e.source, e.time])).toEqual([
      ['server', '2026-12-02T10:00:02Z'],
      ['kcops', '2026-12-02T10:00:01Z'],
    ]);
    expect(h[1]!.changes[0]!.serverRecords).toBe(1);
    // An apply record stands for all its requests.
    const a = buildHistory([rec({ action: 'apply:update' })], 'dev', { env: 'dev', records: [own, own] });
    expect(a.map((e) => e.source)).toEqual(['kcops']);
    expect(a[0]!.changes[0]!.serverRecords).toBe(2);
  });

  it('a refused request shows its refusal as the outcome', () => {
    const h = buildHistory([], 'dev', { env: 'dev', records: [{ ...curl, status: 403, result: 'denied' }] });
    expect(h[0]).toMatchObject({ source: 'server', outcome: 'denied' });
  });
});
