import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { newKeyId, newSecret } from '../core/access/hash.js';

export const TEAM_ACCOUNTS = ['sa-payments', 'sa-analytics'] as const;

const identity = z.object({ username: z.string().min(1), password: z.string().min(16) });
export type Identity = z.infer<typeof identity>;

/** The credentials file `dev up` writes (0600). Its shape is a documented contract (issue #2). */
export const credentialsSchema = z.object({
  formatVersion: z.literal(1),
  /**
   * `username`/`password` is the admin API key (kept so scripts written before issue #15 keep working); `keys` holds
   * one API key per identity the dev stack creates: `admin` (the same key), `payments` and `analytics` (operators of
   * the connectors named `payments-*` / `analytics-*`). A key is sent as HTTP Basic `key id:secret`.
   */
  connect: identity.extend({ keys: z.record(z.string(), identity).optional() }),
  kafka: z.object({
    admin: identity,
    worker: identity,
    serviceAccounts: z.record(z.string(), identity),
  }),
  postgres: z.object({ admin: identity, cdc: identity }).optional(),
  s3: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }).optional(),
});
export type Credentials = z.infer<typeof credentialsSchema>;

function secret(): string {
  return randomBytes(24).toString('base64url');
}

/** An API-key-style pair: a readable principal name and a random 32-character secret. */
function newIdentity(username: string): Identity {
  return { username, password: secret() };
}

export function generateCredentials(): Credentials {
  return {
    formatVersion: 1,
    connect: withDevKeys(newIdentity('kcops-admin')),
    kafka: {
      admin: newIdentity('kcops-admin'),
      worker: newIdentity('connect-worker'),
      serviceAccounts: Object.fromEntries(TEAM_ACCOUNTS.map((a) => [a, newIdentity(a)])),
    },
    postgres: { admin: newIdentity('postgres'), cdc: newIdentity('kcops_cdc') },
    // S3Mock accepts any key pair; a generated one keeps the config honest (nothing literal in connector files).
    s3: { accessKeyId: 'KCOPSDEV' + randomBytes(6).toString('hex').toUpperCase(), secretAccessKey: secret() },
  };
}

/** The dev stack's teams: each owns the connectors whose names start with its prefix (as examples/ declares). */
export const DEV_TEAMS: Record<string, { prefixes: string[] }> = {
  payments: { prefixes: ['payments-'] },
  analytics: { prefixes: ['analytics-'] },
};

/** Adds `keys` (admin = the basic-auth identity, one operator key per dev team) to a connect identity. */
export function withDevKeys(admin: Identity & { keys?: Record<string, Identity> }): Credentials['connect'] {
  const keys = { ...(admin.keys ?? {}) };
  keys.admin = { username: admin.username, password: admin.password };
  for (const team of Object.keys(DEV_TEAMS)) keys[team] ??= { username: newKeyId(), password: newSecret() };
  return { ...admin, keys };
}

/** Keeps existing credentials (dev up is idempotent); creates them on first run. */
export function loadOrCreateCredentials(path: string): { credentials: Credentials; created: boolean } {
  if (existsSync(path)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new UserError('DEV_CREDENTIALS_CORRUPT', `The credentials file ${path} is not valid JSON.`, {
        hint: 'Run `kcops dev down --purge` to start over with new credentials.',
        cause: e,
      });
    }
    const result = credentialsSchema.safeParse(parsed);
    if (!result.success) {
      throw new UserError('DEV_CREDENTIALS_CORRUPT', `The credentials file ${path} does not have the expected shape.`, {
        hint: 'Run `kcops dev down --purge` to start over with new credentials.',
      });
    }
    // A home made before API keys existed gets them now, keeping every secret it already has.
    if (!result.data.connect.keys || Object.keys(DEV_TEAMS).some((t) => !result.data.connect.keys?.[t])) {
      const credentials = { ...result.data, connect: withDevKeys(result.data.connect) };
      writeSecretFile(path, JSON.stringify(credentials, null, 2) + '\n');
      return { credentials, created: false };
    }
    return { credentials: result.data, created: false };
  }
  const credentials = generateCredentials();
  writeSecretFile(path, JSON.stringify(credentials, null, 2) + '\n');
  return { credentials, created: true };
}

/** Writes a file only its owner can read, whatever the umask. */
export function writeSecretFile(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}
