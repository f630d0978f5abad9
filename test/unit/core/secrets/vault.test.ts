import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeVault } from '../../../fakes/vault/server.js';
import { SecretResolver } from '../../../../src/core/secrets/run-resolver.js';
import type { SecretProvider } from '../../../../src/core/project/schema.js';
import { UserError } from '../../../../src/errors.js';

// The vault provider against the Vault stand-in (Vault's published HTTP API, behaviour in test/fakes/vault/SPEC.md).
let vault: FakeVault;
let address = '';
let clock = Date.now();

type VaultDecl = Extract<SecretProvider, { type: 'vault' }>;

function resolver(decl: Partial<VaultDecl>, env: NodeJS.ProcessEnv = {}): SecretResolver {
  const v: VaultDecl = { type: 'vault', resolvedBy: 'kcops', address, kvVersion: 2, ...decl };
  return new SecretResolver({
    providers: { vault: v, 'kcops-env': { type: 'env', resolvedBy: 'kcops' } },
    env,
    now: () => clock,
  });
}

async function failure(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UserError);
  const u = e as UserError;
  expect(`${u.message} ${u.hint}`).not.toMatch(/CANARY/);
  return u;
}

beforeAll(async () => {
  vault = new FakeVault();
  vault.now = () => Math.floor(clock / 1000);
  vault.mount('secret', 2);
  vault.mount('kv1', 1);
  vault.mount('secret', 2, 'team-payments');
  vault.policies.set('kcops-read', ['secret/data/prod/*', 'kv1/prod/*']);
  vault.policies.set('payments', ['secret/data/*']);
  vault.write('secret', 'prod/postgres', { username: 'payments', password: 'pg-v1-CANARY' });
  vault.write('secret', 'prod/postgres', { username: 'payments', password: 'pg-v2-CANARY' });
  vault.write('secret', 'staging/postgres', { password: 'not-yours-CANARY' });
  vault.write('kv1', 'prod/s3', { 'access.key.id': 'AKIAKV1', 'secret.access.key': 'kv1-CANARY' });
  vault.write('secret', 'ns-only', { token: 'ns-CANARY' }, 'team-payments');
  address = await vault.start();
});
afterAll(() => vault.stop());
beforeEach(() => {
  vault.calls.length = 0;
});

describe('vault provider against the Vault stand-in', () => {
  it('KV v2 with a token: latest version, a pinned version, one read per secret for any number of references', async () => {
    const token = vault.token({ policies: ['kcops-read'], ttl: 3600, renewable: true });
    const r = resolver({ auth: { method: 'token', token: '${kcops-env:VAULT_TOKEN}' } }, { VAULT_TOKEN: token });
    const values = await Promise.all([
      r.resolve('${vault:secret/prod/postgres:password}'),
      r.resolve('${vault:secret/prod/postgres:username}'),
      r.resolve('${vault:secret/prod/postgres#1:password}'),
      ...Array.from({ length: 30 }, () => r.resolve('${vault:secret/prod/postgres:password}')),
    ]);
    expect(values.slice(0, 3)).toEqual(['pg-v2-CANARY', 'payments', 'pg-v1-CANARY']);
    expect(vault.count('GET secret/data/prod/postgres')).toBe(2); // latest + version 1
    expect(vault.count('GET auth/token/lookup-self')).toBe(1);
    r.close();
  });

  it('VAULT_TOKEN is the default token; KV v1 reads the path itself', async () => {
    const r = resolver({ kvVersion: 1 }, { VAULT_TOKEN: vault.token({ policies: ['kcops-read'] }) });
    expect(await r.resolve('${vault:kv1/prod/s3:access.key.id}')).toBe('AKIAKV1');
    expect(vault.calls.map((c) => `${c.method} ${c.path}`)).toContain('GET kv1/prod/s3');
    const v = await failure(r.resolve('${vault:kv1/prod/s3#2:access.key.id}'));
    expect(v.message).toContain('KV version 1 keeps no versions');
    r.close();
  });

  it('403 permission denied names the policy path and capability; a missing path and a deleted version are SECRET_NOT_FOUND', async () => {
    const r = resolver({}, { VAULT_TOKEN: vault.token({ policies: ['kcops-read'] }) });
    const denied = await failure(r.resolve('${vault:secret/staging/postgres:password}'));
    expect(denied.code).toBe('SECRET_ACCESS_DENIED');
    expect(denied.message).toContain('${vault:secret/staging/postgres:password}');
    expect(denied.message).toContain('permission denied');
    expect(denied.hint).toContain('capability "read" on path "secret/data/staging/postgres"');
    const missing = await failure(r.resolve('${vault:secret/prod/nothing:password}'));
    expect(missing.code).toBe('SECRET_NOT_FOUND');
    vault.write('secret', 'prod/gone', { password: 'gone-CANARY' });
    vault.deleteVersion('secret', 'prod/gone', 1);
    const gone = await failure(r.resolve('${vault:secret/prod/gone:password}'));
    expect(gone.code).toBe('SECRET_NOT_FOUND');
    expect(gone.message).toMatch(/deleted at/);
    const key = await failure(r.resolve('${vault:secret/prod/postgres:pasword}'));
    expect(key.message).toContain('its keys: username, password');
    r.close();
  });

  it('a token Vault does not accept is SECRET_ACCESS_DENIED, never a crash', async () => {
    const r = resolver({}, { VAULT_TOKEN: 'hvs.expired-or-revoked' });
    const e = await failure(r.resolve('${vault:secret/prod/postgres:password}'));
    expect(e.code).toBe('SECRET_ACCESS_DENIED');
    expect(e.message).toMatch(/does not accept the token/);
    r.close();
  });

  it('namespaces: X-Vault-Namespace on every call, the secret found only in its namespace', async () => {
    const token = vault.token({ policies: ['payments'], namespace: 'team-payments' });
    const r = resolver({ namespace: 'team-payments' }, { VAULT_TOKEN: token });
    expect(await r.resolve('${vault:secret/ns-only:token}')).toBe('ns-CANARY');
    expect(vault.calls.every((c) => c.namespace === 'team-payments')).toBe(true);
    r.close();
    const root = resolver({}, { VAULT_TOKEN: token });
    expect((await failure(root.resolve('${vault:secret/ns-only:token}'))).code).toBe('SECRET_ACCESS_DENIED');
    root.close();
  });

  it('AppRole login; a wrong secret_id is refused with what to check', async () => {
    vault.approles.set('role-kcops', { secretId: 'sid-CANARY', policies: ['kcops-read'], ttl: 600, renewable: true });
    const r = resolver(
      { auth: { method: 'approle', roleId: '${kcops-env:ROLE_ID}', secretId: '${kcops-env:SECRET_ID}' } },
      { ROLE_ID: 'role-kcops', SECRET_ID: 'sid-CANARY' },
    );
    expect(await r.resolve('${vault:secret/prod/postgres:username}')).toBe('payments');
    expect(vault.count('POST auth/approle/login')).toBe(1);
    r.close();
    const bad = resolver(
      { auth: { method: 'approle', roleId: '${kcops-env:ROLE_ID}', secretId: '${kcops-env:SECRET_ID}' } },
      { ROLE_ID: 'role-kcops', SECRET_ID: 'wrong' },
    );
    const e = await failure(bad.resolve('${vault:secret/prod/postgres:username}'));
    expect(e.code).toBe('SECRET_ACCESS_DENIED');
    expect(e.hint).toMatch(/secret_id/);
    bad.close();
  });

  it('JWT login for CI at a custom mount, and token renewal on a long run (renew-self before the TTL runs out)', async () => {
    vault.jwtRoles.set('ci-deploy', { jwt: 'eyJ.ci-job.CANARY', policies: ['kcops-read'], ttl: 300, renewable: true });
    const r = resolver(
      { auth: { method: 'jwt', role: 'ci-deploy', jwt: '${kcops-env:CI_JOB_JWT}', mountPath: 'gitlab' } },
      { CI_JOB_JWT: 'eyJ.ci-job.CANARY' },
    );
    expect(await r.resolve('${vault:secret/prod/postgres:password}')).toBe('pg-v2-CANARY');
    expect(vault.count('POST auth/gitlab/login')).toBe(1);
    clock += 250_000; // 250 s of a 300 s token: renewed before the next read
    expect(await r.resolve('${vault:secret/prod/postgres#1:password}')).toBe('pg-v1-CANARY');
    expect(vault.count('POST auth/token/renew-self')).toBe(1);
    clock += 250_000; // past the original expiry, but the renewal moved it
    expect(await r.resolve('${vault:secret/prod/postgres:username}')).toBe('payments');
    expect(vault.count('POST auth/gitlab/login')).toBe(1);
    const wrongRole = resolver(
      { auth: { method: 'jwt', role: 'nobody', jwt: '${kcops-env:CI_JOB_JWT}' } },
      { CI_JOB_JWT: 'eyJ.ci-job.CANARY' },
    );
    const e = await failure(wrongRole.resolve('${vault:secret/prod/postgres:password}'));
    expect(e.hint).toMatch(/bound claims/);
    r.close();
    wrongRole.close();
  });

  it('TLS with a private CA: refused without caFile, read with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcops-vault-tls-'));
    const ssl = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: 'pipe' });
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=kcops vault CA',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
    );
    writeFileSync(join(dir, 'ext'), 'subjectAltName=IP:127.0.0.1\n');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=vault', '-keyout', 'v.key', '-out', 'v.csr');
    ssl(
      'x509',
      '-req',
      '-in',
      'v.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      'v.pem',
      '-extfile',
      'ext',
    );
    const tlsVault = new FakeVault();
    tlsVault.mount('secret', 2);
    tlsVault.write('secret', 'prod/x', { k: 'over-tls' });
    const url = await tlsVault.start({
      key: readFileSync(join(dir, 'v.key'), 'utf8'),
      cert: readFileSync(join(dir, 'v.pem'), 'utf8'),
    });
    const env = { VAULT_TOKEN: tlsVault.token({ policies: ['root'] }) };
    const without = resolver({ address: url }, env);
    const e = await failure(without.resolve('${vault:secret/prod/x:k}'));
    expect(e.code).toBe('SECRET_STORE_UNREACHABLE');
    expect(e.hint).toMatch(/caFile/);
    without.close();
    const withCa = resolver({ address: url, caFile: join(dir, 'ca.pem') }, env);
    expect(await withCa.resolve('${vault:secret/prod/x:k}')).toBe('over-tls');
    withCa.close();
    await tlsVault.stop();
    rmSync(dir, { recursive: true, force: true });
  });
});
