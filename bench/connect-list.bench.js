// `kcops connect list` (and `connect cluster list`) against 500 connectors on the dev cluster: wall time including
// process start, and HTTP requests (target: 1, whatever the number of connectors). Issue #5 §6.
// Needs a running dev stack (`kcops dev up`; KCOPS_DEV_HOME selects it). The 500 connectors are created STOPPED
// (no tasks: they cost the workers nothing) straight through the Connect REST API and deleted afterwards.
// Usage: npm run build && node bench/run.js connect-list
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { bin, countingProxy, devStack } from './lib/dev-stack.js';
import { join } from 'node:path';

const N = Number(process.env.KCOPS_BENCH_CONNECTORS ?? 500);
const RUNS = 5;
const { creds, rest, target } = devStack();
const proxy = await countingProxy(target);
const counts = proxy.counts;
const proxyUrl = proxy.url;

async function pool(items, width, fn) {
  let i = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (i < items.length) await fn(items[i++]);
    }),
  );
}

const repo = mkdtempSync(join(tmpdir(), 'kcops-bench-repo-'));
writeFileSync(
  join(repo, 'kcops.yaml'),
  `project: bench
secretProviders:
  kcops-env: { type: env, resolvedBy: kcops }
teams:
  payments: { prefixes: ['payments-'] }
environments:
  dev:
    cluster:
      type: self-managed
      connect: { urls: ['${proxyUrl}'], auth: { username: ${creds.connect.username}, password: '\${kcops-env:KCOPS_CONNECT_PASSWORD}' } }
`,
);
const env = { ...process.env, KCOPS_CONNECT_PASSWORD: creds.connect.password, NO_COLOR: '1' };
// Async on purpose: the counting proxy lives in this process and must keep serving while kcops runs.
const kcops = async (...args) =>
  (await promisify(execFile)(process.execPath, [bin, ...args], { cwd: repo, env, maxBuffer: 64 * 1024 * 1024 })).stdout;

const prefix = `payments-bench-${Date.now().toString(36)}-`;
const names = Array.from({ length: N }, (_, i) => `${prefix}${i}`);
const jaas = '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}';
try {
  const existing = JSON.parse((await rest('GET', '/connectors')).text).length;
  const t0 = Date.now();
  await pool(names, 16, async (name) => {
    const r = await rest('POST', '/connectors', {
      name,
      config: {
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
        topics: 'payments.bench',
        file: '/dev/null',
        'consumer.override.sasl.jaas.config': jaas,
      },
      initial_state: 'STOPPED',
    });
    if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${r.text}`);
  });
  console.log(
    `setup: ${N} STOPPED connectors created in ${((Date.now() - t0) / 1000).toFixed(1)} s (plus ${existing} already there)`,
  );
  for (const cmd of [
    ['connect', 'list'],
    ['connect', 'cluster', 'list'],
  ]) {
    const times = [];
    let requests = 0;
    let listed = 0;
    for (let i = 0; i < RUNS; i++) {
      counts.requests = 0;
      const t = process.hrtime.bigint();
      const out = await kcops(...cmd, '--env', 'dev', '-o', 'json');
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      requests = Math.max(requests, counts.requests);
      listed = JSON.parse(out).connectors.length;
    }
    times.sort((a, b) => a - b);
    console.log(
      `kcops ${cmd.join(' ').padEnd(20)} ${listed} connectors: median ${times[Math.floor(RUNS / 2)].toFixed(0)} ms, max ${times[RUNS - 1].toFixed(0)} ms (${RUNS} runs, incl. process start), ${requests} HTTP request(s) per run (target 1)`,
    );
  }
  // Human output too (table rendering of 500 rows).
  counts.requests = 0;
  const t = process.hrtime.bigint();
  await kcops('connect', 'list', '--env', 'dev');
  console.log(
    `kcops connect list (human table)   ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(0)} ms, ${counts.requests} HTTP request(s)`,
  );
} finally {
  const t1 = Date.now();
  await pool(names, 16, (name) => rest('DELETE', `/connectors/${encodeURIComponent(name)}`));
  const left = JSON.parse((await rest('GET', '/connectors')).text).filter((n) => n.startsWith(prefix)).length;
  console.log(`cleanup: deleted in ${((Date.now() - t1) / 1000).toFixed(1)} s, ${left} left`);
  proxy.close();
  rmSync(repo, { recursive: true, force: true });
}
