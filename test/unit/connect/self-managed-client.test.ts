import { afterEach, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../../src/connect/self-managed/client.js';
import { UserError } from '../../../src/errors.js';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';

const fast = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };
let fake: FakeConnect;
afterEach(async () => fake?.close());

async function setup(o: ConstructorParameters<typeof FakeConnect>[0] = {}) {
  fake = new FakeConnect(o);
  const url = await fake.listen();
  return {
    url,
    cluster: new SelfManagedCluster({
      urls: [url],
      auth: { username: 'u', password: 'p' },
      credentialRef: '${env:CONNECT_PASSWORD}',
      conflictRetry: fast,
      serverRetry: fast,
      timeoutMs: 200,
    }),
  };
}

describe('SelfManagedCluster', () => {
  it('collects everything with one request, whatever the number of connectors', async () => {
    const { cluster } = await setup({ auth: { username: 'u', password: 'p' } });
    for (let i = 0; i < 30; i++) fake.seed(`c${i}`, { 'connector.class': 'X' });
    const snap = await cluster.collect();
    expect(snap.connectors).toHaveLength(30);
    expect(snap.connectors[0]).toMatchObject({ name: 'c0', config: { name: 'c0' }, status: { state: 'RUNNING' } });
    expect(fake.requests).toEqual([{ method: 'GET', path: '/connectors?expand=status&expand=info' }]);
  });

  it("learns who its key is from the access extension's Kcops-Identity header: whoami then costs no request", async () => {
    const identity = { principal: 'payments-operator', keyId: 'K1', admin: false, roles: { payments: 'operator' } };
    const { cluster } = await setup({ auth: { username: 'u', password: 'p' }, identity });
    expect(await cluster.whoami()).toEqual(identity); // nothing asked yet: one GET /kcops/whoami
    expect(fake.requests).toEqual([{ method: 'GET', path: '/kcops/whoami' }]);
    await fake.close();
    const { cluster: other } = await setup({ auth: { username: 'u', password: 'p' }, identity });
    await other.collect();
    expect(await other.whoami()).toEqual(identity);
    expect(fake.requests).toEqual([{ method: 'GET', path: '/connectors?expand=status&expand=info' }]);
  });

  it('retries 409 with a bounded budget, then gives up with a UserError', async () => {
    const { cluster } = await setup();
    fake.inject({ method: 'PUT', times: 3, respond: { status: 409, body: { message: 'rebalance in progress' } } });
    fake.seed('a', { 'connector.class': 'X' });
    await cluster.pause('a');
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(4);
    fake.inject({ method: 'PUT', times: 10, respond: { status: 409, body: { message: 'rebalance in progress' } } });
    await expect(cluster.resume('a')).rejects.toMatchObject({ code: 'CONNECT_CONFLICT' });
  });

  it('retries 5xx and timeouts on idempotent calls, never on create', async () => {
    const { cluster } = await setup();
    fake.inject({ method: 'GET', times: 2, respond: { status: 500, body: { message: 'Request timed out' } } });
    await cluster.collect();
    fake.inject({ method: 'GET', times: 1, respond: 'timeout' });
    await cluster.collect();
    fake.inject({ method: 'POST', times: 1, respond: { status: 500, body: { message: 'x' } } });
    await expect(cluster.create('n', { 'connector.class': 'X' })).rejects.toMatchObject({
      code: 'CONNECT_SERVER_ERROR',
    });
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('maps 401 to a UserError naming the credential reference, never the password', async () => {
    const { cluster } = await setup({ auth: { username: 'u', password: 'other' } });
    const e = (await cluster.collect().catch((x: unknown) => x)) as UserError;
    expect(e.code).toBe('CONNECT_UNAUTHORIZED');
    expect(e.hint).toContain('${env:CONNECT_PASSWORD}');
    expect(JSON.stringify([e.message, e.hint])).not.toContain('"p"');
  });

  it('fails over to the next URL and explains a refused connection', async () => {
    const { url } = await setup();
    const two = new SelfManagedCluster({ urls: ['http://127.0.0.1:1', url], serverRetry: fast });
    expect((await two.collect()).connectors).toEqual([]);
    const none = new SelfManagedCluster({ urls: ['http://127.0.0.1:1'], serverRetry: fast });
    await expect(none.collect()).rejects.toMatchObject({
      code: 'CONNECT_UNREACHABLE',
      message: expect.stringContaining('127.0.0.1:1'),
    });
  });

  it('a create whose worker died mid-request and was retried elsewhere is not reported as a duplicate', async () => {
    fake = new FakeConnect();
    const url = await fake.listen();
    // Both URLs reach the same fake: the first attempt is carried out, then its connection is cut.
    const cluster = new SelfManagedCluster({ urls: [url, url], serverRetry: fast, conflictRetry: fast });
    fake.inject({ method: 'POST', times: 1, respond: 'crash-after' });
    await cluster.create('a', { 'connector.class': 'X' });
    expect(fake.connectors.get('a')?.config).toEqual({ 'connector.class': 'X', name: 'a' });
    // Someone else's connector of the same name, with another config, is still a conflict.
    fake.seed('b', { 'connector.class': 'Y' });
    fake.inject({ method: 'POST', times: 1, respond: 'crash-after' });
    await expect(cluster.create('b', { 'connector.class': 'X' })).rejects.toMatchObject({ code: 'CONNECTOR_EXISTS' });
  });

  it('creates with initial_state, reports a duplicate, and offsets need STOPPED', async () => {
    const { cluster } = await setup();
    await cluster.create('a', { 'connector.class': 'X' }, 'STOPPED');
    expect(fake.connectors.get('a')?.target).toBe('STOPPED');
    await expect(cluster.create('a', { 'connector.class': 'X' })).rejects.toMatchObject({ code: 'CONNECTOR_EXISTS' });
    await cluster.resetOffsets('a');
    await cluster.resume('a');
    await expect(cluster.resetOffsets('a')).rejects.toMatchObject({ code: 'CONNECT_REJECTED' });
    expect(await cluster.status('missing')).toBeUndefined();
  });
});
