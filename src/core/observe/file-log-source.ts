import { basename } from 'node:path';
import { EntryAssembler, type LogEntry } from './log-entry.js';
import { matches, mergeByTime, type LogQuery } from './log-query.js';
import type { LogSource } from './log-source.js';
import { followFiles, readTail } from './follow-files.js';

export interface FileLogSourceOptions {
  files: string[];
  /** How much of the end of each file is read for a non-following query (default 64 MiB). */
  maxBytesPerFile?: number;
  utcOffsetMinutes?: number;
  pollMs?: number;
}

/** The workers' log files on this machine (the dev stack's default, or files copied/mounted from the workers). */
export class FileLogSource implements LogSource {
  readonly description: string;
  readonly lookBack = 'what the files still hold (log4j rotation decides; rotated files are not read)';

  constructor(private readonly o: FileLogSourceOptions) {
    this.description = `files ${o.files.join(', ')}`;
  }

  async read(q: LogQuery, limit: number): Promise<LogEntry[]> {
    const lists = this.o.files.map((file) => {
      const out: LogEntry[] = [];
      const a = new EntryAssembler((e) => matches(e, q) && out.push(e), this.parseOptions(file));
      for (const line of readTail(file, this.o.maxBytesPerFile ?? 64 * 1024 ** 2)) a.push(line);
      a.flush();
      return out;
    });
    return mergeByTime(lists).slice(-limit);
  }

  follow(q: LogQuery, onEntry: (e: LogEntry) => void, signal: AbortSignal): Promise<void> {
    const assemblers = new Map(
      this.o.files.map((f) => [f, new EntryAssembler((e) => matches(e, q) && onEntry(e), this.parseOptions(f))]),
    );
    return followFiles(
      this.o.files,
      (file, lines) => {
        const a = assemblers.get(file)!;
        for (const l of lines) a.push(l);
      },
      signal,
      {
        intervalMs: this.o.pollMs ?? 250,
        // An entry is complete once its file went quiet: its stack trace, if any, was written with it.
        onQuiet: (file) => assemblers.get(file)?.flush(),
      },
    );
  }

  private parseOptions(file: string) {
    const o: { source: string; utcOffsetMinutes?: number } = { source: basename(file).replace(/\.log$/, '') };
    if (this.o.utcOffsetMinutes !== undefined) o.utcOffsetMinutes = this.o.utcOffsetMinutes;
    return o;
  }
}
