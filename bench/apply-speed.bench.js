// Apply at the speed of Connect (issue #20 §1), on the dev cluster, with kcops' default options:
//   1. apply 50 new connectors until all RUNNING: exit time (settle window included), when the cluster had all 50
//      RUNNING, HTTP requests and 409 answers;
//   2. prune 200 connectors (those 50 RUNNING plus 150 STOPPED ones created straight through the REST API): exit time
//      and requests.
// Peer figures measured on the same kind of stack (Connect 4.3.1, 2 workers) are printed beside ours.
// Needs a running dev stack (`kcops dev up`; KCOPS_DEV_HOME selects it) and a build (`npm run build`).
// Usage: node bench/run.js apply-speed
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bin, countingProxy, devStack } from './lib/dev-stack.js';
import { DEFAULT_CONCURRENCY, DEFAULT_SETTLE } from '../dist/core/apply/types.js';

const CREATE = 50;
const PRUNE = 200;
const { creds, rest, target } = devStack();
const proxy = await countingProxy(target);
const counts = proxy.counts;

const repo = mkdtempSync(join(tmpdir(), 'kcops-bench-repo-'));
const prefix = `payments-speed-${Date.now().toString(36)}-`;
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
      connect: { urls: ['${proxy.url}'], auth: { username: ${creds.connect.username}, password: '\${kcops-env:KCOPS_CONNECT_PASSWORD}' } }
    policies: { requireDlqOnSinks: false }
`,
);
const dir = join(repo, 'connectors', 'dev');
mkdirSync(dir, { recursive: true });
const env = {
  ...process.env,
  KCOPS_CONNECT_PASSWORD: creds.connect.password,
  KCOPS_AUDIT_FILE: join(repo, 'audit.jsonl'),
  NO_COLOR: '1',
};
const jaas = '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}';
const source = {
  'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
  file: '/etc/hostname',
  topic: 'payments.bench',
  'producer.override.sasl.jaas.config': jaas,
};

// Async on purpose: the counting proxy lives in this process and must keep serving while kcops runs.
async function kcops(...args) {
  try {
    const r = await promisify(execFile)(process.execPath, [bin, ...args], {
      cwd: repo,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    return { code: e.code ?? 1, out: e.stdout ?? '', err: e.stderr ?? String(e) };
  }
}

/** Measures one kcops run: wall time to exit, requests through the proxy, 409s; `watch` runs beside it (uncounted). */
async function timed(args, watch) {
  proxy.reset();
  const started = Date.now();
  const stop = { done: false };
  const watching = watch ? watch(started, stop) : Promise.resolve(undefined);
  const r = await kcops(...args);
  const ms = Date.now() - started;
  stop.done = true;
  return { ...r, ms, requests: counts.requests, conflicts: counts.conflicts, seen: await watching };
}

/** Polls worker-1 directly (not through the proxy) until every one of `names` is RUNNING with its tasks. */
async function allRunningAt(names, started, stop) {
  const want = new Set(names);
  while (Date.now() - started < 180_000) {
    const r = await rest('GET', '/connectors?expand=status');
    if (r.status === 200) {
      const body = JSON.parse(r.text);
      const running = [...want].filter((n) => {
        const s = body[n]?.status;
        return s?.connector?.state === 'RUNNING' && s.tasks?.length > 0 && s.tasks.every((t) => t.state === 'RUNNING');
      });
      if (running.length === want.size) return Date.now() - started;
    }
    if (stop.done) return undefined;
    await new Promise((r) => setTimeout(r, 200));
  }
  return undefined;
}

async function pool(items, width, fn) {
  let i = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (i < items.length) await fn(items[i++]);
    }),
  );
}

/** The first failed connector of a failed run, with the first line of its trace (the figures mean little then). */
function why(r) {
  try {
    const o = JSON.parse(r.out);
    const f = o.outcomes.find((x) => x.error);
    return `${o.status}; ${f?.connector}: ${f?.error} ${(f?.trace ?? '').split('\n')[0]}`;
  } catch {
    return r.err.slice(0, 300);
  }
}
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
const created = Array.from({ length: CREATE }, (_, i) => `${prefix}r${String(i).padStart(2, '0')}`);
const stopped = Array.from({ length: PRUNE - CREATE }, (_, i) => `${prefix}s${String(i).padStart(3, '0')}`);
try {
  for (const name of created) writeFileSync(join(dir, `${name}.json`), JSON.stringify({ name, config: source }));
  const a = await timed(['apply', '--env', 'dev', '--auto-approve', '-o', 'json'], (t, stop) =>
    allRunningAt(created, t, stop),
  );
  const status = a.code === 0 ? JSON.parse(a.out).status : `exit ${a.code}: ${why(a)}`;
  console.log(
    `apply ${CREATE} new connectors until all RUNNING (kcops defaults: concurrency ${DEFAULT_CONCURRENCY}, settle ${DEFAULT_SETTLE}):`,
  );
  console.log(
    `  kcops   ${s(a.ms).padStart(7)} exit (all RUNNING at ${a.seen === undefined ? 'n/a' : s(a.seen)}), ` +
      `${a.requests} requests, ${a.conflicts} answered 409 — ${status}`,
  );
  console.log(`  goal    <= 10.0 s exit, <= 60 requests, no 409 failures`);
  console.log(`  before   51.9 s exit (all RUNNING at 46.7 s), 691 requests (issue #20, same workload)`);
  console.log(`  kcctl     4.8 s (one call with 50 files; does not wait)`);
  console.log(`  jikkou   16.6 s, 57 requests`);

  // Set-up for the prune, not measured: 150 STOPPED connectors beside the 50 RUNNING ones.
  await pool(stopped, 16, async (name) => {
    const r = await rest('POST', '/connectors', { name, config: source, initial_state: 'STOPPED' });
    if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${r.text}`);
  });
  rmSync(dir, { recursive: true });
  mkdirSync(dir);
  const all = [...created, ...stopped];
  const approve = all.flatMap((n) => ['--approve-delete', n]);
  const p = await timed(['apply', '--env', 'dev', '--auto-approve', '--prune', ...approve, '-o', 'json']);
  const left = Object.keys(JSON.parse((await rest('GET', '/connectors?expand=status')).text)).filter((n) =>
    n.startsWith(prefix),
  ).length;
  console.log(`prune ${PRUNE} connectors (${CREATE} RUNNING, ${PRUNE - CREATE} STOPPED):`);
  console.log(
    `  kcops   ${s(p.ms).padStart(7)} exit, ${p.requests} requests, ${p.conflicts} answered 409, ${left} left — ` +
      (p.code === 0 ? JSON.parse(p.out).status : `exit ${p.code}: ${why(p)}`),
  );
  console.log(`  goal    <= 60.0 s`);
  console.log(`  before  about 2.6 s per delete, one at a time (issue #20): minutes for 200`);
} finally {
  // Whatever a failed run left behind.
  const r = await rest('GET', '/connectors');
  const mine = r.status === 200 ? JSON.parse(r.text).filter((n) => n.startsWith(prefix)) : [];
  await pool(mine, 16, (name) => rest('DELETE', `/connectors/${encodeURIComponent(name)}`));
  proxy.close();
  rmSync(repo, { recursive: true, force: true });
}
