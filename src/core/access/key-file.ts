import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { hashSecret, newKeyId, newSecret } from './hash.js';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const keySchema = z.object({
  id: z.string().min(1),
  principal: z.string().min(1),
  hash: z.string().min(1),
  /** team -> role; the team `*` with `admin` is a global admin. */
  roles: z.record(z.string(), z.enum(ROLES)),
  createdAt: z.string(),
  createdBy: z.string().optional(),
  description: z.string().optional(),
  revokedAt: z.string().nullable().optional(),
  revokedBy: z.string().optional(),
  /** The key this one replaced (`access keys rotate`). */
  rotatedFrom: z.string().optional(),
});
export type ApiKey = z.infer<typeof keySchema>;

/**
 * The key file the Connect extension reads (extensions/connect-access, KeyStore.parse): teams with the connector
 * name prefixes they own, and keys holding only PBKDF2 hashes. Written atomically (temp file + rename) so a worker
 * never reads half a file, 0600.
 */
export const keyFileSchema = z.object({
  formatVersion: z.literal(1),
  teams: z.record(z.string(), z.object({ prefixes: z.array(z.string().min(1)) })),
  keys: z.array(keySchema),
});
export type KeyFile = z.infer<typeof keyFileSchema>;

export function emptyKeyFile(): KeyFile {
  return { formatVersion: 1, teams: {}, keys: [] };
}

export function readKeyFile(path: string): KeyFile {
  if (!existsSync(path)) {
    throw new UserError('ACCESS_KEY_FILE_INVALID', `The API key file ${path} does not exist.`, {
      hint: 'Point --key-file at the file the Connect workers read (kcops.access.keys.file); `kcops dev up` writes one.',
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError('ACCESS_KEY_FILE_INVALID', `The API key file ${path} is not valid JSON.`, {
      hint: 'Restore it from your backup; the workers keep using the last valid version meanwhile.',
      cause: e,
    });
  }
  const r = keyFileSchema.safeParse(parsed);
  if (!r.success) {
    throw new UserError('ACCESS_KEY_FILE_INVALID', `The API key file ${path} does not have the expected shape.`, {
      hint: 'Restore it from your backup; the workers keep using the last valid version meanwhile.',
      details: r.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  return r.data;
}

export function writeKeyFile(path: string, file: KeyFile): void {
  const tmp = join(dirname(path), `.${process.pid}.${Date.now()}.keys.tmp`);
  writeFileSync(tmp, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export interface NewKey {
  key: ApiKey;
  /** Shown once; only its hash is stored. */
  secret: string;
}

export function makeKey(input: {
  principal: string;
  roles: Record<string, Role>;
  createdBy?: string;
  description?: string;
  id?: string;
  secret?: string;
  now?: Date;
}): NewKey {
  const secret = input.secret ?? newSecret();
  return {
    secret,
    key: {
      id: input.id ?? newKeyId(),
      principal: input.principal,
      hash: hashSecret(secret),
      roles: input.roles,
      createdAt: (input.now ?? new Date()).toISOString(),
      ...(input.createdBy ? { createdBy: input.createdBy } : {}),
      ...(input.description ? { description: input.description } : {}),
      revokedAt: null,
    },
  };
}

/** The team owning a connector: the longest matching prefix wins, as in the extension. */
export function ownerOf(file: Pick<KeyFile, 'teams'>, connector: string): string | undefined {
  let best: string | undefined;
  let len = -1;
  for (const [team, t] of Object.entries(file.teams)) {
    for (const p of t.prefixes) {
      if (connector.startsWith(p) && p.length > len) {
        best = team;
        len = p.length;
      }
    }
  }
  return best;
}
