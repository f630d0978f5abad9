import { describe, expect, it } from 'vitest';
import { connectorEndpoints, doctorFailed, runDoctor, type Probes } from '../../../../src/core/operate/doctor.js';

function probes(over: Partial<Probes> = {}): Probes {
  return {
    resolve: async (h) =>
      h === 'nowhere.invalid' ? Promise.reject(new Error('getaddrinfo ENOTFOUND nowhere.invalid')) : ['10.0.0.1'],
    tcp: async (_h, port) => (port === 1 ? Promise.reject(new Error('connection refused')) : undefined),
    http: async () => ({ status: 200, body: { version: '4.3.1' }, date: new Date(0).toUTCString() }),
    sasl: async () => undefined,
    now: () => 0,
    ...over,
  };
}
const auth = { username: 'ops', password: 'pw' };
const kafka = { bootstrap: 'broker:9092', username: 'sa-payments', password: 'x', mechanism: 'PLAIN' as const };

describe('doctor checks', () => {
  it('passes a healthy environment', async () => {
    const checks = await runDoctor(
      { connect: { urls: ['http://connect:8083'], auth }, kafka, connectors: false },
      probes(),
    );
    expect(doctorFailed(checks)).toBe(false);
    expect(checks.map((c) => c.id)).toEqual([
      'connect.dns',
      'connect.tcp',
      'connect.auth',
      'connect.version',
      'clock.skew',
      'kafka.dns',
      'kafka.tcp',
      'kafka.sasl',
      'schema-registry',
    ]);
    expect(checks.find((c) => c.id === 'schema-registry')?.status).toBe('skip');
  });

  it('checks Schema Registry: reachable, key accepted (401), allowed to read subjects (403)', async () => {
    const sr = { url: 'https://psrc-1.eu-west-1.aws.confluent.cloud', auth, credentialRef: '${env:SR_SECRET}' };
    const seen: string[] = [];
    const answer = (status: number, body?: unknown) =>
      probes({
        http: async (url) => {
          seen.push(url);
          return url.endsWith('/subjects') ? { status, body } : { status: 200, body: { version: '4.3.1' } };
        },
      });
    const run = async (p: Probes, s = sr) =>
      (await runDoctor({ connect: { urls: ['http://connect:8083'] }, schemaRegistry: s, connectors: false }, p)).filter(
        (c) => c.id.startsWith('schema-registry'),
      );
    const ok = await run(answer(200, ['orders-value', 'orders-key']));
    expect(ok.map((c) => [c.id, c.status])).toEqual([
      ['schema-registry.dns', 'pass'],
      ['schema-registry.tcp', 'pass'],
      ['schema-registry', 'pass'],
    ]);
    expect(ok[2]!.detail).toBe('2 subject(s) readable as ops (secret ${env:SR_SECRET})');
    expect(seen).toContain('https://psrc-1.eu-west-1.aws.confluent.cloud/subjects');
    const r401 = (await run(answer(401, { error_code: 401, message: 'Unauthorized' }))).at(-1)!;
    expect(r401).toMatchObject({ status: 'fail', detail: 'GET /subjects answered 401: Unauthorized' });
    expect(r401.hint).toMatch(/Schema Registry API key/);
    expect((await run(answer(403))).at(-1)!.hint).toMatch(/DeveloperRead/);
    expect((await run(answer(200, '<html>'))).at(-1)!.hint).toMatch(/not like a Schema Registry/);
    const closed = await run(probes(), { url: 'http://sr:1' } as typeof sr);
    expect(closed.map((c) => [c.id, c.status])).toEqual([
      ['schema-registry.dns', 'pass'],
      ['schema-registry.tcp', 'fail'],
    ]);
    const password = JSON.stringify(await run(answer(401)));
    expect(password).not.toContain('"pw"');
  });

  it('tells a wrong password (401) from missing permission (403)', async () => {
    const r401 = await runDoctor(
      { connect: { urls: ['http://connect:8083'], auth, credentialRef: '${env:PW}' }, connectors: false },
      probes({ http: async () => ({ status: 401 }) }),
    );
    const a = r401.find((c) => c.id === 'connect.auth')!;
    expect(a.status).toBe('fail');
    expect(a.hint).toMatch(/Wrong user or password.*\$\{env:PW\}/);
    const r403 = await runDoctor(
      { connect: { urls: ['http://connect:8083'], auth }, connectors: false },
      probes({ http: async () => ({ status: 403 }) }),
    );
    expect(r403.find((c) => c.id === 'connect.auth')!.hint).toMatch(/credentials are right but/);
  });

  it('explains a closed port, a silent port and an unknown host', async () => {
    const closed = await runDoctor({ connect: { urls: ['http://127.0.0.1:1'] }, connectors: false }, probes());
    expect(closed.find((c) => c.id === 'connect.tcp')).toMatchObject({
      status: 'fail',
      hint: expect.stringMatching(/Nothing listens on 127.0.0.1:1/),
    });
    const silent = await runDoctor(
      { connect: { urls: ['http://connect:8083'] }, connectors: false },
      probes({ tcp: async () => Promise.reject(new Error('no answer within 5000 ms')) }),
    );
    expect(silent.find((c) => c.id === 'connect.tcp')!.hint).toMatch(/firewall, security group/);
    const dns = await runDoctor({ connect: { urls: ['http://nowhere.invalid:8083'] }, connectors: false }, probes());
    expect(dns.find((c) => c.id === 'connect.dns')).toMatchObject({
      status: 'fail',
      hint: expect.stringMatching(/does not resolve/),
    });
    expect(dns.some((c) => c.id === 'connect.tcp')).toBe(false);
  });

  it('reports a rejected SASL login with a credentials hint', async () => {
    const checks = await runDoctor(
      { connect: { urls: [] }, kafka, connectors: false },
      probes({
        sasl: async () => Promise.reject(new Error('SASL authentication failed: Invalid username or password')),
      }),
    );
    expect(checks.find((c) => c.id === 'kafka.sasl')).toMatchObject({
      status: 'fail',
      hint: expect.stringMatching(/rejected sa-payments/),
    });
    expect(doctorFailed(checks)).toBe(true);
  });

  it('compares the worker version and measures clock skew', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const checks = await runDoctor(
      { connect: { urls: ['http://10.0.0.5:8083'] }, expect: { workerVersion: '4.2.0' }, connectors: false },
      probes({
        http: async () => ({ status: 200, body: { version: '4.3.1' }, date: new Date(now + 60_000).toUTCString() }),
        now: () => now,
      }),
    );
    expect(checks.find((c) => c.id === 'connect.version')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/expects 4.2.0/),
    });
    expect(checks.find((c) => c.id === 'clock.skew')).toMatchObject({
      status: 'warn',
      detail: '60.0 s against this machine',
    });
  });

  it('finds the endpoints connectors use (databases, JDBC URLs, S3, Schema Registry), never references', () => {
    expect(
      connectorEndpoints({
        'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
        'database.hostname': 'db.internal',
        'database.port': '5433',
        'connection.url': 'jdbc:postgresql://sink-db:5432/app?password=${env:X}',
        's3.endpoint': 'https://s3.eu-west-1.amazonaws.com',
        'store.url': '${env:S3_URL}',
        'value.converter.schema.registry.url': 'http://sr-1:8081, http://sr-2:8081',
        'key.converter.schema.registry.url': '${env:SR_URL}',
      }),
    ).toEqual([
      { key: 'database.hostname', host: 'db.internal', port: 5433 },
      { key: 'connection.url', host: 'sink-db', port: 5432 },
      { key: 's3.endpoint', host: 's3.eu-west-1.amazonaws.com', port: 443 },
      { key: 'value.converter.schema.registry.url', host: 'sr-1', port: 8081 },
      { key: 'value.converter.schema.registry.url', host: 'sr-2', port: 8081 },
    ]);
  });
});
