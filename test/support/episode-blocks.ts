import { shellWords } from './runbook-blocks.js';

/**
 * The console blocks of an episode, for running them (test/ops-it/episodes.test.ts). A block is a fenced block (`sh`,
 * `console`, `shell` or no language) with lines that start with `$ `; the lines after a command, up to the next `$`,
 * are the output the page shows for it (none: only the exit code is checked). A block right after
 * `<!-- not run: <reason> -->` is skipped for that reason (a command that would stop or move the shared stack, needs
 * a binary or a service this machine does not have, follows forever, ...); the reason is required. The comment is
 * for the test; readers see the line `*Not run by the episode test: ...*` between the comment and the block (`note`).
 */
export interface EpisodeCommand {
  /** The words after `$ kcops`; empty for another shell command (`$ sed ...`), which runs in bash as `shell`. */
  argv: string[];
  shell?: string;
  line: string;
  /** Output lines shown on the page (may contain `...`: any text, or as a whole line any number of lines). */
  expected: string[];
  /** `$ echo $?` after the command on the page: the exit code shown. */
  exitCode?: number;
}

export interface EpisodeBlock {
  /** 1-based line of the opening fence. */
  at: number;
  skip?: string;
  /** The visible line that tells readers why a skipped block is not run. */
  note?: string;
  commands: EpisodeCommand[];
}

export function episodeBlocks(markdown: string): EpisodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: EpisodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++) body.push(lines[j]!.slice(open[1]!.length));
    if (!['', 'sh', 'console', 'shell'].includes(open[2]!)) {
      i = j; // a yaml, json, hcl... block: not a console, and its closing fence opens nothing
      continue;
    }
    const [prev, before] = lines
      .slice(0, i)
      .reverse()
      .filter((l) => l.trim() !== '');
    const noted = /^\*Not run by the episode test: .+\*$/.test(prev?.trim() ?? '');
    const skip = /<!-- not run: (.+?) -->/.exec((noted ? before : prev) ?? '')?.[1];
    const commands: EpisodeCommand[] = [];
    for (const l of body) {
      const cmd = /^\$ kcops (.*)$/.exec(l);
      const echo = /^\$ echo \$\?$/.test(l);
      if (cmd) commands.push({ argv: shellWords(cmd[1]!), line: l, expected: [] });
      else if (!echo && /^\$ \S/.test(l)) commands.push({ argv: [], shell: l.slice(2), line: l, expected: [] });
      else if (echo) {
        const last = commands.at(-1);
        const k = body.indexOf(l);
        if (last && /^\d+$/.test(body[k + 1] ?? '')) last.exitCode = Number(body[k + 1]);
      } else if (commands.length && !/^\d+$/.test(l.trim()) && !l.startsWith('$')) commands.at(-1)!.expected.push(l);
    }
    if (commands.length)
      blocks.push({ at: i + 1, ...(skip ? { skip } : {}), ...(skip && noted ? { note: prev!.trim() } : {}), commands });
    i = j;
  }
  return blocks;
}

/**
 * What may differ between the page and a run: times, durations, sizes, ids, ports, pids (every number becomes `#`),
 * column alignment (runs of spaces become one), temporary paths, trailing spaces and blank lines.
 */
export function normalise(text: string): string[] {
  return text
    .split('\n')
    .map((l) =>
      l
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
        .replace(/\b[0-9a-f]{12,40}\b/g, '<id>')
        // API keys (16 capitals and digits, Confluent's and the access extension's): made by each run.
        .replace(/\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{16}\b/g, '<key>')
        // A temporary directory here, the reader's checkout on the page: both are "some directory".
        .replace(/(\/tmp|\/home\/me)\/[^\s'"`),]*?(?=\/\.kcops\/|[\s'"`),]|$)/g, '<dir>')
        .replace(/\d+(\.\d+)*/g, '#')
        .replace(/[ \t]+/g, ' ')
        .trim(),
    )
    .filter((l) => l !== '');
}

/** Whether the output matches what the page shows (after normalising both); `...` is a wildcard. */
export function matchesPage(expected: string[], actual: string): boolean {
  const want = normalise(expected.join('\n'));
  if (want.length === 0) return true;
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = want
    .map((l) => (l === '...' ? '(?:[^\\n]*\\n)*?' : `${l.split('...').map(esc).join('[^\\n]*')}\\n`))
    .join('');
  return new RegExp(`^${pattern}$`).test(normalise(actual).join('\n') + '\n');
}
