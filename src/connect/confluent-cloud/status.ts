import { toObservedState, type ConnectorStatus, type ConnectorType } from '../cluster.js';
import type { RawStatus } from './schemas.js';

/** A connector's status as Cloud reports it, in the ConnectCluster shape; no status yet reads as PROVISIONING. */
export function parseStatus(name: string, s: RawStatus | undefined, type: string | undefined): ConnectorStatus {
  const trace = s?.connector?.trace || s?.error_summary || undefined;
  return {
    name,
    state: s?.connector ? toObservedState(s.connector.state) : 'PROVISIONING',
    workerId: s?.connector?.worker_id,
    trace,
    type: toType(s?.type ?? type),
    tasks: (s?.tasks ?? [])
      .map((t) => ({
        id: t.id,
        state: toObservedState(t.state),
        workerId: t.worker_id,
        trace: t.trace || t.msg || undefined,
      }))
      .sort((a, b) => a.id - b.id),
  };
}

function toType(t: string | undefined): ConnectorType {
  const l = t?.toLowerCase();
  return l === 'source' || l === 'sink' ? l : 'unknown';
}

/** Config values as strings (Cloud may answer with numbers or objects). */
export function stringMap(o: Record<string, unknown> | undefined): Record<string, string> {
  // fromEntries defines properties, so a config key named `__proto__` stays a key (assignment would drop it).
  return Object.fromEntries(
    Object.entries(o ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}
