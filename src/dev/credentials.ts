import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../errors.js';

export const TEAM_ACCOUNTS = ['sa-payments', 'sa-analytics'] as const;

const identity = z.object({ username: z.string().min(1), password: z.string().min(16) });
export type Identity = z.infer<typeof identity>;

/** The credentials file `dev up` writes (0600). Its shape is a documented contract (issue #2). */
export const credentialsSchema = z.object({
  formatVersion: z.literal(1),
  connect: identity,
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
    connect: newIdentity('kcops-admin'),
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
