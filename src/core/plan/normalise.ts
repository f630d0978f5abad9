import type { ActualConnector, ClusterTraits, TargetState } from '../../connect/cluster.js';

/**
 * Both sides are normalised before the diff (ARCHITECTURE habit 3), so that what the server adds or hides never shows
 * as a change: keys the backend manages, values it masks, and defaults Connect applies when a key is absent.
 */

/**
 * Connector-level defaults of the Connect framework (ConnectorConfig / SinkConnectorConfig): writing the default
 * explicitly or leaving the key out means the same, so neither counts as a change.
 */
export const FRAMEWORK_DEFAULTS: Readonly<Record<string, string>> = {
  'tasks.max': '1',
  'errors.tolerance': 'none',
  'errors.retry.timeout': '0',
  'errors.retry.delay.max.ms': '60000',
  'errors.log.enable': 'false',
  'errors.log.include.messages': 'false',
  'errors.deadletterqueue.context.headers.enable': 'false',
  'errors.deadletterqueue.topic.name': '',
  'tasks.max.enforce': 'true',
  'config.action.reload': 'restart',
};

/** Marks a value the server hides: equal to whatever Git says, since nothing better is known. */
export const MASKED = Symbol('masked');
export type NormalValue = string | typeof MASKED;

export function normaliseDesired(config: Record<string, string>, traits: ClusterTraits): Map<string, NormalValue> {
  const out = new Map<string, NormalValue>();
  for (const [k, v] of Object.entries(config)) {
    if (traits.serverManagedKeys.includes(k)) continue;
    if (FRAMEWORK_DEFAULTS[k] === v) continue;
    out.set(k, v);
  }
  return out;
}

export function normaliseActual(config: Record<string, string>, traits: ClusterTraits): Map<string, NormalValue> {
  const out = new Map<string, NormalValue>();
  for (const [k, v] of Object.entries(config)) {
    if (traits.serverManagedKeys.includes(k)) continue;
    if (FRAMEWORK_DEFAULTS[k] === v) continue;
    out.set(k, traits.isMasked(v) ? MASKED : v);
  }
  return out;
}

/**
 * The state the connector was asked to be in. A FAILED, UNASSIGNED, RESTARTING, PROVISIONING or DEGRADED connector is
 * still meant to run: that is health, not configuration, and `plan` does not propose to "fix" it.
 */
export function targetStateOf(c: ActualConnector): TargetState {
  const s = c.status.state;
  return s === 'PAUSED' || s === 'STOPPED' ? s : 'RUNNING';
}
