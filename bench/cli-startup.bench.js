// Wall time of `kcops --help` and `kcops --version` through the installed bin (process start included).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'bin', 'kcops.js');
for (const args of [['--version'], ['--help'], ['dev', 'up', '--help']]) {
  const times = [];
  for (let i = 0; i < 15; i++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, [bin, ...args], { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(
    `kcops ${args.join(' ').padEnd(14)} median ${times[7].toFixed(0)} ms  p90 ${times[13].toFixed(0)} ms  (15 runs)`,
  );
}
