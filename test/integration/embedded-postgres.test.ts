/**
 * `dev up` starts its own PostgreSQL unless --postgres-url is given. CI runs the main suite against the machine's
 * PostgreSQL, so this proves the default path on its own: real binaries from npm, wal_level=logical, a CDC role.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCredentials } from '../../src/dev/credentials.js';
import { initEmbedded, pgQuery, provision, startEmbedded, walLevel, withCredentials } from '../../src/dev/postgres.js';
import { stopProcess } from '../../src/dev/process.js';
import { waitFor } from '../../src/dev/wait.js';

const PORT = 35433;

describe('embedded PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-it-pg-'));
  // As root, PostgreSQL runs as the postgres user, which must be able to enter the directory.
  chmodSync(dir, 0o755);
  const dataDir = join(dir, 'data');
  let pid = 0;

  afterAll(async () => {
    if (pid) await stopProcess(pid, dataDir, 15_000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with wal_level=logical and provisions the CDC role and database', async () => {
    const creds = generateCredentials();
    await initEmbedded(dataDir, creds.postgres!.admin, join(dir, 'pg.log'));
    pid = await startEmbedded(dataDir, PORT, join(dir, 'pg.log'));
    const admin = withCredentials(`postgres://127.0.0.1:${PORT}/postgres`, creds.postgres!.admin);
    await waitFor(async () => ((await pgQuery(admin, 'SELECT 1')).length ? true : undefined), {
      what: 'embedded PostgreSQL',
      timeoutMs: 60_000,
    });
    expect(await walLevel(admin)).toBe('logical');
    await provision(admin, creds);
    await provision(admin, creds); // idempotent
    const cdc = withCredentials(`postgres://127.0.0.1:${PORT}/kcops`, creds.postgres!.cdc);
    const [role] = await pgQuery<{ rolreplication: boolean }>(
      cdc,
      'SELECT rolreplication FROM pg_roles WHERE rolname = current_user',
    );
    expect(role?.rolreplication).toBe(true);
    // scram-sha-256: a wrong password is refused.
    await expect(
      pgQuery(
        withCredentials(`postgres://127.0.0.1:${PORT}/kcops`, {
          username: 'kcops_cdc',
          password: 'wrong-password-123',
        }),
        'SELECT 1',
      ),
    ).rejects.toThrow();
  });
});
