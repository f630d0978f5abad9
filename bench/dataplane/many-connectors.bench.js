// Issue 16 §3: 50 connectors carrying data at once on the dev stack's two workers — 25 FileStream sources, each fed
// by its own growing file, and 25 FileStream sinks reading their topics back. Prints: whether all 50 are RUNNING,
// records/s per connector (min / median / max over each group, from Connect's task counters), the time the group
// takes to place one more connector (created → RUNNING, a rebalance of the whole group), and the RSS and heap of each
// worker. BENCH_CONNECTOR_PAIRS (25) and BENCH_PAIR_RATE (lines/s per source, 200) size it.
// Needs a running dev stack (KCOPS_DEV_HOME); run it with `nice -n 10`. Usage: node bench/run.js dataplane/many
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import {
  createConnector,
  dataplaneStack,
  fmtLoad,
  fmtProcs,
  processSampler,
  sleep,
  taskCounters,
  waitRunning,
} from './lib.js';

const PAIRS = Number(process.env.BENCH_CONNECTOR_PAIRS ?? 25);
const RATE = Number(process.env.BENCH_PAIR_RATE ?? 200);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_S ?? 30) * 1000;
const st = dataplaneStack();
const { rest, runAs, state, creds } = st;
const RUN = randomBytes(3).toString('hex');
const EOS = state.exactlyOnceSource === true;
const dir = mkdtempSync(join(tmpdir(), 'kcops-bench50-'));
const names = [];
const topics = [];
const input = (i) => join(dir, `in-${i}.txt`);

async function cleanup() {
  await Promise.all(names.map((n) => rest('DELETE', `/connectors/${n}`).catch(() => undefined)));
  const a = creds.kafka.admin;
  const admin = new Admin({
    clientId: 'kcops-bench',
    bootstrapBrokers: [st.bootstrap],
    sasl: { mechanism: 'PLAIN', username: a.username, password: a.password },
  });
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}

const source = (i, topic) => ({
  'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
  'tasks.max': '1',
  file: input(i),
  topic,
  ...(EOS ? { 'offsets.storage.topic': `${topic}.offsets` } : {}),
  ...runAs(),
});
const sink = (i, topic) => ({
  'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  'tasks.max': '1',
  topics: topic,
  file: join(dir, `out-${i}.txt`),
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  ...runAs(),
});

async function heapMiB() {
  const out = [];
  for (const url of st.metricsUrls) {
    const text = await fetch(url)
      .then((r) => r.text())
      .catch(() => '');
    const used = text.match(/^jvm_heapmemoryusage_used\S*\s+(\S+)/m)?.[1];
    out.push(used ? Math.round(Number(used) / 1024 ** 2) : null);
  }
  return out;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// An interrupted run still removes its connectors, slot, tables and topics.
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => cleanup().finally(() => process.exit(130)));

try {
  const t0 = Date.now();
  for (let i = 0; i < PAIRS; i++) {
    const topic = `payments.bench50-${RUN}-${i}`;
    topics.push(topic, ...(EOS ? [`${topic}.offsets`] : []));
    writeFileSync(input(i), '');
    const src = `payments-b50-src-${RUN}-${i}`;
    const snk = `payments-b50-sink-${RUN}-${i}`;
    names.push(src, snk);
    await createConnector(rest, src, source(i, topic));
    await createConnector(rest, snk, sink(i, topic));
  }
  for (const n of names) await waitRunning(rest, n, 600_000);
  const allRunningSecs = (Date.now() - t0) / 1000;

  // Feed every source file at RATE lines/s for the whole measurement.
  let feeding = true;
  let seq = 0;
  const feeder = (async () => {
    let due = Date.now();
    while (feeding) {
      const lines = Math.max(1, Math.round(RATE / 10));
      for (let i = 0; i < PAIRS; i++) {
        let chunk = '';
        for (let k = 0; k < lines; k++) chunk += `{"run":"${RUN}","pair":${i},"seq":${seq + k},"at":${Date.now()}}\n`;
        appendFileSync(input(i), chunk);
      }
      seq += lines;
      due += 100;
      await sleep(Math.max(0, due - Date.now()));
    }
  })();
  await sleep(10_000); // warm-up: every task has polled and produced once
  const procs = processSampler(state);
  const c0 = await taskCounters(st.metricsUrls);
  const w0 = Date.now();
  await sleep(WINDOW_MS);
  const c1 = await taskCounters(st.metricsUrls);
  const secs = (Date.now() - w0) / 1000;
  const rate = (n) => ((c1.get(n) ?? 0) - (c0.get(n) ?? 0)) / secs;
  const srcRates = names.filter((n) => n.includes('-src-')).map(rate);
  const sinkRates = names.filter((n) => n.includes('-sink-')).map(rate);

  // One more connector: the whole group rebalances to place it.
  const extra = `payments-b50-extra-${RUN}`;
  const extraTopic = `payments.bench50-${RUN}-extra`;
  topics.push(extraTopic, ...(EOS ? [`${extraTopic}.offsets`] : []));
  writeFileSync(input('extra'), '');
  names.push(extra);
  const r0 = Date.now();
  await createConnector(rest, extra, source('extra', extraTopic));
  await waitRunning(rest, extra, 300_000);
  const placeSecs = (Date.now() - r0) / 1000;
  const heap = await heapMiB();
  const p = procs.stop();
  feeding = false;
  await feeder;

  const statuses = JSON.parse((await rest('GET', '/connectors?expand=status')).text);
  const ours = Object.values(statuses).filter((s) => s.status.name.includes(RUN));
  const running = ours.filter(
    (s) => s.status.connector.state === 'RUNNING' && s.status.tasks.every((t) => t.state === 'RUNNING'),
  ).length;
  const perWorker = {};
  for (const s of ours) for (const t of s.status.tasks) perWorker[t.worker_id] = (perWorker[t.worker_id] ?? 0) + 1;

  console.log(
    `${PAIRS * 2} connectors (${PAIRS} FileStream sources fed ${RATE} lines/s each, ${PAIRS} FileStream sinks); ` +
      `exactly-once source support ${EOS ? 'ON' : 'off'}; ${fmtLoad(p)}`,
  );
  console.log(
    `all RUNNING ${allRunningSecs.toFixed(1)} s after the first was created; tasks per worker ${JSON.stringify(perWorker)}`,
  );
  const fmt = (xs) =>
    `min ${Math.round(Math.min(...xs))} / median ${Math.round(median(xs))} / max ${Math.round(Math.max(...xs))} records/s, total ${Math.round(xs.reduce((a, b) => a + b, 0))}`;
  console.log(`sources over ${secs.toFixed(0)} s: ${fmt(srcRates)}`);
  console.log(`sinks   over ${secs.toFixed(0)} s: ${fmt(sinkRates)}`);
  console.log(`one more connector placed (created → RUNNING, a rebalance of the group): ${placeSecs.toFixed(1)} s`);
  console.log(
    `after: ${running}/${ours.length} RUNNING; worker heap used ${heap.map((h) => `${h ?? '-'} MiB`).join(', ')}`,
  );
  console.log(`processes (CPU in % of one core): ${fmtProcs(p)}`);
} finally {
  await cleanup();
}
