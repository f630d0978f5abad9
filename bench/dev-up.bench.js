// Time from `kcops dev up` to ready with a warm artifact cache, then RSS per process and in total.
// Targets on a 2-core machine (issue #2 §6): ready <= 60 s, total RSS <= 3 GiB.
// Uses its own home and ports so a running dev stack is not disturbed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'bin', 'kcops.js');
const home = mkdtempSync(join(tmpdir(), 'kcops-bench-'));
const ports = [
  '--kafka-port',
  '49092',
  '--controller-port',
  '49093',
  '--connect-ports',
  '48083,48084',
  '--metrics-ports',
  '49404,49405',
  '--s3-port',
  '49090',
  '--s3-https-port',
  '49191',
  '--postgres-port',
  '45432',
];
const pg = process.env.KCOPS_BENCH_POSTGRES_URL ? ['--postgres-url', process.env.KCOPS_BENCH_POSTGRES_URL] : [];
const kcops = (...args) =>
  execFileSync(process.execPath, [bin, ...args, '--home', home, '-o', 'json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });

try {
  // Warm the artifact cache outside the measurement (it is a one-time download).
  const t0 = Date.now();
  kcops('dev', 'up', ...ports, ...pg);
  const cold = (Date.now() - t0) / 1000;
  kcops('dev', 'down');
  const t1 = Date.now();
  kcops('dev', 'up', ...ports, ...pg);
  const warm = (Date.now() - t1) / 1000;
  await new Promise((r) => setTimeout(r, 10_000)); // let the JVMs settle after startup
  const status = JSON.parse(
    spawnSync(process.execPath, [bin, 'dev', 'status', '--home', home, '-o', 'json'], { encoding: 'utf8' }).stdout,
  );
  console.log(`dev up, first run in this home (cache may be warm): ${cold.toFixed(1)} s`);
  console.log(`dev up to ready, warm cache, data kept:            ${warm.toFixed(1)} s   (target <= 60 s)`);
  let total = 0;
  for (const c of status.components) {
    total += c.rssBytes ?? 0;
    console.log(
      `  RSS ${c.component.padEnd(9)} ${c.rssBytes === null ? '   -' : ((c.rssBytes / 1024 ** 2).toFixed(0) + ' MiB').padStart(8)}`,
    );
  }
  console.log(`  RSS total     ${(total / 1024 ** 3).toFixed(2)} GiB   (target <= 3 GiB)`);
} finally {
  spawnSync(process.execPath, [bin, 'dev', 'down', '--purge', '--home', home], { stdio: 'ignore' });
  rmSync(home, { recursive: true, force: true });
}
