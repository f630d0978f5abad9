import { createHash } from 'node:crypto';
import { isSensitiveEntry } from '../secrets/sensitive.js';

/**
 * One audit record (§6.2): who did what to which connector, where, from which Git commit, and how it ended. Config
 * hashes let an auditor match a record to a file revision without the log holding any config value.
 */
export interface AuditEntry {
  time: string;
  /** The principal the cluster authenticated when it can say (kcops access extension); else the label below's source. */
  actor: string;
  /** The CI identity, KCOPS_ACTOR or Git author when the actor is the cluster's principal (a label, not the identity). */
  actorLabel?: string;
  /** Id of the credential used against the cluster (basic-auth user, API key id); never the secret. */
  credentialKeyId: string | null;
  env: string;
  cluster: string;
  connector: string;
  /** apply:create, apply:update, apply:delete, apply:pause, rollback:delete, ... (later: restart, offsets:reset). */
  action: string;
  configHashBefore: string | null;
  configHashAfter: string | null;
  gitCommit: string | null;
  result: string;
  /** Groups the records of one command run (one deployment). */
  deploymentId: string;
  detail?: string;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  prevHash: string;
  hash: string;
  /** HMAC of `hash` with the repository's audit key (audit.hmacKey); absent in logs written without one. */
  mac?: string;
}

export const GENESIS = '0'.repeat(64);

/**
 * Hash of a connector config for the audit trail. Sensitive values are left out (only their presence counts) so the
 * log cannot be used to test guesses of a secret.
 */
export function configHash(config: Record<string, string> | undefined): string | null {
  if (!config) return null;
  const entries = Object.entries(config)
    .filter(([k]) => k !== 'name')
    .map(([k, v]) => [k, isSensitiveEntry(k, v) ? '(sensitive)' : v])
    .sort(([a], [b]) => String(a).localeCompare(String(b)));
  return 'sha256:' + createHash('sha256').update(JSON.stringify(entries)).digest('hex');
}

/** Canonical JSON (sorted keys) of everything but `hash`, chained to the previous record's hash. */
export function recordHash(r: Omit<AuditRecord, 'hash'>): string {
  const keys = Object.keys(r).sort() as (keyof typeof r)[];
  const canonical = JSON.stringify(keys.map((k) => [k, r[k] ?? null]));
  return createHash('sha256').update(r.prevHash).update(canonical).digest('hex');
}
