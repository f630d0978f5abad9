// The README's quick-start lines (the commands a new user types after `npm run demo`), read from README.md itself so
// the check in scripts/demo.mjs and the docs test run exactly what the README shows, never a copy of it.
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The heading whose first ```sh block holds the lines; the docs test fails if it disappears. */
export const QUICKSTART_HEADING = '### Then, in a new shell';

/** The command lines of that block: blank lines and `#` comments dropped, trailing `# ...` comments kept. */
export function quickstartLines(readme) {
  const start = readme.split('\n').findIndex((l) => l.trim() === QUICKSTART_HEADING);
  if (start < 0) throw new Error(`README.md has no "${QUICKSTART_HEADING}" section`);
  const rest = readme.split('\n').slice(start + 1);
  const open = rest.findIndex((l) => l.trim() === '```sh');
  const close = rest.findIndex((l, i) => i > open && l.trim() === '```');
  if (open < 0 || close < 0) throw new Error(`README.md's "${QUICKSTART_HEADING}" section has no \`\`\`sh block`);
  return rest
    .slice(open + 1, close)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * The environment of a new shell after `npm link`: the caller's, without any KCOPS_* variable but the dev home (a
 * test stack lives in its own), without what `npm run` adds (npm_* and node_modules/.bin on PATH), and with `kcops`
 * on PATH as a link to bin/kcops.js (what `npm link` makes).
 */
export function newShellEnv(parent, root) {
  const bin = mkdtempSync(join(tmpdir(), 'kcops-path-'));
  symlinkSync(join(root, 'bin', 'kcops.js'), join(bin, 'kcops'));
  const env = {};
  for (const [k, v] of Object.entries(parent)) {
    if (k.startsWith('KCOPS_') || k.toLowerCase().startsWith('npm_') || v === undefined) continue;
    env[k] = v;
  }
  if (parent.KCOPS_DEV_HOME) env.KCOPS_DEV_HOME = parent.KCOPS_DEV_HOME;
  const path = (parent.PATH ?? '').split(delimiter).filter((p) => p && !p.includes(join('node_modules', '.bin')));
  env.PATH = [bin, ...path].join(delimiter);
  return env;
}
