import { UserError } from '../errors.js';
import { connectorOfLine } from '../core/observe/log-entry.js';
import { followFiles } from '../core/observe/follow-files.js';
import { tailFile } from './process.js';
import { COMPONENTS, layout, type Component, type DevSettings } from './settings.js';

export interface LogLine {
  component: Component;
  line: string;
}

export { connectorOfLine };

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

/** Follows the components' files like `tail -F` until the signal aborts. */
export function followLogs(
  s: DevSettings,
  components: Component[],
  onLine: (l: LogLine) => void,
  signal: AbortSignal,
  connector?: string,
): Promise<void> {
  const byFile = new Map(components.map((c) => [logFileOf(s, c), c]));
  return followFiles(
    [...byFile.keys()],
    (file, lines) => {
      const component = byFile.get(file)!;
      for (const line of lines) if (!connector || connectorOfLine(line) === connector) onLine({ component, line });
    },
    signal,
  );
}
