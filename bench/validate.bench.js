#!/usr/bin/env node
// Offline validation, wall time including process start: ONE loose file (median of 15 runs, target <= 250 ms: what an
// editor or a pre-commit hook pays on every save, next to `kcops --version` for scale) and 1,000 generated connector
// files of a repository (target <= 1.5 s).
// Usage: npm run build && node bench/validate.bench.js
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = 1000;
const dir = mkdtempSync(join(tmpdir(), 'kcops-bench-'));
writeFileSync(
  join(dir, 'kcops.yaml'),
  "project: bench\nsecretProviders:\n  file: { type: file, resolvedBy: worker }\nteams:\n  payments: { prefixes: [payments-] }\nenvironments:\n  prod:\n    cluster: { type: self-managed, connect: { urls: ['http://127.0.0.1:1'] } }\n",
);
mkdirSync(join(dir, 'connectors/prod'), { recursive: true });
for (let i = 0; i < N; i++) {
  const name = `payments-orders-${i}`;
  const config =
    i % 2 === 0
      ? {
          'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
          'tasks.max': '1',
          topics: `orders-${i}`,
          file: `/tmp/${i}.txt`,
          'errors.tolerance': 'all',
          'errors.deadletterqueue.topic.name': `dlq-${name}`,
        }
      : {
          'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
          'tasks.max': '1',
          'database.hostname': 'db',
          'database.user': 'cdc',
          'database.password': i % 10 === 1 ? 'plaintext' : '${file:/s/pg.properties:password}',
          'database.dbname': 'app',
          'topic.prefix': `app${i}`,
          'plugin.name': 'pgoutput',
          'exactly.once.support': 'required',
        };
  writeFileSync(join(dir, 'connectors/prod', `${name}.json`), JSON.stringify({ name, config }, null, 2));
}
const bin = new URL('../bin/kcops.js', import.meta.url).pathname;

/** CPU time (ms) of this process's waited-for children so far: cutime + cstime of /proc/self/stat (Linux only). */
function childCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) * 10; // fields 16 and 17 of proc(5), in 1/100 s
  } catch {
    return NaN;
  }
}

/** Median wall time and median CPU time (user + system) of `runs` runs of kcops with these arguments, in ms. On a
 * loaded machine wall time swings with other work; CPU time is the steadier figure. */
function median(args, runs) {
  const times = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const c = childCpuMs();
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    cpu.push(childCpuMs() - c);
  }
  const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(runs / 2)];
  return { wall: mid(times), cpu: mid(cpu) };
}
const loose = mkdtempSync(join(tmpdir(), 'kcops-bench-one-'));
const one = join(loose, 'app-cdc.json');
writeFileSync(
  one,
  JSON.stringify(
    {
      name: 'app-cdc',
      config: {
        'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
        'tasks.max': '1',
        'database.hostname': 'db',
        'database.user': 'cdc',
        'database.password': '${file:/s/pg.properties:password}',
        'database.dbname': 'app',
        'topic.prefix': 'app',
      },
    },
    null,
    2,
  ),
);
const one1 = median(['validate', '--offline', one], 15);
const version = median(['--version'], 15);
rmSync(loose, { recursive: true, force: true });
const oneMs = one1.wall;
process.stdout.write(
  `validated one loose file in ${Math.round(oneMs)} ms wall, ${Math.round(one1.cpu)} ms CPU (median of 15, incl. process start; kcops --version: ${Math.round(version.wall)} ms wall, ${Math.round(version.cpu)} ms CPU; ratio to --version: ${(one1.wall / version.wall).toFixed(2)} wall, ${(one1.cpu / version.cpu).toFixed(2)} CPU); target <= 250 ms: ${oneMs <= 250 ? 'met' : 'MISSED'}\n`,
);

const c0 = childCpuMs();
const t0 = process.hrtime.bigint();
const r = spawnSync(process.execPath, [bin, 'validate', '--offline', '-o', 'json'], {
  cwd: dir,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const manyCpu = childCpuMs() - c0;
rmSync(dir, { recursive: true, force: true });
const summary = JSON.parse(r.stdout).summary;
process.stdout.write(
  `validated ${N} connector files in ${(ms / 1000).toFixed(2)} s (${Math.round((N / ms) * 1000)} files/s, incl. process start; ${Math.round(manyCpu)} ms CPU); ${summary.errors} errors, ${summary.warnings} warnings; target <= 1.5 s: ${ms <= 1500 ? 'met' : 'MISSED'}\n`,
);
