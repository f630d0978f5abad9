import type { TargetState } from '../../connect/cluster.js';

/** A connector as Git declares it for one environment (`connectors/<env>/<name>.json`). */
export interface DesiredConnector {
  name: string;
  /** String values, as Connect stores them (numbers and booleans already coerced by the loader). */
  config: Record<string, string>;
  state: TargetState;
  /** Repository-relative path of the file, for messages. */
  file: string;
}

export const PLAN_ACTIONS = ['create', 'update', 'delete', 'pause', 'resume', 'stop', 'none'] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

/** The pseudo-key a state change is listed under, beside the config keys (no Connect config key has parentheses). */
export const STATE_FIELD = '(state)';

export interface FieldChange {
  key: string;
  /** null: absent on that side. Sensitive values are never here, only the placeholders below. */
  before: string | null;
  after: string | null;
  sensitive: boolean;
}

export const SENSITIVE_PRESENT = '(sensitive)';
export const SENSITIVE_CHANGED = '(sensitive value changed)';

export interface ConnectorChange {
  connector: string;
  action: PlanAction;
  fields: FieldChange[];
}

/**
 * The plan file (formatVersion 1). `fingerprint` identifies the cluster state the plan was computed against, so a
 * stale plan is refused; `notInGit` lists in-scope connectors that Git does not declare (deleted only with --prune).
 */
export interface Plan {
  formatVersion: 1;
  env: string;
  fingerprint: string;
  changes: ConnectorChange[];
  unmanaged: string[];
  notInGit: string[];
}

export interface PlanOptions {
  env: string;
  /** Propose deletion of in-scope connectors missing from Git. */
  prune: boolean;
  /** Name prefixes the environment owns; undefined means only what Git declares is in scope. */
  ownedPrefixes?: readonly string[];
  /** Salt of the fingerprint and of sensitive-value hashes; a random one when absent (tests pass a fixed one). */
  salt?: string;
  /** Which config keys hold secrets. */
  isSensitive?: (key: string) => boolean;
}
