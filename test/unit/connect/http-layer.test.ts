import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange, retryAfterSeconds, Unreachable, type RequestPolicy } from '../../../src/connect/http/policy.js';
import { HttpTransport } from '../../../src/connect/http/transport.js';
import { SelfManagedCluster } from '../../../src/connect/self-managed/client.js';
import { ConfluentCloudCluster } from '../../../src/connect/confluent-cloud/client.js';
import { UserError } from '../../../src/errors.js';

/**
 * The one HTTP layer (issue 11 §2) and the real cause of a failed connection (issue 19 §5: a reset connection was
 * reported as refused).
 */
const servers: (Server | NetServer)[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A TCP server that does `onData` with every connection once the request arrives. */
async function tcp(onData: (s: Socket) => void): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const srv = createNetServer((s) => {
    sockets.add(s);
    s.once('data', () => {
      hits++;
      onData(s);
    });
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, hits: () => hits };
}

/** An HTTP server answering from a list, then 200 {}. */
async function http(answers: { status: number; headers?: Record<string, string>; body?: string }[]) {
  const seen: string[] = [];
  const srv = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const a = answers.shift() ?? { status: 200, body: '{}' };
    res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
    res.end(a.body ?? '');
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, seen };
}

async function closedPort(): Promise<string> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return `http://127.0.0.1:${port}`;
}

const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };
const policy: RequestPolicy = { server: fast, rateLimit: { attempts: 4, maxRetryAfterSeconds: 60 }, conflict: fast };

async function errorOf(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

describe('a failed connection names its real cause', () => {
  const connect = (url: string) =>
    new SelfManagedCluster({ urls: [url], serverRetry: fast, conflictRetry: fast, timeoutMs: 300 });

  it('refused', async () => {
    const e = await errorOf(connect(await closedPort()).collect());
    expect(e.code).toBe('CONNECT_UNREACHABLE');
    expect(e.message).toMatch(/refused the connection \(ECONNREFUSED\)/);
  });

  it('reset is not reported as refused', async () => {
    const { url } = await tcp((s) => s.resetAndDestroy());
    const e = await errorOf(connect(url).collect());
    expect(e.code).toBe('CONNECT_UNREACHABLE');
    expect(e.message).toMatch(/closed the connection before answering \(ECONNRESET\)/);
    expect(e.message).not.toMatch(/refused/);
    expect(e.hint).toMatch(/dropped it/);
  });

  it('timeout', async () => {
    const { url } = await tcp(() => undefined);
    const e = await errorOf(connect(url).collect());
    expect(e.message).toMatch(/did not answer in time: no answer within 300 ms/);
    expect(e.hint).toMatch(/connect\.timeout/);
  });

  it('a TLS failure (https:// to a plain HTTP port)', async () => {
    const { url } = await http([]);
    const e = await errorOf(connect(url.replace('http:', 'https:')).collect());
    expect(e.message).toMatch(/failed the TLS handshake/);
    expect(e.hint).toMatch(/tls\.ca/);
  });

  it('Confluent Cloud too', async () => {
    const { url } = await tcp((s) => s.resetAndDestroy());
    const cloud = new ConfluentCloudCluster({
      apiEndpoint: url,
      environmentId: 'env-a',
      kafkaClusterId: 'lkc-a',
      apiKey: 'K',
      apiSecret: 'S',
      serverRetry: fast,
      sleep: async () => undefined,
    });
    const e = await errorOf(cloud.collect());
    expect(e.code).toBe('CCLOUD_UNREACHABLE');
    expect(e.message).toMatch(/closed the connection before answering \(ECONNRESET\)/);
  });
});

describe('the request policy', () => {
  const transport = new HttpTransport({ timeoutMs: 300 });
  const waits: number[] = [];
  const opts = (bases: string[]) => ({
    transport,
    bases,
    policy,
    wait: async (ms: number) => void waits.push(ms),
  });
  afterEach(() => void (waits.length = 0));

  it('never repeats a POST that may have reached the server; repeats a GET within the budget', async () => {
    const srv = await tcp((s) => s.resetAndDestroy());
    const post = await exchange(opts([srv.url]), { method: 'POST', path: '/x', body: {} }).catch((e: unknown) => e);
    expect(post).toBeInstanceOf(Unreachable);
    expect((post as Unreachable).maybeDelivered).toBe(true);
    expect(srv.hits()).toBe(1);
    await exchange(opts([srv.url]), { method: 'GET', path: '/x' }).catch(() => undefined);
    expect(srv.hits()).toBe(1 + fast.attempts);
  });

  it('a POST whose connection never came about is tried on the next URL', async () => {
    const ok = await http([{ status: 201, body: '{}' }]);
    const x = await exchange(opts([await closedPort(), ok.url]), { method: 'POST', path: '/x', body: {} });
    expect(x.res.status).toBe(201);
    expect(x.maybeDelivered).toBe(false);
    expect(ok.seen).toEqual(['POST /x']);
  });

  it('does not repeat a POST after a 5xx; repeats a PUT', async () => {
    const a = await http([{ status: 500 }, { status: 500 }]);
    expect((await exchange(opts([a.url]), { method: 'POST', path: '/x', body: {} })).res.status).toBe(500);
    expect(a.seen).toHaveLength(1);
    expect((await exchange(opts([a.url]), { method: 'PUT', path: '/x', body: {} })).res.status).toBe(200);
    expect(a.seen).toHaveLength(3);
  });

  it('429: waits the Retry-After (seconds or a date), backs off without one, repeats even a POST', async () => {
    const a = await http([
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 429 },
      { status: 429, headers: { 'retry-after': new Date(Date.now() + 3_000).toUTCString() } },
    ]);
    const x = await exchange(opts([a.url]), { method: 'POST', path: '/x', body: {} });
    expect(x.res.status).toBe(200);
    expect(waits[0]).toBe(2_000);
    expect(waits[1]).toBeLessThanOrEqual(fast.maxDelayMs);
    expect(waits[2]).toBeGreaterThanOrEqual(2_000);
    expect(waits[2]).toBeLessThanOrEqual(4_000);
    expect(a.seen).toHaveLength(4);
  });

  it('409 is retried when the client has a conflict budget, unless the caller takes it as final', async () => {
    const a = await http([{ status: 409 }, { status: 409 }]);
    expect((await exchange(opts([a.url]), { method: 'PUT', path: '/x' })).res.status).toBe(200);
    expect(a.seen).toHaveLength(3);
    const b = await http([{ status: 409, body: '{"message":"already exists"}' }]);
    const final = await exchange(opts([b.url]), {
      method: 'POST',
      path: '/x',
      finalConflict: (r) => r.text.includes('already exists'),
    });
    expect(final.res.status).toBe(409);
    expect(b.seen).toHaveLength(1);
  });

  it('keeps one connection alive across calls, without piling up listeners on it', async () => {
    const a = await http([]);
    let connections = 0;
    (servers[servers.length - 1] as Server).on('connection', () => connections++);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const t = new HttpTransport({ timeoutMs: 2_000 });
      for (let i = 0; i < 25; i++)
        expect((await exchange({ ...opts([a.url]), transport: t }, { method: 'GET', path: '/x' })).res.status).toBe(
          200,
        );
      t.close();
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(connections).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('reads Retry-After', () => {
    expect(retryAfterSeconds('7')).toBe(7);
    expect(retryAfterSeconds(undefined)).toBeUndefined();
    expect(retryAfterSeconds('soon')).toBeUndefined();
    expect(retryAfterSeconds('Wed, 02 Dec 2026 04:00:10 GMT', Date.parse('2026-12-02T04:00:00Z'))).toBe(10);
  });
});
