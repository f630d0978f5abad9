// Wall time of kcops commands through the installed bin (process start included). Issue #2 §6 and issue #5 §6:
// `kcops --version` target <= 200 ms; `kcops connect status <name>` against the dev stack (KCOPS_DEV_HOME selects
// it; skipped when none is running), which adds loading the handler and one REST round trip.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'bin', 'kcops.js');
const RUNS = 15;
const cwd = tmpdir(); // outside any repository: day-2 commands use the dev stack
const home = process.env.KCOPS_DEV_HOME ?? join(homedir(), '.kcops', 'dev');

function measure(args, target) {
  const times = [];
  let status = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, ...args], { stdio: 'ignore', cwd });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    status = r.status ?? 1;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(RUNS / 2)];
  const goal = target ? `  target <= ${target} ms: ${median <= target ? 'met' : 'MISSED'}` : '';
  console.log(
    `kcops ${args.join(' ').padEnd(40)} median ${median.toFixed(0).padStart(4)} ms  p90 ${times[Math.floor(RUNS * 0.9)].toFixed(0).padStart(4)} ms  min ${times[0].toFixed(0).padStart(4)} ms  (${RUNS} runs, exit ${status})${goal}`,
  );
}

// Bare node for reference: what any Node CLI pays before its first line runs.
{
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(`${'node -e 0 (reference)'.padEnd(46)} median ${times[Math.floor(RUNS / 2)].toFixed(0).padStart(4)} ms`);
}
measure(['--version'], 200);
measure(['--help']);
measure(['dev', 'up', '--help']);
if (existsSync(join(home, 'credentials.json'))) {
  const list = spawnSync(process.execPath, [bin, 'connect', 'list', '-o', 'json'], { cwd, encoding: 'utf8' });
  const name =
    process.env.KCOPS_BENCH_CONNECTOR ??
    JSON.parse(list.stdout || '{"connectors":[]}').connectors.find((c) => c.name.startsWith('payments-'))?.name;
  if (name) measure(['connect', 'status', name]);
  else console.log('connect status: no connector on the dev stack, skipped');
} else {
  console.log(`connect status: no dev stack in ${home}, skipped (kcops dev up, or set KCOPS_DEV_HOME)`);
}
