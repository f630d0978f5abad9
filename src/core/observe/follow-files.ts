import { closeSync, existsSync, openSync, readSync, statSync, unwatchFile, watchFile } from 'node:fs';

export interface FollowOptions {
  /** Poll interval; the visibility delay of a new line is at most about this long. */
  intervalMs?: number;
  /** Called after a poll of a file found nothing new (lets callers flush a pending multi-line entry). */
  onQuiet?: (file: string) => void;
}

/**
 * Follows files like `tail -F` until the signal aborts: only lines written after the call, whole lines only,
 * and a file that shrinks (truncated or rotated) is read again from its start.
 */
export function followFiles(
  files: string[],
  onLines: (file: string, lines: string[]) => void,
  signal: AbortSignal,
  o: FollowOptions = {},
): Promise<void> {
  return new Promise((resolve) => {
    const state = files.map((file) => ({ file, pos: existsSync(file) ? statSync(file).size : 0, rest: '' }));
    const poll = (f: (typeof state)[number]) => {
      if (!existsSync(f.file)) return;
      const size = statSync(f.file).size;
      if (size < f.pos) {
        f.pos = 0;
        f.rest = '';
      }
      if (size === f.pos) {
        o.onQuiet?.(f.file);
        return;
      }
      const buf = Buffer.alloc(size - f.pos);
      const fd = openSync(f.file, 'r');
      try {
        readSync(fd, buf, 0, buf.length, f.pos);
      } finally {
        closeSync(fd);
      }
      f.pos = size;
      const parts = (f.rest + buf.toString('utf8')).split('\n');
      f.rest = parts.pop() ?? '';
      if (parts.length > 0) onLines(f.file, parts);
    };
    const interval = o.intervalMs ?? 300;
    for (const f of state) watchFile(f.file, { interval }, () => poll(f));
    // watchFile only calls back on a change; the quiet callback needs a tick of its own.
    const timer = o.onQuiet ? setInterval(() => state.forEach(poll), interval * 2) : undefined;
    const stop = () => {
      for (const f of state) unwatchFile(f.file);
      if (timer) clearInterval(timer);
      resolve();
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}

/** The last `maxBytes` of a file as lines (the first, partial line dropped when the read starts mid-file). */
export function readTail(file: string, maxBytes: number): string[] {
  if (!existsSync(file)) return [];
  const size = statSync(file).size;
  const start = Math.max(0, size - maxBytes);
  const buf = Buffer.alloc(size - start);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, buf.length, start);
  } finally {
    closeSync(fd);
  }
  const lines = buf.toString('utf8').split(/\r?\n/);
  if (start > 0) lines.shift();
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
