import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';
import { runCli } from '../../support/run-cli.js';

/**
 * `cluster.connect.tls` (issue 4 §1: a private CA and a client certificate) through the CLI, against the fake Connect
 * served over HTTPS with mutual TLS. The certificates are made here by openssl: a CA, a server certificate for
 * 127.0.0.1 and a client certificate, all signed by that CA.
 */
const dir = mkdtempSync(join(tmpdir(), 'kcops-tls-'));
const fake = new FakeConnect({ startDelayMs: 0 });
let url = '';

function openssl(...args: string[]) {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function makeCertificates() {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=kcops test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const who of ['server', 'client']) {
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${who}`,
      '-keyout',
      `${who}.key`,
      '-out',
      `${who}.csr`,
    );
    openssl(
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      `${who}.pem`,
      ...(who === 'server' ? ['-extfile', 'server.ext'] : []),
    );
  }
}

function writeProject(tls: string) {
  writeFileSync(
    join(dir, 'kcops.yaml'),
    [
      'project: tls',
      'teams:',
      '  payments: { prefixes: [payments-] }',
      'environments:',
      '  prod:',
      '    cluster:',
      '      type: self-managed',
      `      connect: { urls: ['${url}'], timeout: 5s${tls ? `, tls: ${tls}` : ''} }`,
      '',
    ].join('\n'),
  );
}
const cli = (...argv: string[]) => runCli(argv, { cwd: dir, env: { KCOPS_AUDIT_FILE: join(dir, 'audit.jsonl') } });

beforeAll(async () => {
  makeCertificates();
  const pem = (f: string) => readFileSync(join(dir, f), 'utf8');
  url = await fake.listen({ key: pem('server.key'), cert: pem('server.pem'), ca: pem('ca.pem'), requestCert: true });
  fake.seed('payments-a', { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector' });
}, 60_000);
afterAll(() => fake.close());

describe('Connect over TLS with a private CA and a client certificate', () => {
  it('list, plan and doctor work with tls.ca, tls.cert and tls.key', async () => {
    writeProject('{ ca: ca.pem, cert: client.pem, key: client.key }');
    const list = await cli('connect', 'list', '--env', 'prod', '-o', 'json');
    expect(list.code, list.err).toBe(0);
    expect(list.json.connectors.map((c: { name: string }) => c.name)).toEqual(['payments-a']);
    const plan = await cli('plan', '--env', 'prod', '-o', 'json');
    expect(plan.code, plan.err).toBe(0);
    expect(plan.json.notInGit).toEqual(['payments-a']);
    const doctor = await cli('doctor', '--env', 'prod', '--no-connectors', '-o', 'json');
    expect(
      doctor.json.checks.find((c: { id: string }) => c.id === 'connect.auth'),
      doctor.out,
    ).toMatchObject({ status: 'pass' });
  });

  it('validate reaches the cluster with the same tls settings as plan (issue 11)', async () => {
    writeProject('{ ca: ca.pem, cert: client.pem, key: client.key }');
    mkdirSync(join(dir, 'connectors/prod'), { recursive: true });
    writeFileSync(
      join(dir, 'connectors/prod/payments-a.json'),
      JSON.stringify({
        name: 'payments-a',
        config: {
          'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
          'tasks.max': '1',
          topics: 'orders',
          file: '/tmp/payments-a.txt',
        },
      }),
    );
    const before = fake.requests.length;
    try {
      const r = await cli('validate', '--env', 'prod', '-o', 'json');
      const rules = (r.json.findings as { rule: string; message: string }[]).map((f) => `${f.rule}: ${f.message}`);
      expect(
        rules.filter((f) => f.includes('unreachable')),
        r.out + r.err,
      ).toEqual([]);
      const asked = fake.requests.slice(before).map((q) => `${q.method} ${q.path.split('?')[0]}`);
      expect(asked).toContain('GET /connector-plugins');
      expect(asked.some((a) => a.startsWith('PUT /connector-plugins/') && a.endsWith('/config/validate'))).toBe(true);
    } finally {
      rmSync(join(dir, 'connectors'), { recursive: true, force: true });
    }
  });

  it('says what is wrong without the CA, without the client certificate, and with a missing file', async () => {
    writeProject('');
    const noCa = await cli('connect', 'list', '--env', 'prod');
    expect(noCa.code).toBe(1);
    expect(noCa.err).toMatch(/tls\.ca/);
    expect(noCa.err).not.toMatch(/\n\s+at /);

    writeProject('{ ca: ca.pem }');
    const noClientCert = await cli('connect', 'list', '--env', 'prod');
    expect(noClientCert.code).toBe(1);
    expect(noClientCert.err).toMatch(/certificate/i);

    writeProject('{ ca: ca.pem, cert: client.pem, key: /run/secrets/missing.key }');
    const missing = await cli('connect', 'list', '--env', 'prod');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('/run/secrets/missing.key (environments.prod.cluster.connect.tls.key)');
    expect(missing.err).toMatch(/never belongs in Git/);
  });

  it('refuses a client certificate without its key when kcops.yaml is read', async () => {
    writeProject('{ ca: ca.pem, cert: client.pem }');
    const r = await cli('validate', '--env', 'prod', '--offline');
    expect(r.code).not.toBe(0);
    expect(r.out + r.err).toMatch(/mutual TLS needs both cert and key/);
  });
});
