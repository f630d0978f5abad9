/**
 * Kafka Connect worker log lines, as written by the pattern `[%d] %p %X{connector.context}%m (%c:%L)%n`.
 * Connect's LoggingContext puts `[name|worker] `, `[name|task-N] `, `[name|task-N|offsets] ` or `[name|validate] `
 * in the MDC; lines that do not start with `[timestamp] LEVEL` (stack traces, multi-line messages) belong to the
 * entry above them and are kept with it.
 *
 * Workers may instead log one JSON document per event (log4j2's JsonTemplateLayout with kcops's event template,
 * runtime/log4j2/kcops-connect-log.json): such a line is a whole entry, its stack trace inside it.
 */

export const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type Level = (typeof LEVELS)[number];

/** The kinds of line REQ-MON-001 names. */
export const CATEGORIES = ['lifecycle', 'error', 'rebalance', 'throughput'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface LogContext {
  connector: string;
  /** worker | task | offsets | validate (offsets is a task's offset commit). */
  scope: string;
  task?: number;
}

export interface LogEntry {
  /** Milliseconds since the epoch; undefined when the timestamp could not be read. */
  time: number | undefined;
  /** The timestamp as the worker wrote it. */
  timestamp: string;
  level: Level;
  context?: LogContext;
  /** Message of the first line (without the context and the trailing `(logger:line)`). */
  message: string;
  logger?: string;
  /** Continuation lines: the rest of a multi-line message and stack traces. */
  more: string[];
  categories: Category[];
  /** Which worker or source the entry came from (file name, log stream, host). */
  source: string;
  /** The first line exactly as written. */
  line: string;
}

const HEADER = /^\[(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[,.]\d{1,3})?)\] (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) (.*)$/;
const CONTEXT = /^\[([^|\]]+)\|([^\]]+)\] /;
const LOGGER = / \(([\w.$-]+):(?:\d+|\?)\)$/;

/** `[name|task-0|offsets]` → {connector: name, scope: offsets, task: 0}. */
export function parseContext(text: string): { context?: LogContext; rest: string } {
  const m = CONTEXT.exec(text);
  if (!m) return { rest: text };
  const parts = (m[2] ?? '').split('|');
  const taskPart = parts.find((p) => /^task-\d+$/.test(p));
  const context: LogContext = {
    connector: m[1] ?? '',
    scope: parts.length > 1 ? (parts[parts.length - 1] ?? '') : taskPart ? 'task' : (parts[0] ?? ''),
  };
  if (taskPart) context.task = Number(taskPart.slice(5));
  return { context, rest: text.slice(m[0].length) };
}

/** log4j's default %d is the worker's local time; `utcOffsetMinutes` says which zone that was (default: this machine's). */
export function parseTimestamp(ts: string, utcOffsetMinutes?: number): number | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:[,.](\d{1,3}))?$/.exec(ts);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Number((m[7] ?? '0').padEnd(3, '0'));
  if (utcOffsetMinutes === undefined) return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - utcOffsetMinutes * 60_000;
}

/** True when the line starts a new entry. */
export function isHeader(line: string): boolean {
  return HEADER.test(line);
}

export interface ParseOptions {
  source?: string;
  utcOffsetMinutes?: number;
}

/** Header line → entry with no continuation lines yet; undefined for a continuation line. */
export function parseHeader(line: string, o: ParseOptions = {}): LogEntry | undefined {
  if (line.startsWith('{')) {
    const json = parseJsonEvent(line, o);
    if (json) return json;
  }
  const m = HEADER.exec(line);
  if (!m) return undefined;
  const timestamp = m[1] ?? '';
  const { context, rest } = parseContext(m[3] ?? '');
  const lg = LOGGER.exec(rest);
  const entry: LogEntry = {
    time: parseTimestamp(timestamp, o.utcOffsetMinutes),
    timestamp,
    level: m[2] as Level,
    message: lg ? rest.slice(0, lg.index) : rest,
    more: [],
    categories: [],
    source: o.source ?? '',
    line,
  };
  if (context) entry.context = context;
  if (lg) entry.logger = lg[1];
  return entry;
}

/** The fields of kcops's JSON event template that entries are read from (ECS names, dotted keys). */
interface JsonEvent {
  '@timestamp'?: unknown;
  'log.level'?: unknown;
  'log.logger'?: unknown;
  message?: unknown;
  'kafka.connect.context'?: unknown;
  'error.stack_trace'?: unknown;
}

/**
 * One line of the JSON layout → an entry, or undefined when the line is not such a document (then it is read as
 * text). The MDC context comes as written (`[name|task-0] `) and is parsed by the same rules as in text lines; the
 * stack trace becomes the continuation lines; `line` is the event rendered the way the text pattern writes it, so
 * human output looks the same whichever layout the workers use.
 */
export function parseJsonEvent(line: string, o: ParseOptions = {}): LogEntry | undefined {
  let ev: JsonEvent;
  try {
    const v: unknown = JSON.parse(line);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    ev = v as JsonEvent;
  } catch {
    return undefined;
  }
  const level = typeof ev['log.level'] === 'string' ? ev['log.level'].toUpperCase() : '';
  if (!(LEVELS as readonly string[]).includes(level) || typeof ev['@timestamp'] !== 'string') return undefined;
  const timestamp = ev['@timestamp'];
  const t = Date.parse(timestamp);
  const rawContext = typeof ev['kafka.connect.context'] === 'string' ? ev['kafka.connect.context'] : '';
  const context = rawContext ? parseContext(rawContext.trimEnd() + ' ').context : undefined;
  const message =
    typeof ev.message === 'string' ? ev.message : ev.message === undefined ? '' : JSON.stringify(ev.message);
  const logger = typeof ev['log.logger'] === 'string' ? ev['log.logger'] : undefined;
  const [first = '', ...rest] = message.split(/\r?\n/);
  const stack = typeof ev['error.stack_trace'] === 'string' ? ev['error.stack_trace'].split(/\r?\n/) : [];
  const entry: LogEntry = {
    time: Number.isNaN(t) ? undefined : t,
    timestamp,
    level: level as Level,
    message: first,
    more: [...rest, ...stack].filter((l, i, all) => l.length > 0 || i < all.length - 1),
    categories: [],
    source: o.source ?? '',
    line: `[${timestamp}] ${level} ${rawContext}${first}${logger ? ` (${logger})` : ''}`,
  };
  if (context) entry.context = context;
  if (logger) entry.logger = logger;
  return entry;
}

/**
 * Groups lines into entries. Continuation lines before the first header (a file read from the middle) are dropped:
 * they belong to an entry whose header was not read.
 */
export class EntryAssembler {
  private current: LogEntry | undefined;
  constructor(
    private readonly emit: (e: LogEntry) => void,
    private readonly o: ParseOptions = {},
  ) {}

  push(line: string): void {
    const header = parseHeader(line, this.o);
    if (header) {
      this.flush();
      this.current = header;
      return;
    }
    if (!this.current || line.length === 0) return;
    this.current.more.push(line);
    // The `(logger:line)` of a multi-line message ends its last line.
    if (!this.current.logger) {
      const lg = LOGGER.exec(line);
      if (lg) this.current.logger = lg[1];
    }
  }

  /** Emits the entry being assembled (call at the end of input, or when following after a quiet period). */
  flush(): void {
    if (!this.current) return;
    const e = this.current;
    this.current = undefined;
    e.categories = categorize(e);
    this.emit(e);
  }

  get pending(): boolean {
    return this.current !== undefined;
  }
}

export function parseLog(text: string, o: ParseOptions = {}): LogEntry[] {
  const out: LogEntry[] = [];
  const a = new EntryAssembler((e) => out.push(e), o);
  for (const line of text.split(/\r?\n/)) a.push(line);
  a.flush();
  return out;
}

const LIFECYCLE =
  /\b(start(ing|ed)?|stop(ping|ped)?|shut(ting)? ?down|initializ(ing|ed)|instantiated|creat(ing|ed) (connector|task)|finished creating|closing|closed|paus(ing|ed)|resum(ing|ed)|restart(ing|ed)?|deleted|removed)\b/i;
const REBALANCE =
  /rebalanc|\bassignment\b|joined group|revok|\bgeneration\b|partitions? (assigned|revoked|lost)|adding newly assigned partitions|setting offset for partition|resetting offset|reassign/i;
const THROUGHPUT =
  /commit(ting)? offsets|committed offsets|commitoffsets|offset commit|flush(ing|ed)?\b|\d+ (acknowledged |outstanding )?(messages|records)|records? (sent|polled|written|processed)|\bthroughput\b|batch/i;

/** Marks an entry with the categories of REQ-MON-001 (an entry can be in several, or none). */
export function categorize(e: Pick<LogEntry, 'level' | 'message' | 'more'>): Category[] {
  const out: Category[] = [];
  const text = e.message;
  if (LIFECYCLE.test(text)) out.push('lifecycle');
  if (e.level === 'ERROR' || e.level === 'FATAL' || e.more.some((l) => /^\s+at /.test(l) || /Exception|Error:/.test(l)))
    out.push('error');
  if (REBALANCE.test(text)) out.push('rebalance');
  if (THROUGHPUT.test(text)) out.push('throughput');
  return out;
}

/** The connector of a raw line, if it carries Connect's MDC context. */
export function connectorOfLine(line: string): string | undefined {
  if (line.startsWith('{')) {
    const json = parseJsonEvent(line);
    if (json) return json.context?.connector;
  }
  const m = HEADER.exec(line);
  return m ? parseContext(m[3] ?? '').context?.connector : undefined;
}

/** The entry as the worker wrote it (header plus continuation lines). */
export function entryText(e: LogEntry): string {
  return [e.line, ...e.more].join('\n');
}
