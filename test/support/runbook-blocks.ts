import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The commands of a runbook's drill blocks: a fenced block right after `<!-- drill: diagnose -->` or
 * `<!-- drill: fix [label] -->` in docs/runbooks/<page>.md. The drills run what the page says, so a runbook whose
 * commands stop pointing at the cause fails its drill. Placeholders (`<connector>`, `<env>`) are filled in by the
 * caller.
 */
export interface DrillBlock {
  step: 'diagnose' | 'fix';
  label: string;
  commands: string[][];
}

const ROOT = join(import.meta.dirname, '..', '..');

/** Shell words: whitespace-separated, with '...' and "..." quoting (no expansion). */
export function shellWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let has = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else cur += ch;
  }
  if (has || cur) out.push(cur);
  return out;
}

export function drillBlocks(markdown: string): DrillBlock[] {
  const blocks: DrillBlock[] = [];
  const re = /<!-- drill: (diagnose|fix)(?: ([a-z0-9-]+))? -->\s*\n\s*```[a-z]*\n([\s\S]*?)\n\s*```/g;
  for (const m of markdown.matchAll(re)) {
    const commands = m[3]!
      .split('\n')
      .map((l) => /^\s*\$ kcops (.*)$/.exec(l)?.[1])
      .filter((c): c is string => c !== undefined)
      .map(shellWords);
    blocks.push({ step: m[1] as DrillBlock['step'], label: m[2] ?? '', commands });
  }
  return blocks;
}

export function runbook(page: string): string {
  return readFileSync(join(ROOT, 'docs', 'runbooks', page), 'utf8');
}

export function drill(page: string, step: DrillBlock['step'], label = ''): string[][] {
  const b = drillBlocks(runbook(page)).find((x) => x.step === step && x.label === label);
  if (!b) throw new Error(`docs/runbooks/${page} has no <!-- drill: ${step}${label ? ` ${label}` : ''} --> block`);
  return b.commands;
}

/** Fills `<connector>` and `<env>` (and any other `<name>` given) in each word. */
export function fill(commands: string[][], values: Record<string, string>): string[][] {
  return commands.map((argv) =>
    argv.map((w) =>
      w.replace(/<([a-z-]+)>/g, (all, k: string) => {
        if (!(k in values)) throw new Error(`no value for ${all} in '${argv.join(' ')}'`);
        return values[k]!;
      }),
    ),
  );
}
