#!/usr/bin/env node
// Two big inputs for `kcops validate --offline`, wall time and CPU time, process start included (issue 19 §5):
//   1. one minified single-line connector file of about 700 KB whose ~38,000 keys are all findings (human output:
//      at most 100 findings per file are printed, with a count per rule of the rest);
//   2. a kcops.yaml of about 7 MB (thousands of environments and teams) next to a few connector files.
// Goal: about a second each. On a shared, loaded machine wall time swings; CPU time (user + system of the kcops
// process, from /proc) is the steadier figure, and `kcops --version` is printed for scale.
// Usage: npm run build && node bench/validate-big.bench.js
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/** Median wall and CPU time of `runs` runs; also the last run's output size and exit code. */
function measure(args, cwd, runs) {
  const wall = [];
  const cpu = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const c = childCpuMs();
    const t = process.hrtime.bigint();
    last = spawnSync(process.execPath, [bin, ...args], { cwd, maxBuffer: 1 << 30 });
    wall.push(Number(process.hrtime.bigint() - t) / 1e6);
    cpu.push(childCpuMs() - c);
  }
  const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    wall: mid(wall),
    cpu: mid(cpu),
    bytes: last.stdout.length,
    status: last.status,
    stderr: String(last.stderr),
  };
}

const fmt = (m) =>
  `${Math.round(m.wall)} ms wall, ${Number.isNaN(m.cpu) ? '?' : Math.round(m.cpu)} ms CPU (median of ${RUNS})`;
const RUNS = Number(process.env.RUNS ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'kcops-bench-big-'));
try {
  const version = measure(['--version'], dir, RUNS);
  console.log(`kcops --version: ${fmt(version)}`);

  // 1. One line, ~38,000 findings: a complete catalog entry, so every key it does not define is a finding.
  const config = {
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'database.password': 'hunter2',
    'connection.url': 'http://u:pw@h',
  };
  for (let i = 0; i < 38_000; i++) config[`k${i}`] = `v${i}`;
  const line = JSON.stringify({ name: 'big', config });
  writeFileSync(join(dir, 'big.json'), line);
  for (const output of ['human', 'json']) {
    const m = measure(['validate', 'big.json', '--offline', '-o', output], dir, RUNS);
    console.log(
      `validate one ${(line.length / 1024).toFixed(0)} KB line, ~38,000 findings, -o ${output}: ${fmt(m)}; ${(m.bytes / 1024).toFixed(0)} KB of output, exit ${m.status}`,
    );
  }

  // 2. A 7 MB kcops.yaml: many environments, each with its cluster, Kafka and policies, and many teams (owners).
  const repo = join(dir, 'repo');
  mkdirSync(join(repo, 'connectors', 'env-0'), { recursive: true });
  const parts = ['project: big', 'secretProviders:', '  file: { type: file, resolvedBy: worker }', 'teams:'];
  for (let t = 0; t < 8_000; t++)
    parts.push(`  team-${t}: { prefixes: [team-${t}-, t${t}-], serviceAccounts: [sa-team-${t}] }`);
  parts.push('environments:');
  let e = 0;
  while (parts.join('\n').length < 7 * 1024 * 1024 && e < 100_000) {
    for (let k = 0; k < 500; k++, e++)
      parts.push(
        `  env-${e}:`,
        '    cluster:',
        '      type: self-managed',
        `      connect: { urls: ['http://connect-${e}-a.internal:8083', 'http://connect-${e}-b.internal:8083'] }`,
        '    kafka:',
        `      bootstrapServers: ['kafka-${e}-1.internal:9092', 'kafka-${e}-2.internal:9092', 'kafka-${e}-3.internal:9092']`,
        `    policies: { requireDlqOnSinks: true, requireExactlyOnceOnSources: false, maxTasks: ${(e % 8) + 1}, namingPattern: '^[a-z0-9-]+$' }`,
      );
  }
  const yaml = parts.join('\n') + '\n';
  writeFileSync(join(repo, 'kcops.yaml'), yaml);
  for (let i = 0; i < 3; i++)
    writeFileSync(
      join(repo, 'connectors', 'env-0', `team-${i}-sink.json`),
      JSON.stringify({
        name: `team-${i}-sink`,
        config: {
          'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
          'tasks.max': '1',
          topics: `t-${i}`,
          file: `/tmp/${i}.txt`,
          'errors.tolerance': 'all',
          'errors.deadletterqueue.topic.name': `dlq-${i}`,
        },
      }),
    );
  const m = measure(['validate', '--offline'], repo, RUNS);
  console.log(
    `validate a ${(yaml.length / 1024 / 1024).toFixed(1)} MB kcops.yaml (${e} environments, 8,000 teams) and 3 connector files: ${fmt(m)}; exit ${m.status}${m.status > 1 ? `\n${m.stderr.slice(0, 500)}` : ''}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
