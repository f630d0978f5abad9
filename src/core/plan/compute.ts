import type { ClusterSnapshot, ClusterTraits, TargetState } from '../../connect/cluster.js';
import { isSensitiveKey, redactValue } from '../secrets/sensitive.js';
import { fingerprint, newSalt, saltedHash } from './fingerprint.js';
import { MASKED, normaliseActual, normaliseDesired, targetStateOf, type NormalValue } from './normalise.js';
import {
  SENSITIVE_CHANGED,
  SENSITIVE_PRESENT,
  STATE_FIELD,
  type ConnectorChange,
  type DesiredConnector,
  type FieldChange,
  type Plan,
  type PlanAction,
  type PlanOptions,
} from './types.js';

/**
 * Desired (Git) against actual (cluster) → Plan. Pure: no I/O, no clock; the only randomness is the salt, which
 * tests fix. Connectors are listed in name order so plans diff cleanly in review.
 */
export function computePlan(
  desired: readonly DesiredConnector[],
  actual: ClusterSnapshot,
  traits: ClusterTraits,
  options: PlanOptions,
): Plan {
  const salt = options.salt ?? newSalt();
  const isSensitive = options.isSensitive ?? isSensitiveKey;
  const actualByName = new Map(actual.connectors.map((c) => [c.name, c]));
  const desiredNames = new Set(desired.map((d) => d.name));
  const changes: ConnectorChange[] = [];

  for (const d of desired) {
    const a = actualByName.get(d.name);
    if (!a) {
      const fields = diffConfig(new Map(), normaliseDesired(d.config, traits), isSensitive, salt);
      if (d.state !== 'RUNNING') fields.push(stateField('RUNNING', d.state, true));
      changes.push({ connector: d.name, action: 'create', fields });
      continue;
    }
    const fields = diffConfig(normaliseActual(a.config, traits), normaliseDesired(d.config, traits), isSensitive, salt);
    const before = targetStateOf(a);
    const stateChanged = before !== d.state;
    if (stateChanged) fields.push(stateField(before, d.state, false));
    const action: PlanAction = fields.some((f) => f.key !== STATE_FIELD)
      ? 'update'
      : stateChanged
        ? stateAction(d.state)
        : 'none';
    changes.push({ connector: d.name, action, fields });
  }

  const owned = (name: string) => options.ownedPrefixes?.some((p) => name.startsWith(p)) ?? false;
  const unmanaged: string[] = [];
  const notInGit: string[] = [];
  for (const a of actual.connectors) {
    if (desiredNames.has(a.name)) continue;
    if (!owned(a.name)) {
      unmanaged.push(a.name);
      continue;
    }
    notInGit.push(a.name);
    if (options.prune) {
      const fields = diffConfig(normaliseActual(a.config, traits), new Map(), isSensitive, salt);
      changes.push({ connector: a.name, action: 'delete', fields });
    }
  }

  changes.sort((x, y) => x.connector.localeCompare(y.connector));
  return {
    formatVersion: 1,
    env: options.env,
    fingerprint: fingerprint(actual, salt),
    changes,
    unmanaged: unmanaged.sort(),
    notInGit: notInGit.sort(),
  };
}

export function hasChanges(plan: Plan): boolean {
  return plan.changes.some((c) => c.action !== 'none');
}

function stateAction(to: TargetState): PlanAction {
  return to === 'RUNNING' ? 'resume' : to === 'PAUSED' ? 'pause' : 'stop';
}

function stateField(before: TargetState, after: TargetState, creating: boolean): FieldChange {
  return { key: STATE_FIELD, before: creating ? null : before, after, sensitive: false };
}

function diffConfig(
  before: Map<string, NormalValue>,
  after: Map<string, NormalValue>,
  isSensitive: (k: string) => boolean,
  salt: string,
): FieldChange[] {
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const out: FieldChange[] = [];
  for (const key of keys) {
    const b = before.get(key);
    const a = after.get(key);
    // A masked value on the server cannot be compared: assume it is what Git says rather than report drift forever.
    if (b === MASKED && a !== undefined) continue;
    const sensitive = isSensitive(key);
    if (sensitive) {
      if (b !== undefined && a !== undefined && saltedHash(salt, String(b)) === saltedHash(salt, String(a))) continue;
      out.push({
        key,
        before: b === undefined ? null : SENSITIVE_PRESENT,
        after: a === undefined ? null : b === undefined ? SENSITIVE_PRESENT : SENSITIVE_CHANGED,
        sensitive: true,
      });
      continue;
    }
    if (b === a) continue;
    // A credential inside an ordinary value (user:pass@ in a URL, a PEM block, a JAAS password): the rest of the
    // value stays reviewable, the credential is masked, and a change of only the credential still shows as a change.
    const rb = typeof b === 'string' ? redactValue(key, b) : null;
    const ra = typeof a === 'string' ? redactValue(key, a) : null;
    const hidden = (typeof b === 'string' && rb !== b) || (typeof a === 'string' && ra !== a);
    out.push({ key, before: rb, after: hidden && rb === ra ? SENSITIVE_CHANGED : ra, sensitive: hidden });
  }
  return out;
}
