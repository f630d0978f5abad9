import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnect } from '../../../fakes/fake-connect-cluster.js';
import { SelfManagedCluster } from '../../../../src/connect/self-managed/client.js';
import type { OpsAuditRecord } from '../../../../src/core/operate/audit.js';
import { auditTo, type Operation } from '../../../../src/core/operations/audit.js';
import { autoRestart, changeState, deleteConnector } from '../../../../src/core/operations/lifecycle.js';
import { alterOffsets, readOffsets } from '../../../../src/core/operations/offsets.js';
import { deploymentHistory } from '../../../../src/core/operations/history.js';
import type { AuditRecord } from '../../../../src/core/audit/record.js';

describe('operations facade: lifecycle and offsets through the Audit handed in', () => {
  let fake: FakeConnect;
  let op: Operation;
  let records: OpsAuditRecord[];
  let sinks: number;
  beforeEach(async () => {
    fake = new FakeConnect({ startDelayMs: 0 });
    const cluster = new SelfManagedCluster({ urls: [await fake.listen()], sleep: async () => undefined });
    fake.seed('payments-a', { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector' });
    records = [];
    sinks = 0;
    op = {
      connect: cluster,
      audit: auditTo(
        () => {
          sinks++;
          return { append: async (r) => void records.push(r) };
        },
        'prod',
        cluster,
      ),
    };
  });
  afterEach(() => fake.close());

  it('pauses, waits for the state and records env, cluster and the state reached', async () => {
    const r = await changeState(op, 'payments-a', 'pause', { timeoutMs: 5_000 });
    expect(r.reached).toBe(true);
    expect(r.status.state).toBe('PAUSED');
    expect(records).toEqual([
      expect.objectContaining({
        action: 'ops:pause',
        connector: 'payments-a',
        env: 'prod',
        cluster: op.connect.id,
        outcome: 'succeeded',
        details: { state: 'PAUSED' },
      }),
    ]);
  });

  it('refuses to alter offsets of a running connector before anything is recorded', async () => {
    await expect(
      alterOffsets(op, 'payments-a', [{ partition: { file: 'x' }, offset: { position: 1 } }]),
    ).rejects.toMatchObject({ code: 'CONNECTOR_NOT_STOPPED' });
    expect(records).toEqual([]);
    expect(await readOffsets(op, 'payments-a')).toEqual(expect.any(Array));
  });

  it("the monitor's automatic restart asks for a sink per restart and records ops:auto-restart", async () => {
    await autoRestart(op, 'payments-a', { attempt: 1 });
    await autoRestart(op, 'payments-a', { attempt: 2 });
    expect(sinks).toBe(2);
    expect(records.map((r) => [r.action, r.details?.attempt, r.outcome])).toEqual([
      ['ops:auto-restart', 1, 'succeeded'],
      ['ops:auto-restart', 2, 'succeeded'],
    ]);
  });

  it('deleting a connector that does not exist fails before the audit', async () => {
    await expect(deleteConnector(op, 'nope')).rejects.toMatchObject({ code: 'CONNECTOR_NOT_FOUND' });
    expect(records).toEqual([]);
  });
});

describe('operations facade: history', () => {
  const rec = (deploymentId: string, connector: string, result: string, env = 'prod', detail?: string) =>
    ({
      deploymentId,
      connector,
      result,
      env,
      time: `2026-01-0${deploymentId}T00:00:00Z`,
      actor: 'alice',
      gitCommit: 'abc',
      action: 'update',
      ...(detail ? { detail } : {}),
    }) as unknown as AuditRecord;

  it('groups records into deployments, newest first, each with its verdict', () => {
    const list = deploymentHistory([
      rec('1', 'a', 'succeeded'),
      rec('1', 'b', 'succeeded'),
      rec('2', 'a', 'failed', 'prod', 'rolled back: rollback done'),
      rec('3', 'a', 'pending'),
      rec('4', 'a', 'failed', 'dev'),
    ]);
    expect(list.map((d) => [d.deploymentId, d.outcome, d.changes.length])).toEqual([
      ['4', 'failed', 1],
      ['3', 'pending', 1],
      ['2', 'rolled-back', 1],
      ['1', 'applied', 2],
    ]);
    expect(deploymentHistory([rec('1', 'a', 'succeeded'), rec('4', 'a', 'failed', 'dev')], 'prod')).toHaveLength(1);
  });
});
