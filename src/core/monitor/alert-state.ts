import { existsSync, renameSync } from 'node:fs';
import { boundaryOf, readInside, resolveInside, writeInside } from '../fs/boundary.js';
import { dirname } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { PROBLEM_KINDS, type Memory, type Problem } from './detect.js';

/**
 * What `alerts check` remembers between runs, so a failure is announced once and its recovery is announced too.
 * Only names, kinds and times: never a trace (it may quote a connector's config), never a destination's secret.
 */
const openAlert = z.object({
  key: z.string(),
  kind: z.enum(PROBLEM_KINDS),
  connector: z.string(),
  task: z.int().optional(),
  summary: z.string(),
  since: z.string(),
  /** Destination name → when a trigger last reached it. A destination missing here has not heard of the alert. */
  notified: z.record(z.string(), z.string()),
  /** Set once the problem is gone but a resolve has not reached every notified destination yet. */
  recoveredAt: z.string().optional(),
  severity: z.enum(['critical', 'error', 'warning', 'info']).optional(),
  rule: z.string().optional(),
  destinations: z.array(z.string()).optional(),
});
const record = <V extends z.ZodType>(v: V) =>
  z
    .record(z.string(), v)
    .default({})
    .transform((r) => Object.assign(Object.create(null) as Record<string, z.output<V>>, r));
const alertStateSchema = z.object({
  formatVersion: z.literal(1),
  env: z.string(),
  alerts: z.record(z.string(), openAlert),
  /** Connector → when it was first seen UNASSIGNED (written by earlier versions; read into memory.since). */
  unassignedSince: z.record(z.string(), z.string()).optional(),
  memory: z
    .object({
      since: record(z.string()),
      lag: record(
        z.object({
          total: z.number(),
          committed: z.number(),
          at: z.string(),
          growingSince: z.string().optional(),
          stillSince: z.string().optional(),
        }),
      ),
      dlqEnd: record(z.number()),
      errors: record(z.object({ errors: z.number(), records: z.number() })),
      sources: record(z.object({ written: z.number(), at: z.string(), stillSince: z.string().optional() })).optional(),
    })
    .optional(),
  /** Condition key → consecutive collections it was seen / has been missing (flap suppression). */
  streaks: record(z.object({ seen: z.int(), missed: z.int() })),
  /** Connector → automatic restarts since it was last healthy, and when the last one was made. */
  restarts: record(z.object({ count: z.int(), lastAt: z.string() })),
});
export type OpenAlert = z.infer<typeof openAlert>;
export type AlertState = z.infer<typeof alertStateSchema>;

export function emptyState(env: string): AlertState {
  return { formatVersion: 1, env, alerts: {}, streaks: {}, restarts: {} };
}

/** What rounds remember for durations and rates (state files of earlier versions only had unassignedSince). */
export function memoryOf(state: AlertState): Memory {
  const since = Object.create(null) as Record<string, string>;
  for (const [c, at] of Object.entries(state.unassignedSince ?? {})) since[`unassigned/${c}`] = at;
  Object.assign(since, state.memory?.since ?? {});
  return {
    since,
    lag: state.memory?.lag ?? (Object.create(null) as Memory['lag']),
    dlqEnd: state.memory?.dlqEnd ?? (Object.create(null) as Memory['dlqEnd']),
    errors: state.memory?.errors ?? (Object.create(null) as Memory['errors']),
    sources: state.memory?.sources ?? (Object.create(null) as NonNullable<Memory['sources']>),
  };
}

export function readAlertState(file: string, env: string, boundary = boundaryOf(dirname(file))): AlertState {
  if (!existsSync(file)) return emptyState(env);
  const parsed = alertStateSchema.safeParse(safeJson(readInside(boundary, file).toString('utf8')));
  if (!parsed.success) {
    throw new UserError('ALERT_STATE_INVALID', `The alert state file ${file} is not readable.`, {
      hint: 'Delete it: the next `kcops alerts check` announces every open problem again (and resolves nothing it no longer knows).',
    });
  }
  return parsed.data;
}

/** Written whole and renamed into place, so a run killed half-way leaves the previous state. */
export function writeAlertState(file: string, state: AlertState, boundary = boundaryOf(dirname(file))): void {
  const real = resolveInside(boundary, file);
  const tmp = `${real}.${process.pid}.tmp`;
  writeInside(boundary, tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, real);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** What an alert is about, whether it is open (a Problem) or remembered (an OpenAlert being resolved). */
export type AlertSubject = Pick<
  Problem,
  'key' | 'kind' | 'connector' | 'task' | 'summary' | 'trace' | 'workerId' | 'severity' | 'rule'
>;

export interface Notification {
  action: 'trigger' | 'resolve';
  /** new: first time; retry: an earlier send to this destination failed; renotify: renotifyAfter passed. */
  reason: 'new' | 'retry' | 'renotify' | 'recovered';
  destination: string;
  alert: AlertSubject;
}

/** Pure: who must hear about what, given the open problems and what earlier runs delivered. */
export function planNotifications(
  state: AlertState,
  problems: Problem[],
  destinations: string[],
  now: Date,
  renotifyAfterMs: number | undefined,
): Notification[] {
  const out: Notification[] = [];
  const current = new Set(problems.map((p) => p.key));
  for (const p of problems) {
    const prev = state.alerts[p.key];
    for (const d of routed(p, destinations)) {
      const last = prev?.notified[d];
      if (last === undefined) {
        out.push({ action: 'trigger', reason: prev && !prev.recoveredAt ? 'retry' : 'new', destination: d, alert: p });
      } else if (renotifyAfterMs !== undefined && now.getTime() - Date.parse(last) >= renotifyAfterMs) {
        out.push({ action: 'trigger', reason: 'renotify', destination: d, alert: p });
      }
    }
  }
  for (const a of Object.values(state.alerts)) {
    if (current.has(a.key)) continue;
    for (const d of Object.keys(a.notified).filter((n) => destinations.includes(n)))
      out.push({ action: 'resolve', reason: 'recovered', destination: d, alert: a });
  }
  return out;
}

/** The destinations a problem is routed to (all when its rule names none). */
export function routed(p: Pick<Problem, 'destinations'>, destinations: string[]): string[] {
  return p.destinations ? destinations.filter((d) => p.destinations?.includes(d)) : destinations;
}

/**
 * Pure: flap suppression. A condition becomes a problem once seen `openAfter` collections in a row; an open alert
 * stays a problem until missing `closeAfter` collections in a row (its remembered subject stands in for it).
 */
export function applyHysteresis(
  state: AlertState,
  conditions: Problem[],
  openAfter: number,
  closeAfter: number,
): { problems: Problem[]; streaks: AlertState['streaks'] } {
  const streaks = Object.create(null) as AlertState['streaks'];
  const problems: Problem[] = [];
  const isOpen = (key: string) => state.alerts[key] !== undefined && state.alerts[key].recoveredAt === undefined;
  for (const c of conditions) {
    const seen = (state.streaks[c.key]?.seen ?? 0) + 1;
    streaks[c.key] = { seen, missed: 0 };
    if (isOpen(c.key) || seen >= openAfter) problems.push(c);
  }
  const present = new Set(conditions.map((c) => c.key));
  for (const a of Object.values(state.alerts)) {
    if (present.has(a.key) || !isOpen(a.key)) continue;
    const missed = (state.streaks[a.key]?.missed ?? 0) + 1;
    if (missed >= closeAfter) continue;
    streaks[a.key] = { seen: 0, missed };
    problems.push({
      key: a.key,
      kind: a.kind,
      connector: a.connector,
      ...(a.task !== undefined ? { task: a.task } : {}),
      summary: a.summary,
      ...(a.severity ? { severity: a.severity } : {}),
      ...(a.rule ? { rule: a.rule } : {}),
      ...(a.destinations ? { destinations: a.destinations } : {}),
    });
  }
  return { problems: problems.sort((x, y) => x.key.localeCompare(y.key)), streaks };
}

/** Pure: the state after this run's deliveries (`delivered`: the notifications that reached their destination). */
export function nextState(
  state: AlertState,
  problems: Problem[],
  delivered: Notification[],
  destinations: string[],
  remembered: Pick<AlertState, 'memory' | 'streaks' | 'restarts'>,
  now: Date,
): AlertState {
  const at = now.toISOString();
  const alerts: Record<string, OpenAlert> = {};
  const known = (n: Record<string, string>) =>
    Object.fromEntries(Object.entries(n).filter(([d]) => destinations.includes(d)));
  const got = (key: string, action: Notification['action']) =>
    delivered.filter((n) => n.alert.key === key && n.action === action).map((n) => n.destination);
  for (const p of problems) {
    const prev = state.alerts[p.key];
    const notified = known(prev?.notified ?? {});
    for (const d of got(p.key, 'trigger')) notified[d] = at;
    alerts[p.key] = {
      key: p.key,
      kind: p.kind,
      connector: p.connector,
      ...(p.task !== undefined ? { task: p.task } : {}),
      summary: p.summary,
      since: prev?.since ?? at,
      notified,
      ...(p.severity ? { severity: p.severity } : {}),
      ...(p.rule ? { rule: p.rule } : {}),
      ...(p.destinations ? { destinations: p.destinations } : {}),
    };
  }
  for (const a of Object.values(state.alerts)) {
    if (alerts[a.key]) continue;
    const notified = known(a.notified);
    for (const d of got(a.key, 'resolve')) delete notified[d];
    if (Object.keys(notified).length > 0) alerts[a.key] = { ...a, notified, recoveredAt: a.recoveredAt ?? at };
  }
  return { formatVersion: 1, env: state.env, alerts, ...remembered };
}
