import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifySecret } from '../../../src/core/access/hash.js';
import { readKeyFile } from '../../../src/core/access/key-file.js';
import { ensureDevKeyFile } from '../../../src/dev/access.js';
import { generateCredentials, withDevKeys } from '../../../src/dev/credentials.js';

describe('dev stack API keys (issue #15)', () => {
  it('connect.keys: admin is the basic-auth identity, one key per team', () => {
    const c = generateCredentials();
    expect(c.connect.keys?.admin).toEqual({ username: c.connect.username, password: c.connect.password });
    expect(Object.keys(c.connect.keys ?? {}).sort()).toEqual(['admin', 'analytics', 'payments']);
    // An older credentials file gains keys, keeping its admin secret.
    const old = withDevKeys({ username: 'kcops-admin', password: 'p'.repeat(32) });
    expect(old.keys?.admin?.password).toBe('p'.repeat(32));
  });

  it('the key file: teams by prefix, hashed secrets, roles; keys added later are kept', async () => {
    const c = generateCredentials();
    const path = join(mkdtempSync(join(tmpdir(), 'kcops-devkeys-')), 'keys.json');
    ensureDevKeyFile(path, c);
    const f = readKeyFile(path);
    expect(f.teams).toEqual({ payments: { prefixes: ['payments-'] }, analytics: { prefixes: ['analytics-'] } });
    const byId = new Map(f.keys.map((k) => [k.id, k]));
    const admin = byId.get(c.connect.username)!;
    expect(admin.roles).toEqual({ '*': 'admin' });
    expect(verifySecret(admin.hash, c.connect.password)).toBe(true);
    expect(byId.get(c.connect.keys!.payments!.username)!.roles).toEqual({ payments: 'operator' });
    f.keys.push({ ...admin, id: 'EXTRA', principal: 'someone' });
    const { writeKeyFile } = await import('../../../src/core/access/key-file.js');
    writeKeyFile(path, f);
    ensureDevKeyFile(path, c);
    expect(readKeyFile(path).keys.map((k) => k.id)).toContain('EXTRA');
    expect(readKeyFile(path).keys).toHaveLength(4);
  });
});
