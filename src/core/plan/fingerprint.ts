import { createHmac, randomBytes } from 'node:crypto';
import type { ClusterSnapshot } from '../../connect/cluster.js';
import { targetStateOf } from './normalise.js';

/**
 * Identifies the cluster state a plan saw: configs and target states of every connector (task health is left out,
 * it moves by itself). Keyed with a per-plan salt so the digest reveals nothing about the secret values it covers;
 * the salt travels inside the fingerprint (`v1:<salt>:<digest>`) so `apply` can recompute it.
 */
export function newSalt(): string {
  return randomBytes(16).toString('hex');
}

export function fingerprint(snapshot: ClusterSnapshot, salt: string): string {
  const canonical = snapshot.connectors
    .map((c) => [c.name, targetStateOf(c), Object.entries(c.config).sort(([a], [b]) => a.localeCompare(b))] as const)
    .sort((a, b) => a[0].localeCompare(b[0]));
  return `v1:${salt}:${createHmac('sha256', salt).update(JSON.stringify(canonical)).digest('hex')}`;
}

export function saltOf(fp: string): string | undefined {
  const m = /^v1:([0-9a-f]+):[0-9a-f]{64}$/.exec(fp);
  return m?.[1];
}

/** Salted hash of one value: compares secrets without keeping them. */
export function saltedHash(salt: string, value: string): string {
  return createHmac('sha256', salt).update(value).digest('hex');
}
