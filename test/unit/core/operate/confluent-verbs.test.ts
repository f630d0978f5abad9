import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnect } from '../../../fakes/fake-connect-cluster.js';
import { SelfManagedCluster } from '../../../../src/connect/self-managed/client.js';
import {
  createFromSpec,
  parseConnectorFile,
  parseOverrides,
  requireAll,
  updateConnector,
} from '../../../../src/core/operate/confluent-verbs.js';

const FILE_SOURCE = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
const fast = { settleMs: 0, pollMs: 0 };

describe('Confluent CLI connector files', () => {
  it('reads {name, config, offsets} and the flat shape, values as strings', () => {
    const nested = parseConnectorFile(
      JSON.stringify({
        name: 'payments-a',
        config: { 'connector.class': FILE_SOURCE, 'tasks.max': 2 },
        offsets: [{ partition: { filename: '/f' }, offset: { position: 7 } }],
      }),
      'c.json',
    );
    expect(nested).toEqual({
      name: 'payments-a',
      config: { 'connector.class': FILE_SOURCE, 'tasks.max': '2', name: 'payments-a' },
      offsets: [{ partition: { filename: '/f' }, offset: { position: 7 } }],
    });
    const flat = parseConnectorFile(JSON.stringify({ name: 'payments-b', 'connector.class': FILE_SOURCE }), 'c.json');
    expect(flat).toEqual({ name: 'payments-b', config: { name: 'payments-b', 'connector.class': FILE_SOURCE } });
  });

  it('rejects files without a name or class, with mismatched names, or non-string values', () => {
    expect(() => parseConnectorFile('{"config":{"connector.class":"x"}}', 'c.json')).toThrow(/no connector name/);
    expect(() => parseConnectorFile('{"name":"a","config":{}}', 'c.json')).toThrow(/connector.class/);
    expect(() => parseConnectorFile('{"name":"a","config":{"name":"b","connector.class":"x"}}', 'c.json')).toThrow(
      /config.name is 'b'/,
    );
    expect(() => parseConnectorFile('{"name":"a","config":{"connector.class":"x","t":{}}}', 'c.json')).toThrow(
      /'t' must be a string/,
    );
    expect(() => parseConnectorFile('nope', 'c.json')).toThrow(/not JSON/);
  });

  it('parses --config overrides', () => {
    expect(parseOverrides('tasks.max=2, topics=a,b=c=d')).toEqual({ 'tasks.max': '2', topics: 'a', b: 'c=d' });
    expect(parseOverrides(['a=1', 'b=2'])).toEqual({ a: '1', b: '2' });
    expect(() => parseOverrides('novalue')).toThrow(/not key=value/);
  });
});

describe('Confluent verbs against the fake Connect', () => {
  let fake: FakeConnect;
  let cluster: SelfManagedCluster;
  beforeEach(async () => {
    fake = new FakeConnect({ startDelayMs: 0 });
    cluster = new SelfManagedCluster({ urls: [await fake.listen()], sleep: async () => undefined });
    fake.seed('payments-a', { 'connector.class': FILE_SOURCE, 'tasks.max': '1', topic: 'orders' });
  });
  afterEach(() => fake.close());

  it('create fails on an existing connector and creates a new one RUNNING', async () => {
    await expect(
      createFromSpec(cluster, { name: 'payments-a', config: { 'connector.class': FILE_SOURCE } }, fast),
    ).rejects.toThrow(/already exists/);
    const r = await createFromSpec(
      cluster,
      { name: 'payments-new', config: { 'connector.class': FILE_SOURCE, name: 'payments-new' } },
      fast,
    );
    expect(r.status.state).toBe('RUNNING');
    expect(fake.connectors.get('payments-new')!.target).toBe('RUNNING');
  });

  it('create with offsets: STOPPED, offsets set, then resumed', async () => {
    const offsets = [{ partition: { filename: '/f' }, offset: { position: 42 } }];
    const r = await createFromSpec(
      cluster,
      { name: 'payments-off', config: { 'connector.class': FILE_SOURCE }, offsets },
      fast,
    );
    expect(r.offsetsApplied).toBe(1);
    expect(fake.connectors.get('payments-off')!.offsets).toEqual(offsets);
    expect(r.status.state).toBe('RUNNING');
    const calls = fake.requests.filter((x) => x.method !== 'GET').map((x) => `${x.method} ${x.path}`);
    expect(calls).toEqual([
      'POST /connectors',
      'PATCH /connectors/payments-off/offsets',
      'PUT /connectors/payments-off/resume',
    ]);
  });

  it('update replaces from a file, overrides keys, and reports only changed key names', async () => {
    const o = await updateConnector(cluster, 'payments-a', { overrides: { 'tasks.max': '3' } }, fast);
    expect(o.changed).toEqual(['tasks.max']);
    expect(fake.connectors.get('payments-a')!.config).toEqual({
      'connector.class': FILE_SOURCE,
      'tasks.max': '3',
      topic: 'orders',
      name: 'payments-a',
    });
    const f = await updateConnector(
      cluster,
      'payments-a',
      { spec: { name: 'payments-a', config: { 'connector.class': FILE_SOURCE, topic: 'x' } } },
      fast,
    );
    expect(f.changed).toEqual(['tasks.max', 'topic']);
    expect(fake.connectors.get('payments-a')!.config).toEqual({
      'connector.class': FILE_SOURCE,
      topic: 'x',
      name: 'payments-a',
    });
    await expect(updateConnector(cluster, 'nope', { overrides: { a: '1' } }, fast)).rejects.toThrow(
      /no connector 'nope'/,
    );
    await expect(updateConnector(cluster, 'payments-a', { spec: { name: 'other', config: {} } }, fast)).rejects.toThrow(
      /configures 'other'/,
    );
    await expect(updateConnector(cluster, 'payments-a', {}, fast)).rejects.toThrow(/Nothing to update/);
  });

  it('update never writes a masked value back', async () => {
    const masking = Object.create(cluster) as SelfManagedCluster;
    Object.defineProperty(masking, 'traits', { value: { ...cluster.traits, isMasked: (v: string) => v === '****' } });
    fake.seed('payments-m', { 'connector.class': FILE_SOURCE, 'database.password': '****' });
    await expect(updateConnector(masking, 'payments-m', { overrides: { 'tasks.max': '2' } }, fast)).rejects.toThrow(
      /masked values for database.password/,
    );
    await expect(
      updateConnector(masking, 'payments-m', { overrides: { 'database.password': 'new' } }, fast),
    ).resolves.toMatchObject({ changed: ['database.password'] });
  });

  it('multi-name verbs check every name before anything changes', async () => {
    await expect(requireAll(cluster, ['payments-a', 'x', 'y'])).rejects.toThrow(/no connectors 'x', 'y'/);
    await expect(requireAll(cluster, ['payments-a'])).resolves.toBeUndefined();
  });
});
