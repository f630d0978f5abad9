import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashSecret, newKeyId, verifySecret } from '../../../../src/core/access/hash.js';
import { emptyKeyFile, ownerOf, readKeyFile, writeKeyFile } from '../../../../src/core/access/key-file.js';
import { createKey, listKeys, parseRoles, revokeKey, rotateKey } from '../../../../src/core/access/keys.js';

function keyFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kcops-keys-')), 'keys.json');
  writeKeyFile(path, {
    ...emptyKeyFile(),
    teams: { payments: { prefixes: ['payments-'] }, analytics: { prefixes: ['analytics-'] } },
  });
  return path;
}

describe('API key hashes', () => {
  it('PBKDF2-SHA512 with a random salt: verifies the secret, nothing else', () => {
    const h = hashSecret('s3cret-value', 20_000);
    expect(h).toMatch(/^pbkdf2-sha512\$20000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(verifySecret(h, 's3cret-value')).toBe(true);
    expect(verifySecret(h, 's3cret-valuf')).toBe(false);
    expect(hashSecret('s3cret-value', 20_000)).not.toBe(h);
    expect(verifySecret('plain$text', 's3cret-value')).toBe(false);
  });
  it('key ids: 16 characters without look-alikes', () => {
    const ids = new Set(Array.from({ length: 50 }, newKeyId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[A-HJ-NP-Z2-9]{16}$/);
  });
});

describe('key file operations', () => {
  it('create stores only a hash, 0600, and checks teams and roles', () => {
    const path = keyFile();
    const r = createKey(path, { principal: 'alice', roles: ['payments=operator'], createdBy: 'test' });
    expect(r.key).toMatchObject({ principal: 'alice', roles: { payments: 'operator' }, status: 'active' });
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(r.secret);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const stored = readKeyFile(path).keys[0]!;
    expect(verifySecret(stored.hash, r.secret)).toBe(true);
    expect(() => createKey(path, { principal: 'x', roles: ['billing=operator'] })).toThrow(/No team "billing"/);
    expect(() => createKey(path, { principal: 'x', roles: ['payments=owner'] })).toThrow(/not a role binding/);
    expect(() => createKey(path, { principal: 'x', roles: [] })).toThrow(/at least one role/);
    expect(parseRoles(['*=admin'], [])).toEqual({ '*': 'admin' });
    expect(() => parseRoles(['*=viewer'], [])).toThrow(/only takes the admin role/);
  });

  it('revoke and rotate', () => {
    const path = keyFile();
    const a = createKey(path, { principal: 'alice', roles: ['payments=viewer'] });
    const rot = rotateKey(path, a.key.id, { by: 'admin' });
    expect(rot.old.status).toBe('revoked');
    expect(rot.key).toMatchObject({ principal: 'alice', roles: { payments: 'viewer' }, rotatedFrom: a.key.id });
    expect(listKeys(path).map((k) => k.id)).toEqual([rot.key.id]);
    expect(listKeys(path, { all: true })).toHaveLength(2);
    const kept = rotateKey(path, rot.key.id, { keepOld: true });
    expect(kept.old.status).toBe('active');
    expect(revokeKey(path, kept.old.id).status).toBe('revoked');
    expect(() => revokeKey(path, 'NOPE')).toThrow(/No API key NOPE/);
    expect(() => rotateKey(path, a.key.id)).toThrow(/revoked/);
    for (const k of listKeys(path, { all: true })) expect(JSON.stringify(k)).not.toContain('pbkdf2');
  });

  it('ownership: the longest matching prefix wins', () => {
    const f = { teams: { payments: { prefixes: ['payments-'] }, ledger: { prefixes: ['payments-ledger-'] } } };
    expect(ownerOf(f, 'payments-orders')).toBe('payments');
    expect(ownerOf(f, 'payments-ledger-x')).toBe('ledger');
    expect(ownerOf(f, 'Payments-orders')).toBeUndefined();
  });
});
