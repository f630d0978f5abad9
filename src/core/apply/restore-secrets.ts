import type { ClusterTraits } from '../../connect/cluster.js';
import { MASKED, normaliseActual, normaliseDesired } from '../plan/normalise.js';

/**
 * The configs the previous revision(s) of Git declared for a connector, references unresolved (newest candidate
 * first): where a rollback finds the secrets Confluent Cloud will not give back.
 */
export type PreviousConfigs = (name: string) => readonly Record<string, string>[];

export type Restorable =
  { ok: true; config: Record<string, string>; fromGit: string[]; masked: string[] } | { ok: false; reason: string };

/**
 * What a rollback writes back for a connector whose stored config (the plan's snapshot) has masked secrets.
 * Git is the source of truth: the first previous revision whose config matches the snapshot on every visible key
 * gives the secret references for the masked ones (resolved at send time like any apply). Only when no revision
 * matches, and the backend keeps the stored secret on receiving the mask (`traits.keepsSecretOnMask`, an update
 * only), is the mask sent back. Otherwise there is nothing safe to write, and the reason says so.
 */
export function restorableConfig(
  snapshot: Record<string, string>,
  traits: ClusterTraits,
  previous: readonly Record<string, string>[],
  update: boolean,
): Restorable {
  const { name: _name, ...config } = snapshot;
  const masked = Object.keys(config).filter((k) => traits.isMasked(config[k]!));
  if (masked.length === 0) return { ok: true, config, fromGit: [], masked: [] };
  const seen = normaliseActual(config, traits);
  for (const candidate of previous) {
    const git = normaliseDesired(candidate, traits);
    const same =
      // A masked key Git lacks is one the service minted (SERVICE_ACCOUNT mode's Kafka key): not written back.
      [...seen].every(([k, v]) => (v === MASKED ? true : git.get(k) === v)) &&
      [...git.keys()].every((k) => seen.has(k));
    if (!same) continue;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) {
      if (!traits.isMasked(v)) out[k] = v;
      else if (candidate[k] !== undefined) out[k] = candidate[k];
    }
    return { ok: true, config: out, fromGit: masked.filter((k) => candidate[k] !== undefined), masked: [] };
  }
  if (update && traits.keepsSecretOnMask) return { ok: true, config, fromGit: [], masked };
  return {
    ok: false,
    reason: `its stored secrets (${masked.join(', ')}) are masked by the service, and no previous revision in Git declares the configuration it had; restore it with \`kcops rollback --to <commit>\``,
  };
}
