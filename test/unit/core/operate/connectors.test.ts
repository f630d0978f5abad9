import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnect } from '../../../fakes/fake-connect-cluster.js';
import { SelfManagedCluster } from '../../../../src/connect/self-managed/client.js';
import {
  listConnectors,
  maskConfig,
  parseOffsets,
  requireStopped,
  restartAllFailed,
  MASK,
} from '../../../../src/core/operate/connectors.js';
import { audited, type OpsAuditRecord } from '../../../../src/core/operate/audit.js';

describe('day-2 operations against the fake Connect', () => {
  let fake: FakeConnect;
  let cluster: SelfManagedCluster;
  beforeEach(async () => {
    fake = new FakeConnect({ startDelayMs: 0 });
    cluster = new SelfManagedCluster({ urls: [await fake.listen()], sleep: async () => undefined });
    fake.seed('payments-a', {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      'tasks.max': '2',
    });
    fake.seed('payments-b', { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector' }, 'PAUSED');
    fake.seed('analytics-c', { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector' }, 'STOPPED');
  });
  afterEach(() => fake.close());

  it('lists in one request with name, regex and state filters', async () => {
    const before = fake.requests.length;
    const all = await listConnectors(cluster);
    expect(fake.requests.length - before).toBe(1);
    expect(all.map((r) => r.name)).toEqual(['analytics-c', 'payments-a', 'payments-b']);
    expect(all.find((r) => r.name === 'payments-a')!.tasks).toEqual({ total: 2, running: 2, failed: 0, other: 0 });
    expect((await listConnectors(cluster, { regex: /^payments-/ })).map((r) => r.name)).toEqual([
      'payments-a',
      'payments-b',
    ]);
    expect((await listConnectors(cluster, { states: ['PAUSED'] })).map((r) => r.name)).toEqual(['payments-b']);
    expect((await listConnectors(cluster, { name: 'c' })).map((r) => r.name)).toEqual(['analytics-c']);
  });

  it('refuses offset changes unless STOPPED, naming the next command', async () => {
    await expect(requireStopped(cluster, 'payments-a', 'altered')).rejects.toThrow(/is RUNNING.*STOPPED/);
    await expect(requireStopped(cluster, 'analytics-c', 'altered')).resolves.toBeUndefined();
    await expect(requireStopped(cluster, 'nope', 'altered')).rejects.toThrow(/no connector 'nope'/);
  });

  it('restart --all-failed restarts only connectors with failures', async () => {
    fake.failTasks({ match: (n) => n === 'payments-a', afterMs: 0, trace: 'boom' });
    const out = await restartAllFailed(cluster, { settleMs: 0, pollMs: 0 });
    expect(out.map((o) => o.connector)).toEqual(['payments-a']);
    expect(out[0]!.restarted).toEqual({ connector: false, tasks: [0, 1] });
    expect(fake.requests.some((r) => r.method === 'POST' && r.path.includes('payments-a/restart'))).toBe(true);
  });
});

describe('helpers', () => {
  it('masks literal secrets but shows references', () => {
    const m = maskConfig({
      'database.password': 'hunter2hunter2',
      'consumer.override.sasl.jaas.config': '${file:/s/sa.properties:sasl.jaas.config}',
      'producer.override.sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p4ss-w0rd";',
      'connection.url': 'jdbc:postgresql://db:5432/app?user=u&password=s3cr3t',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    });
    expect(m['database.password']).toBe(MASK);
    expect(m['consumer.override.sasl.jaas.config']).toContain('${file:');
    expect(m['producer.override.sasl.jaas.config']).not.toContain('p4ss-w0rd');
    expect(m['connection.url']).toBe(`jdbc:postgresql://db:5432/app?user=u&password=${MASK}`);
    expect(m['key.converter']).toBe('org.apache.kafka.connect.storage.StringConverter');
  });

  it('parses offsets files in the shape `offsets get -o json` prints', () => {
    const doc = {
      formatVersion: 1,
      connector: 'x',
      offsets: [{ partition: { filename: '/a' }, offset: { position: 0 } }],
    };
    expect(parseOffsets(JSON.stringify(doc), 'f.json')).toEqual(doc.offsets);
    expect(() => parseOffsets('{"offsets":[]}', 'f.json')).toThrow(/no offsets/);
    expect(() => parseOffsets('[{"offset":{}}]', 'f.json')).toThrow(/no partition/);
    expect(() => parseOffsets('nope', 'f.json')).toThrow(/not JSON/);
  });

  it('audits success and failure', async () => {
    const got: OpsAuditRecord[] = [];
    const sink = { append: async (r: OpsAuditRecord) => void got.push(r) };
    const base = { action: 'ops:pause', connector: 'c', env: 'prod', cluster: 'http://w', credentialKeyId: 'ops' };
    await audited(
      sink,
      base,
      async () => 'RUNNING',
      (s) => ({ state: s }),
    );
    await expect(audited(sink, base, async () => Promise.reject(new Error('403')))).rejects.toThrow('403');
    expect(got.map((r) => [r.outcome, r.details, r.error])).toEqual([
      ['succeeded', { state: 'RUNNING' }, undefined],
      ['failed', undefined, '403'],
    ]);
  });
});
