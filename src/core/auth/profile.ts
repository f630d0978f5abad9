import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../errors.js';

/**
 * The user's own keys (REQ-DEPLOY-001: CLI operations use the user's own API keys), one per project and environment,
 * in a file outside any repository that only its owner can read (0600 in a 0700 folder, like ~/.ssh). Written by
 * `kcops login`, removed by `kcops logout`. A CI job does not log in: it gives its key in environment variables
 * (KCOPS_CONNECT_KEY_ID/SECRET, KCOPS_CLOUD_API_KEY/SECRET), which win over the profile.
 */
export interface ProfileEntry {
  /** A self-managed cluster's kcops access key, or a Confluent Cloud API key. */
  kind: 'connect-key' | 'cloud-api-key';
  keyId: string;
  secret: string;
  /** Who the cluster said the key is, when it was saved (shown by `whoami`; the audit asks the cluster again). */
  principal?: string;
  savedAt: string;
}

const entrySchema = z.object({
  kind: z.enum(['connect-key', 'cloud-api-key']),
  keyId: z.string().min(1),
  secret: z.string().min(1),
  principal: z.string().optional(),
  savedAt: z.string(),
});
const fileSchema = z.object({ version: z.literal(1), entries: z.record(z.string(), entrySchema) });
type ProfileFile = z.infer<typeof fileSchema>;

export function profilePath(env: NodeJS.ProcessEnv): string {
  if (env.KCOPS_PROFILE_FILE) return env.KCOPS_PROFILE_FILE;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'kcops', 'credentials.json');
}

/** The key of an entry: the project's name and the environment (two repositories may both have a `prod`). */
export const profileKey = (project: string, env: string): string => `${project}/${env}`;

function read(file: string): ProfileFile {
  if (!existsSync(file)) return { version: 1, entries: {} };
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077)
    throw new UserError('PROFILE_INSECURE', `${file} can be read by other users (mode ${mode.toString(8)}).`, {
      hint: `It holds your API keys: run \`chmod 600 ${file}\`, then rotate the keys if others could have read them.`,
    });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError('PROFILE_INVALID', `${file} is not valid JSON: ${(e as Error).message}`, {
      hint: 'Remove it (`kcops logout --all`) and log in again.',
    });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success)
    throw new UserError('PROFILE_INVALID', `${file} is not a kcops credentials file.`, {
      hint: 'Remove it (`kcops logout --all`) and log in again.',
    });
  // Entries keyed by user-chosen names: no prototype to collide with.
  return {
    version: 1,
    entries: Object.assign(Object.create(null) as Record<string, ProfileEntry>, parsed.data.entries),
  };
}

function write(file: string, data: ProfileFile): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function readProfileEntry(env: NodeJS.ProcessEnv, key: string): ProfileEntry | undefined {
  const e = read(profilePath(env)).entries;
  return Object.hasOwn(e, key) ? e[key] : undefined;
}

export function saveProfileEntry(env: NodeJS.ProcessEnv, key: string, entry: ProfileEntry): string {
  const file = profilePath(env);
  const data = read(file);
  data.entries[key] = entry;
  write(file, data);
  return file;
}

/** Removes one entry, or the whole file with key undefined (even a broken one); returns the keys removed. */
export function removeProfileEntries(env: NodeJS.ProcessEnv, key: string | undefined): string[] {
  const file = profilePath(env);
  if (!existsSync(file)) return [];
  if (key === undefined) {
    const keys = Object.keys(safeEntries(file));
    rmSync(file);
    return keys;
  }
  const data = read(file);
  if (!Object.hasOwn(data.entries, key)) return [];
  delete data.entries[key];
  write(file, data);
  return [key];
}

/** For `logout --all`: the keys of a file that may be broken (a broken file is removed all the same). */
function safeEntries(file: string): Record<string, unknown> {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { entries?: Record<string, unknown> }).entries ?? {};
  } catch {
    return {};
  }
}

/** The user's key for an environment: the CI's environment variables first, then the profile. */
export function userKey(
  processEnv: NodeJS.ProcessEnv,
  project: string,
  env: string,
  kind: ProfileEntry['kind'],
): { keyId: string; secret: string; source: string } | undefined {
  const [idVar, secretVar] =
    kind === 'connect-key'
      ? ['KCOPS_CONNECT_KEY_ID', 'KCOPS_CONNECT_KEY_SECRET']
      : ['KCOPS_CLOUD_API_KEY', 'KCOPS_CLOUD_API_SECRET'];
  const id = processEnv[idVar];
  const secret = processEnv[secretVar];
  if (id && secret) return { keyId: id, secret, source: `\${env:${secretVar}}` };
  const e = readProfileEntry(processEnv, profileKey(project, env));
  if (e && e.kind === kind)
    return { keyId: e.keyId, secret: e.secret, source: `kcops login (${profilePath(processEnv)})` };
  return undefined;
}
