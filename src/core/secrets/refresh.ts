import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeInside, type Boundary } from '../fs/boundary.js';
import { UserError } from '../../errors.js';
import { SENSITIVE_CHANGED, SENSITIVE_PRESENT, type DesiredConnector, type Plan } from '../plan/types.js';
import { findSecretRefs, SECRET_REF } from './reference.js';

/**
 * `plan --refresh-secrets`: a secret kcops resolves (Confluent Cloud, where the server masks what it stores) may change
 * in its store under the same reference; Git and the masked config then look identical. kcops keeps, per environment,
 * a keyed hash (HMAC-SHA256) of each such value as last applied, and compares the store's current values with them.
 *
 * - Values are never written: only HMACs, keyed with a secret that is not in Git: derived from audit.hmacKey when
 *   kcops.yaml has one (every machine and CI job then shares it), otherwise a random local key
 *   (.kcops/secret-state/key, 0600, listed in the folder's .gitignore). Without the key a hash cannot be tested
 *   against guesses, so the state file may be committed.
 * - A hash made with another key (keyId differs) is no baseline: the connector is reported, not updated.
 */
export const SECRET_STATE_DIR = '.kcops/secret-state';

const stateSchema = z.object({
  formatVersion: z.literal(1),
  keyId: z.string(),
  connectors: z.record(z.string(), z.record(z.string(), z.string())),
});
export type SecretState = z.infer<typeof stateSchema>;

/** Connector → config key → HMAC of the key's value with every kcops-resolved reference substituted. */
export type SecretDigests = Record<string, Record<string, string>>;

export interface SecretKey {
  key: Buffer;
  id: string;
}

export function secretKeyFrom(material: Buffer): SecretKey {
  const key = createHmac('sha256', material).update('kcops secret-state v1').digest();
  return { key, id: createHmac('sha256', key).update('key id').digest('hex').slice(0, 16) };
}

/** The local key, created on first use (0600) with a .gitignore so it never reaches Git. */
export function localSecretKey(root: string, boundary: Boundary): SecretKey {
  const dir = join(root, SECRET_STATE_DIR);
  const file = join(dir, 'key');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeInside(boundary, join(dir, '.gitignore'), 'key\n');
    writeInside(boundary, file, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
  }
  return secretKeyFrom(Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'));
}

export function statePath(root: string, env: string): string {
  return join(root, SECRET_STATE_DIR, `${env}.json`);
}

export function readSecretState(root: string, env: string): SecretState | undefined {
  const file = statePath(root, env);
  if (!existsSync(file)) return undefined;
  const parsed = stateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new UserError('SECRET_STATE_INVALID', `${file} is not a kcops secret-state file.`, {
      hint: 'Delete it; the next apply writes a new baseline (no secret value is lost: it holds only hashes).',
    });
  return parsed.data;
}

/**
 * Hashes of the values kcops would send: only config keys whose value holds a reference `isKcops` accepts (worker-
 * and Cloud-resolved references are the cluster's business and are never read by kcops).
 */
export async function digestSecrets(
  desired: readonly DesiredConnector[],
  isKcops: (ref: string) => boolean,
  resolve: (ref: string) => string | Promise<string>,
  key: SecretKey,
): Promise<SecretDigests> {
  const out: SecretDigests = {};
  for (const d of desired) {
    const mine: Record<string, string> = {};
    for (const [k, v] of Object.entries(d.config)) {
      const refs = findSecretRefs(v).filter((r) => isKcops(r.text));
      if (refs.length === 0) continue;
      const values = new Map<string, string>();
      for (const r of refs) if (!values.has(r.text)) values.set(r.text, await resolve(r.text));
      const value = v.replace(SECRET_REF, (ref) => values.get(ref) ?? ref);
      // Connector and key are part of the message, so equal secrets of two connectors have unrelated hashes.
      mine[k] = createHmac('sha256', key.key).update(`${d.name}\0${k}\0${value}`).digest('hex');
    }
    if (Object.keys(mine).length > 0) out[d.name] = mine;
  }
  return out;
}

export interface RefreshReport {
  /** Connector and key whose secret changed in its store since the last apply. */
  changed: { connector: string; key: string }[];
  /** Connectors holding kcops-resolved secrets with no usable baseline (never applied by kcops, or another key). */
  noBaseline: string[];
}

/**
 * The plan with an update proposed for every connector whose secrets changed in the store. Pure. A key already in
 * the plan's fields (Git changed it too) is left as the diff made it.
 */
export function refreshPlan(
  plan: Plan,
  now: SecretDigests,
  state: SecretState | undefined,
  key: SecretKey,
): { plan: Plan; report: RefreshReport } {
  const report: RefreshReport = { changed: [], noBaseline: [] };
  const baseline = state && state.keyId === key.id ? state.connectors : undefined;
  const changes = plan.changes.map((c) => {
    const current = now[c.connector];
    if (!current || c.action === 'create' || c.action === 'delete') return c;
    const before = baseline?.[c.connector];
    if (!before) {
      report.noBaseline.push(c.connector);
      return c;
    }
    const stale = Object.keys(current)
      .filter((k) => before[k] !== undefined && before[k] !== current[k])
      .filter((k) => !c.fields.some((f) => f.key === k))
      .sort();
    if (stale.length === 0) return c;
    for (const k of stale) report.changed.push({ connector: c.connector, key: k });
    const fields = [
      ...c.fields,
      ...stale.map((k) => ({ key: k, before: SENSITIVE_PRESENT, after: SENSITIVE_CHANGED, sensitive: true })),
    ].sort((a, b) => a.key.localeCompare(b.key));
    // A pause/resume/stop with a config change is an update (which also sets the state), as computePlan makes it.
    return { ...c, action: 'update' as const, fields };
  });
  return { plan: { ...plan, changes }, report };
}

/** Records what was applied: connectors not in `applied` keep their previous hashes. */
export function saveSecretState(
  root: string,
  boundary: Boundary,
  env: string,
  key: SecretKey,
  now: SecretDigests,
  applied: ReadonlySet<string>,
): void {
  const prev = readSecretState(root, env);
  const connectors: SecretState['connectors'] = prev && prev.keyId === key.id ? { ...prev.connectors } : {};
  for (const name of applied) {
    if (now[name]) connectors[name] = now[name];
    else delete connectors[name];
  }
  const file = statePath(root, env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const state: SecretState = { formatVersion: 1, keyId: key.id, connectors };
  writeInside(boundary, file, JSON.stringify(state, null, 2) + '\n');
}
