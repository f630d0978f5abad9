import type { ClusterSnapshot } from '../../connect/cluster.js';

/** A problem seen in one snapshot. `key` is stable across runs: it is what the state file and dedup keys use. */
export interface Problem {
  key: string;
  kind: 'connector-failed' | 'task-failed' | 'unassigned';
  connector: string;
  task?: number;
  /** One line, for subjects and PagerDuty summaries. */
  summary: string;
  /** The first lines of the stack trace, when the cluster gave one. */
  trace?: string;
  workerId?: string;
}

export interface DetectOptions {
  env: string;
  /** Only connectors whose name matches. */
  filter?: RegExp;
  /** Alert on a connector UNASSIGNED at least this long (ms); undefined: never. */
  unassignedAfterMs?: number;
  /** When each connector was first seen UNASSIGNED (from the state file), to know how long it has been. */
  unassignedSince: Record<string, string>;
  traceLines: number;
  now: Date;
}

export interface Detection {
  problems: Problem[];
  /** Updated first-seen times of UNASSIGNED connectors (only those still UNASSIGNED). */
  unassignedSince: Record<string, string>;
}

/** Pure: what is wrong in the snapshot. Cluster-wide (not only owned connectors): a failure is a failure. */
export function detectProblems(snapshot: ClusterSnapshot, o: DetectOptions): Detection {
  const problems: Problem[] = [];
  const unassignedSince = Object.create(null) as Record<string, string>; // user-chosen keys: no prototype
  for (const c of [...snapshot.connectors].sort((a, b) => a.name.localeCompare(b.name))) {
    if (o.filter && !o.filter.test(c.name)) continue;
    const s = c.status;
    if (s.state === 'FAILED') {
      problems.push({
        key: `connector/${c.name}`,
        kind: 'connector-failed',
        connector: c.name,
        summary: `[${o.env}] connector ${c.name} FAILED`,
        ...traceOf(s.trace, o.traceLines),
        ...(s.workerId ? { workerId: s.workerId } : {}),
      });
    }
    if (s.state === 'UNASSIGNED' && o.unassignedAfterMs !== undefined) {
      const since = o.unassignedSince[c.name] ?? o.now.toISOString();
      unassignedSince[c.name] = since;
      const minutes = Math.round((o.now.getTime() - Date.parse(since)) / 60_000);
      if (o.now.getTime() - Date.parse(since) >= o.unassignedAfterMs) {
        problems.push({
          key: `unassigned/${c.name}`,
          kind: 'unassigned',
          connector: c.name,
          summary: `[${o.env}] connector ${c.name} UNASSIGNED for ${minutes} min (no worker runs it)`,
        });
      }
    }
    for (const t of s.tasks) {
      if (t.state !== 'FAILED') continue;
      problems.push({
        key: `task/${c.name}/${t.id}`,
        kind: 'task-failed',
        connector: c.name,
        task: t.id,
        summary: `[${o.env}] connector ${c.name} task ${t.id} FAILED`,
        ...traceOf(t.trace, o.traceLines),
        ...(t.workerId ? { workerId: t.workerId } : {}),
      });
    }
  }
  return { problems, unassignedSince };
}

function traceOf(trace: string | undefined, lines: number): { trace?: string } {
  if (!trace) return {};
  const kept = trace
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, lines)
    .map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l));
  return { trace: kept.join('\n') };
}
