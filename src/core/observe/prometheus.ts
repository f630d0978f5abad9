/** The Prometheus text exposition format (version 0.0.4), as the JMX exporter serves it on /metrics. */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** `# TYPE` lines: metric name → counter | gauge | summary | histogram | untyped. */
  types: Record<string, string>;
}

/** Parses the text; malformed lines are skipped and counted rather than failing the whole scrape. */
export function parsePrometheusText(text: string): Exposition & { skipped: number } {
  const samples: Sample[] = [];
  const types: Record<string, string> = {};
  let skipped = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.length === 0) continue;
    if (line.startsWith('#')) {
      const t = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (t) types[t[1]!] = t[2]!;
      continue;
    }
    const s = parseSampleLine(line);
    if (s) samples.push(s);
    else skipped++;
  }
  return { samples, types, skipped };
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

function parseSampleLine(line: string): Sample | undefined {
  const n = NAME.exec(line);
  if (!n) return undefined;
  let i = n[0].length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const ln = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i));
      if (!ln) return undefined;
      i += ln[0].length;
      while (line[i] === ' ') i++;
      if (line[i] !== '=' || line[i + 1] !== '"') return undefined;
      i += 2;
      let value = '';
      for (;;) {
        const c = line[i];
        if (c === undefined) return undefined;
        if (c === '\\') {
          const next = line[i + 1];
          value += next === 'n' ? '\n' : (next ?? '');
          i += 2;
          continue;
        }
        if (c === '"') {
          i++;
          break;
        }
        value += c;
        i++;
      }
      labels[ln[0]] = value;
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  const value = parseValue(rest[0] ?? '');
  if (value === undefined) return undefined;
  return { name: n[0], labels, value };
}

function parseValue(v: string): number | undefined {
  if (v === 'NaN') return NaN;
  if (v === '+Inf' || v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return undefined;
  return Number(v);
}
