import type { ActualConnector, ClusterSnapshot } from '../../connect/cluster.js';
import { durationMs, type AlertRule, type Severity } from './alert-config.js';

export const PROBLEM_KINDS = [
  'connector-failed',
  'task-failed',
  'unassigned',
  'state',
  'lag',
  'lag-growing',
  'stalled',
  'dlq',
  'errors',
  'workers',
  'drift',
  'restarts-exhausted',
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/** A problem seen in one snapshot. `key` is stable across runs: it is what the state file and dedup keys use. */
export interface Problem {
  key: string;
  kind: ProblemKind;
  /** The connector it is about; `*` for the cluster as a whole (too few workers). */
  connector: string;
  task?: number;
  /** One line, for subjects and PagerDuty summaries. */
  summary: string;
  /** The first lines of the stack trace, when the cluster gave one. */
  trace?: string;
  workerId?: string;
  severity?: Severity;
  /** The rule that raised it (its name, or its kind). */
  rule?: string;
  /** Routing: the destinations (names or types) that hear about it; undefined: every destination. */
  destinations?: string[];
}

/** What rounds remember to judge durations and rates: kept in the state file, never with a secret. */
export interface Memory {
  /** Condition key → when it was first seen (for `for:` and `unassignedAfter`). */
  since: Record<string, string>;
  /** Sink connector → its group's lag at the last collection, and since when it grows / stands still. */
  lag: Record<string, { total: number; committed: number; at: string; growingSince?: string; stillSince?: string }>;
  /** Dead-letter topic → the sum of its end offsets at the last collection. */
  dlqEnd: Record<string, number>;
  /** Connector → its record error and record counters at the last collection (JMX exporter). */
  errors: Record<string, { errors: number; records: number }>;
  /** Source connector → records written at the last collection, and since when that stands still with records in flight. */
  sources?: Record<string, { written: number; at: string; stillSince?: string }>;
}

/** What a round read besides the connector list, only for the rules that need it. */
export interface Signals {
  /** Sink connector → its consumer group's lag (records) and the sum of its committed offsets. */
  lag?: Record<string, { total: number; committed: number }>;
  /** Dead-letter topic → sum of its partitions' end offsets. */
  dlqEnd?: Record<string, number>;
  /** Connector names declared in Git for the environment. */
  desired?: string[];
  /**
   * Connector → record errors and records processed (polled or read): counters since its tasks started, from the
   * workers (rated between two collections), or with `window` the totals of a recent interval (Confluent Cloud's
   * Metrics API: failed records are those sent to the dead-letter queue), rated as they are.
   */
  errorCounts?: Record<string, { errors: number; records: number; window?: string }>;
  /**
   * Source connector → its tasks' records written to Kafka (a counter) and records in flight: polled from the source,
   * not yet acknowledged by Kafka (`source-record-active-count`), from the workers.
   */
  sourceProgress?: Record<string, { written: number; active: number }>;
}

export interface DetectOptions {
  env: string;
  rules: AlertRule[];
  /** Only connectors whose name matches (alerts.connectors). */
  filter?: RegExp;
  /** Team → connector name prefixes (kcops.yaml teams:). */
  teams: Record<string, string[]>;
  signals: Signals;
  memory: Memory;
  traceLines: number;
  now: Date;
}

export interface Detection {
  problems: Problem[];
  memory: Memory;
}

const DEFAULT_SEVERITY: Record<AlertRule['kind'], Severity> = {
  failed: 'critical',
  unassigned: 'error',
  state: 'warning',
  lag: 'warning',
  stalled: 'error',
  dlq: 'warning',
  errors: 'error',
  workers: 'critical',
  drift: 'warning',
};
const RANK: Record<Severity, number> = { critical: 0, error: 1, warning: 2, info: 3 };

/** The rules of an environment: its `rules:`, else the historical ones (failed; unassigned after unassignedAfter). */
export function effectiveRules(rules: AlertRule[] | undefined, unassignedAfter: string | undefined): AlertRule[] {
  if (rules) return rules;
  return [{ kind: 'failed' }, ...(unassignedAfter ? [{ kind: 'unassigned' as const, for: unassignedAfter }] : [])];
}

/** Does the rule (or auto-restart policy) cover this connector? */
export function inScope(
  s: { connectors?: string | undefined; team?: string | undefined },
  name: string,
  teams: Record<string, string[]>,
): boolean {
  if (s.connectors !== undefined && !new RegExp(s.connectors).test(name)) return false;
  if (s.team !== undefined && !(teams[s.team] ?? []).some((p) => name.startsWith(p))) return false;
  return true;
}

export function dlqTopicOf(c: Pick<ActualConnector, 'config'>): string | undefined {
  const t = c.config['errors.deadletterqueue.topic.name'];
  return t && t.trim() !== '' ? t.trim() : undefined;
}

/**
 * Pure: what is wrong in the snapshot (and the signals read with it) under the rules. Cluster-wide (not only owned
 * connectors): a failure is a failure. Two rules raising the same key merge: the worse severity, both routes.
 */
export function detectProblems(snapshot: ClusterSnapshot, o: DetectOptions): Detection {
  const found = new Map<string, Problem>();
  const seenNow = Object.create(null) as Record<string, string>; // user-chosen keys: no prototype
  const at = o.now.toISOString();
  const minutes = (since: string) => Math.round((o.now.getTime() - Date.parse(since)) / 60_000);
  /** A condition seen now; it alerts once it has lasted `forMs`. Returns how long it has lasted (its start). */
  const lasting = (key: string, forMs: number | undefined): string | undefined => {
    const since = o.memory.since[key] ?? at;
    seenNow[key] = since;
    return o.now.getTime() - Date.parse(since) >= (forMs ?? 0) ? since : undefined;
  };
  const raise = (rule: AlertRule, p: Omit<Problem, 'severity' | 'rule' | 'destinations'>) => {
    const sev = rule.severity ?? DEFAULT_SEVERITY[rule.kind];
    const prev = found.get(p.key);
    if (!prev) {
      found.set(p.key, {
        ...p,
        severity: sev,
        rule: rule.name ?? rule.kind,
        ...(rule.destinations ? { destinations: [...rule.destinations] } : {}),
      });
      return;
    }
    if (RANK[sev] < RANK[prev.severity ?? 'info']) prev.severity = sev;
    // Routed to every destination by one rule: every destination. Otherwise the union of the routes.
    prev.destinations =
      prev.destinations && rule.destinations ? [...new Set([...prev.destinations, ...rule.destinations])] : undefined;
    if (!prev.destinations) delete prev.destinations;
  };

  const connectors = [...snapshot.connectors]
    .filter((c) => !o.filter || o.filter.test(c.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const memory: Memory = {
    since: seenNow,
    lag: Object.create(null),
    dlqEnd: Object.create(null),
    errors: Object.create(null),
    sources: Object.create(null),
  };

  for (const rule of o.rules) {
    const mine = connectors.filter((c) => inScope(rule, c.name, o.teams));
    const forMs = 'for' in rule && rule.for ? durationMs(rule.for) : undefined;
    switch (rule.kind) {
      case 'failed':
        for (const c of mine) {
          const s = c.status;
          if (s.state === 'FAILED' && lasting(`connector/${c.name}`, forMs))
            raise(rule, {
              key: `connector/${c.name}`,
              kind: 'connector-failed',
              connector: c.name,
              summary: `[${o.env}] connector ${c.name} FAILED`,
              ...traceOf(s.trace, o.traceLines),
              ...(s.workerId ? { workerId: s.workerId } : {}),
            });
          for (const t of s.tasks) {
            if (t.state !== 'FAILED' || !lasting(`task/${c.name}/${t.id}`, forMs)) continue;
            raise(rule, {
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
        break;
      case 'unassigned':
        for (const c of mine) {
          const key = `unassigned/${c.name}`;
          const since = c.status.state === 'UNASSIGNED' ? lasting(key, forMs) : undefined;
          if (since)
            raise(rule, {
              key,
              kind: 'unassigned',
              connector: c.name,
              summary: `[${o.env}] connector ${c.name} UNASSIGNED for ${minutes(since)} min (no worker runs it)`,
            });
        }
        break;
      case 'state':
        for (const c of mine) {
          const state = c.status.state;
          if (!(rule.states as string[]).includes(state)) continue;
          const key = `state/${c.name}/${state}`;
          const since = lasting(key, forMs);
          if (since)
            raise(rule, {
              key,
              kind: 'state',
              connector: c.name,
              summary: `[${o.env}] connector ${c.name} ${state} for ${minutes(since)} min`,
            });
        }
        break;
      case 'lag':
      case 'stalled':
        for (const c of mine) {
          const progress = o.signals.sourceProgress?.[c.name];
          if (rule.kind === 'stalled' && progress && c.status.type === 'source') {
            const prev = memory.sources?.[c.name] ?? o.memory.sources?.[c.name];
            const m = nextSource(prev, progress, at, c.status.state === 'RUNNING');
            memory.sources![c.name] = m;
            if (m.stillSince && o.now.getTime() - Date.parse(m.stillSince) >= durationMs(rule.for))
              raise(rule, {
                key: `stalled/${c.name}`,
                kind: 'stalled',
                connector: c.name,
                summary: `[${o.env}] source ${c.name} has written nothing to Kafka for ${minutes(m.stillSince)} min while ${progress.active} polled record(s) wait`,
              });
            continue;
          }
          const now = o.signals.lag?.[c.name];
          if (!now) continue;
          const prev = memory.lag[c.name] ?? o.memory.lag[c.name];
          const m = nextLag(prev, now, at);
          memory.lag[c.name] = m;
          if (rule.kind === 'stalled') {
            if (m.stillSince && o.now.getTime() - Date.parse(m.stillSince) >= durationMs(rule.for))
              raise(rule, {
                key: `stalled/${c.name}`,
                kind: 'stalled',
                connector: c.name,
                summary: `[${o.env}] sink ${c.name} has committed nothing for ${minutes(m.stillSince)} min while ${now.total} record(s) wait`,
              });
            continue;
          }
          if (rule.above !== undefined && now.total > rule.above)
            raise(rule, {
              key: `lag/${c.name}`,
              kind: 'lag',
              connector: c.name,
              summary: `[${o.env}] sink ${c.name} lags ${now.total} record(s) (above ${rule.above})`,
            });
          if (
            rule.growingFor !== undefined &&
            m.growingSince &&
            o.now.getTime() - Date.parse(m.growingSince) >= durationMs(rule.growingFor)
          )
            raise(rule, {
              key: `lag-growing/${c.name}`,
              kind: 'lag-growing',
              connector: c.name,
              summary: `[${o.env}] sink ${c.name} lag has grown for ${minutes(m.growingSince)} min (now ${now.total} record(s))`,
            });
        }
        break;
      case 'dlq':
        for (const c of mine) {
          const topic = dlqTopicOf(c);
          const end = topic === undefined ? undefined : o.signals.dlqEnd?.[topic];
          if (topic === undefined || end === undefined) continue;
          const before = o.memory.dlqEnd[topic];
          // The first sight of a topic only sets the mark: records that arrived before kcops watched are old news.
          if (before !== undefined && end - before > (rule.above ?? 0))
            raise(rule, {
              key: `dlq/${c.name}`,
              kind: 'dlq',
              connector: c.name,
              summary: `[${o.env}] ${end - before} record(s) arrived on dead-letter topic ${topic} of ${c.name}`,
            });
        }
        break;
      case 'errors':
        for (const c of mine) {
          const now = o.signals.errorCounts?.[c.name];
          const before = o.memory.errors[c.name];
          if (!now || (!before && !now.window)) continue;
          // A window's totals are a rate already; counters are rated between two collections.
          const records = now.window || !before ? now.records : now.records - before.records;
          const errors = now.window || !before ? now.errors : now.errors - before.errors;
          // Counters start again at 0 when a task restarts: no rate across a restart.
          if (records < (rule.minRecords ?? 10) || errors < 0) continue;
          const pct = (100 * errors) / records;
          if (pct > rule.above)
            raise(rule, {
              key: `errors/${c.name}`,
              kind: 'errors',
              connector: c.name,
              summary: `[${o.env}] connector ${c.name}: ${pct < 1 && pct > 0 ? pct.toPrecision(2) : pct.toFixed(1)}% of ${records} record(s) failed${now.window ? ` in ${now.window}` : ''} (above ${rule.above}%)`,
            });
        }
        break;
      case 'workers': {
        const workers = new Set<string>();
        for (const c of mine) {
          if (c.status.workerId) workers.add(c.status.workerId);
          for (const t of c.status.tasks) if (t.workerId) workers.add(t.workerId);
        }
        // Cloud names no worker: nothing to count.
        if (mine.length > 0 && workers.size > 0 && workers.size < rule.min)
          raise(rule, {
            key: 'workers',
            kind: 'workers',
            connector: '*',
            summary: `[${o.env}] ${workers.size} worker(s) run connectors or tasks, ${rule.min} expected`,
          });
        break;
      }
      case 'drift': {
        const present = new Set(snapshot.connectors.map((c) => c.name));
        for (const name of o.signals.desired ?? []) {
          if (present.has(name) || (o.filter && !o.filter.test(name)) || !inScope(rule, name, o.teams)) continue;
          if (lasting(`drift/${name}`, forMs))
            raise(rule, {
              key: `drift/${name}`,
              kind: 'drift',
              connector: name,
              summary: `[${o.env}] connector ${name} is declared in Git but missing from the cluster`,
            });
        }
        break;
      }
    }
  }
  for (const [topic, end] of Object.entries(o.signals.dlqEnd ?? {})) memory.dlqEnd[topic] = end;
  for (const [c, v] of Object.entries(o.signals.errorCounts ?? {}))
    if (!v.window) memory.errors[c] = { errors: v.errors, records: v.records };
  for (const [k, v] of Object.entries(o.memory.sources ?? {})) memory.sources![k] ??= v;
  // Lag memory of sinks not read this round (a rule removed, a failed read) is kept, not forgotten.
  for (const [k, v] of Object.entries(o.memory.lag)) memory.lag[k] ??= v;
  const problems = [...found.values()].sort((a, b) => a.key.localeCompare(b.key));
  return { problems, memory };
}

function nextLag(
  prev: Memory['lag'][string] | undefined,
  now: { total: number; committed: number },
  at: string,
): Memory['lag'][string] {
  if (prev?.at === at) return prev; // a second lag rule in the same round: already computed
  const growingSince = prev && now.total > prev.total ? (prev.growingSince ?? prev.at) : undefined;
  const stillSince =
    prev && now.total > 0 && now.committed === prev.committed ? (prev.stillSince ?? prev.at) : undefined;
  return {
    total: now.total,
    committed: now.committed,
    at,
    ...(growingSince ? { growingSince } : {}),
    ...(stillSince ? { stillSince } : {}),
  };
}

/**
 * A source stands still when it is RUNNING, has records in flight (polled, not yet acknowledged by Kafka) and its
 * written counter has not moved since the last collection. A counter that fell (tasks restarted) starts afresh.
 */
function nextSource(
  prev: NonNullable<Memory['sources']>[string] | undefined,
  now: { written: number; active: number },
  at: string,
  running: boolean,
): NonNullable<Memory['sources']>[string] {
  if (prev?.at === at) return prev;
  const still = prev !== undefined && running && now.active > 0 && now.written === prev.written;
  const stillSince = still ? (prev.stillSince ?? prev.at) : undefined;
  return { written: now.written, at, ...(stillSince ? { stillSince } : {}) };
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
