import type { CloudConnect } from '../../connect/confluent-cloud/backend.js';
import type { CloudLogRecord, CloudLogSearch } from '../../connect/confluent-cloud/logs.js';
import { UserError } from '../../errors.js';
import { categorize, LEVELS, type Level, type LogEntry } from './log-entry.js';
import type { LogSource } from './log-source.js';
import { matches, type LogQuery } from './log-query.js';
import { followLoop } from './follow-loop.js';

const LOOK_BACK_MS = 72 * 3_600_000;
const DEFAULT_SINCE_MS = 24 * 3_600_000;
/** 5 searches a minute per connector: one poll every 15 s leaves room for paging. */
const FOLLOW_POLL_MS = 15_000;
/** How far each follow poll reaches back before the previous one (late ingestion). */
const FOLLOW_OVERLAP_MS = 1000;
/** The levels the logs API serves (the Confluent CLI asks for these only; managed connectors log nothing finer). */
const API_LEVELS = ['INFO', 'WARN', 'ERROR'];

/** The logs search API this source reads through (newest first, paged by the client). */
export interface CloudLogSearchApi {
  search(s: CloudLogSearch, max: number): Promise<CloudLogRecord[]>;
}

/** Connector logs of a Confluent Cloud environment through its logs search API, behind the same `connect logs`. */
export class ConfluentCloudLogSource implements LogSource {
  readonly description: string;
  readonly lookBack = '72 h (Confluent Cloud keeps connector logs that long)';
  private readonly crns = new Map<string, { crn: string; id: string }>();

  constructor(
    private readonly cluster: CloudConnect,
    private readonly logs: CloudLogSearchApi,
    private readonly o: { now?: () => number; sleep?: (ms: number, signal: AbortSignal) => Promise<void> } = {},
  ) {
    this.description = `the Confluent Cloud logs API (${cluster.id})`;
  }

  async read(q: LogQuery, limit: number): Promise<LogEntry[]> {
    const now = (this.o.now ?? Date.now)();
    const since = Math.max(q.since ?? now - DEFAULT_SINCE_MS, now - LOOK_BACK_MS);
    return (await this.search(q, since, q.until ?? now, limit)).slice(-limit);
  }

  async follow(q: LogQuery, onEntry: (e: LogEntry) => void, signal: AbortSignal): Promise<void> {
    // Each poll re-reads the last second before the previous one; only entries inside that overlap can repeat.
    await followLoop({
      signal,
      poll: (since, until) => this.search(q, since, until, 1000),
      key: (e) => `${e.timestamp}|${e.source}|${e.message}`,
      time: (e) => e.time,
      onItem: onEntry,
      overlapMs: FOLLOW_OVERLAP_MS,
      pollMs: FOLLOW_POLL_MS,
      advance: 'clock',
      sleepFirst: true,
      ...(this.o.now ? { now: this.o.now } : {}),
      ...(this.o.sleep ? { sleep: this.o.sleep } : {}),
    });
  }

  /** Oldest first. */
  private async search(q: LogQuery, since: number, until: number, max: number): Promise<LogEntry[]> {
    const { crn, id } = await this.crnOf(q.connector);
    // --level DEBUG or TRACE asks for everything from INFO up: Cloud has nothing below INFO to give.
    const min = Math.max(q.level ? LEVELS.indexOf(q.level) : 0, LEVELS.indexOf('INFO'));
    const levels = API_LEVELS.filter((l) => LEVELS.indexOf(l as Level) >= min);
    const records = await this.logs.search(
      {
        crn,
        connectorId: id,
        levels,
        ...(q.grep ? { searchText: q.grep.source } : {}),
        startTime: apiTime(since),
        endTime: apiTime(until),
      },
      max,
    );
    return records
      .map((r) => toEntry(q.connector, r))
      .filter((e) => matches(e, { ...q, since, until }))
      .sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
  }

  /** The CRN and the lcc- id the search is made with, as the Confluent CLI makes it (both, once per connector). */
  private async crnOf(name: string): Promise<{ crn: string; id: string }> {
    let known = this.crns.get(name);
    if (!known) {
      const [crn, id] = await Promise.all([this.cluster.connectorCrn(name), this.cluster.connectorId(name)]);
      if (!crn || !id) {
        throw new UserError(
          'CCLOUD_LOGS_NO_CONNECTOR',
          `Connector ${name} does not exist in ${this.cluster.id} (or Cloud gave no CRN for it).`,
          {
            hint: 'Check the name with `kcops connect list`.',
          },
        );
      }
      known = { crn, id };
      this.crns.set(name, known);
    }
    return known;
  }
}

function toEntry(connector: string, r: CloudLogRecord): LogEntry {
  const task = /^task-(\d+)$/.exec(r.task_id ?? '')?.[1];
  const level = (LEVELS as readonly string[]).includes(r.level) ? (r.level as Level) : 'INFO';
  const more = r.exception?.stacktrace ? r.exception.stacktrace.split('\n') : [];
  const time = Date.parse(r.timestamp);
  return {
    time: Number.isNaN(time) ? undefined : time,
    timestamp: r.timestamp,
    level,
    context: task === undefined ? { connector, scope: 'worker' } : { connector, scope: 'task', task: Number(task) },
    message: r.message,
    more,
    categories: categorize({ level, message: r.message, more }),
    source: r.task_id ?? 'connector',
    line: `[${r.timestamp}] ${level} ${r.message}`,
  };
}

/** The API takes whole seconds: YYYY-MM-DDTHH:MM:SSZ. */
function apiTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
