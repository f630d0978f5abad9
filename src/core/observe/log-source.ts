import type { LogEntry } from './log-entry.js';
import type { LogQuery } from './log-query.js';

/** Where an environment's worker logs can be read: files, CloudWatch Logs, Elasticsearch, a vendor's logs API. */
export interface LogSource {
  /** For messages: `files /var/log/connect/worker-1.log, …`. */
  readonly description: string;
  /** What the source can look back to, for the documentation and for a warning when --since asks for more. */
  readonly lookBack: string;
  /** Entries matching the query, oldest first, at most `limit` (the newest ones). The signal abandons the read. */
  read(q: LogQuery, limit: number, signal?: AbortSignal): Promise<LogEntry[]>;
  /** Calls onEntry for every new matching entry until the signal aborts. */
  follow(q: LogQuery, onEntry: (e: LogEntry) => void, signal: AbortSignal): Promise<void>;
}
