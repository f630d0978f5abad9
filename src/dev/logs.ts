import { closeSync, existsSync, openSync, readSync, statSync, watchFile, unwatchFile } from 'node:fs';
import { UserError } from '../errors.js';
import { tailFile } from './process.js';
import { COMPONENTS, layout, type Component, type DevSettings } from './settings.js';

export interface LogLine {
  component: Component;
  line: string;
}

/** `[2026-..] INFO [my-connector|task-0] message` → the connector name, if the line carries Connect's MDC context. */
export function connectorOfLine(line: string): string | undefined {
  const m = /^\[[^\]]+\] \w+ \[([^|\]]+)\|[^\]]+\] /.exec(line);
  return m?.[1];
}

export function logFileOf(s: DevSettings, c: Component): string {
  return layout(s).log(c);
}

export function resolveComponents(arg: string | undefined): Component[] {
  if (!arg) return [...COMPONENTS];
  if (!(COMPONENTS as readonly string[]).includes(arg)) {
    throw new UserError('DEV_UNKNOWN_COMPONENT', `There is no dev component '${arg}'.`, {
      hint: `Choose one of: ${COMPONENTS.join(', ')}.`,
      exitCode: 2,
    });
  }
  return [arg as Component];
}

export function readLogs(s: DevSettings, components: Component[], lines: number, connector?: string): LogLine[] {
  const out: LogLine[] = [];
  for (const c of components) {
    const file = logFileOf(s, c);
    // Filter before taking the tail, so --connector shows that connector's last lines rather than nothing.
    const all = connector
      ? tailFile(file, 5000).filter((l) => connectorOfLine(l) === connector)
      : tailFile(file, lines);
    for (const line of all.slice(-lines)) out.push({ component: c, line });
  }
  return out;
}

/** Follows files like `tail -f` until the signal aborts; handles truncation/rotation by restarting at 0. */
export function followLogs(
  s: DevSettings,
  components: Component[],
  onLine: (l: LogLine) => void,
  signal: AbortSignal,
  connector?: string,
): Promise<void> {
  return new Promise((resolve) => {
    const files = components.map((c) => ({
      c,
      file: logFileOf(s, c),
      pos: existsSync(logFileOf(s, c)) ? statSync(logFileOf(s, c)).size : 0,
      rest: '',
    }));
    const poll = (f: (typeof files)[number]) => {
      if (!existsSync(f.file)) return;
      const size = statSync(f.file).size;
      if (size < f.pos) f.pos = 0;
      if (size === f.pos) return;
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
      for (const line of parts) if (!connector || connectorOfLine(line) === connector) onLine({ component: f.c, line });
    };
    for (const f of files) watchFile(f.file, { interval: 300 }, () => poll(f));
    signal.addEventListener('abort', () => {
      for (const f of files) unwatchFile(f.file);
      resolve();
    });
  });
}
