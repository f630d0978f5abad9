// Plan against 50 / 200 / 500 connectors on the dev cluster (wall time and HTTP requests, which must not grow with N),
// then apply 50 new RUNNING connectors (wall time, target <= 60 s; 409 answers, target 0). Issue #4 §8.
// Needs a running dev stack (`kcops dev up`; KCOPS_DEV_HOME selects it). Connectors are created STOPPED for the
// plan runs (no tasks, so 500 cost the workers nothing) and everything is deleted afterwards.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { bin, countingProxy, devStack } from './lib/dev-stack.js';
import { join } from 'node:path';

const { creds, target } = devStack();
const proxy = await countingProxy(target);
const counts = proxy.counts;
const proxyUrl = proxy.url;

const repo = mkdtempSync(join(tmpdir(), 'kcops-bench-repo-'));
const prefix = `payments-bench-${Date.now().toString(36)}-`;
writeFileSync(
  join(repo, 'kcops.yaml'),
  `project: bench
secretProviders:
  kcops-env: { type: env, resolvedBy: kcops }
teams:
  payments: { prefixes: ['${prefix}'] }
environments:
  dev:
    cluster:
      type: self-managed
      connect: { urls: ['${proxyUrl}'], auth: { username: ${creds.connect.username}, password: '\${kcops-env:KCOPS_CONNECT_PASSWORD}' } }
    policies: { requireDlqOnSinks: false }
`,
);
const dir = join(repo, 'connectors', 'dev');
mkdirSync(dir, { recursive: true });
const env = {
  ...process.env,
  KCOPS_CONNECT_PASSWORD: creds.connect.password,
  KCOPS_AUDIT_FILE: join(repo, 'audit.jsonl'),
};
// Async on purpose: the counting proxy lives in this process and must keep serving while kcops runs.
const kcops = async (...args) =>
  (await promisify(execFile)(process.execPath, [bin, ...args], { cwd: repo, env, maxBuffer: 64 * 1024 * 1024 })).stdout;
const jaas = '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}';
const write = (name, config, st) =>
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ name, config, ...(st ? { state: st } : {}) }));

async function timed(fn) {
  counts.requests = 0;
  counts.conflicts = 0;
  const t = Date.now();
  await fn();
  return { ms: Date.now() - t, requests: counts.requests, conflicts: counts.conflicts };
}

try {
  let have = 0;
  for (const n of [50, 200, 500]) {
    for (; have < n; have++) {
      write(
        `${prefix}s${have}`,
        {
          'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
          topics: 'payments.bench',
          file: '/dev/null',
          'consumer.override.sasl.jaas.config': jaas,
        },
        'STOPPED',
      );
    }
    await kcops('apply', '--env', 'dev', '--auto-approve', '--concurrency', '16', '--settle', '0s', '-o', 'json');
    const r = await timed(() => kcops('plan', '--env', 'dev', '-o', 'json'));
    console.log(
      `plan, ${String(n).padStart(3)} connectors: ${String(r.ms).padStart(5)} ms, ${r.requests} HTTP request(s)`,
    );
  }
  rmSync(dir, { recursive: true });
  mkdirSync(dir);
  const names = [];
  await kcops(
    'apply',
    '--env',
    'dev',
    '--auto-approve',
    '--prune',
    '--approve-delete',
    ...Array.from({ length: have }, (_, i) => `${prefix}s${i}`),
    '--concurrency',
    '16',
    '-o',
    'json',
  );
  for (let i = 0; i < 50; i++) {
    const name = `${prefix}r${i}`;
    names.push(name);
    write(name, {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      file: '/etc/hostname',
      topic: 'payments.bench',
      'producer.override.sasl.jaas.config': jaas,
    });
  }
  const r = await timed(() => kcops('apply', '--env', 'dev', '--auto-approve', '--concurrency', '8', '-o', 'json'));
  console.log(
    `apply, 50 new connectors until all RUNNING on 2 workers: ${(r.ms / 1000).toFixed(1)} s (target <= 60 s), ${r.requests} requests, ${r.conflicts} answered 409 (target 0)`,
  );
  rmSync(dir, { recursive: true });
  mkdirSync(dir);
  await kcops(
    'apply',
    '--env',
    'dev',
    '--auto-approve',
    '--prune',
    '--approve-delete',
    ...names,
    '--concurrency',
    '16',
    '-o',
    'json',
  );
} finally {
  proxy.close();
  rmSync(repo, { recursive: true, force: true });
}
