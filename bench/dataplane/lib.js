// What the data-plane benchmarks share: the running dev stack (KCOPS_DEV_HOME, via ../lib/dev-stack.js), the
// PostgreSQL URLs, connector set-up over REST, Connect task counters from the workers' Prometheus endpoints, and
// CPU/RSS sampling of the stack's processes from /proc. Figures only: nothing here passes or fails.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { devStack } from '../lib/dev-stack.js';

export function dataplaneStack() {
  const s = devStack();
  const { creds, state, home } = s;
  const cdc = new URL(state.postgres.url);
  cdc.username = encodeURIComponent(creds.postgres.cdc.username);
  cdc.password = encodeURIComponent(creds.postgres.cdc.password);
  const secrets = (name) => join(home, 'secrets', `${name}.properties`);
  const ref = (name, key) => `\${file:${secrets(name)}:${key}}`;
  const runAs = (account = 'sa-payments') => ({
    'producer.override.sasl.jaas.config': ref(`kafka-${account}`, 'sasl.jaas.config'),
    'consumer.override.sasl.jaas.config': ref(`kafka-${account}`, 'sasl.jaas.config'),
    'admin.override.sasl.jaas.config': ref(`kafka-${account}`, 'sasl.jaas.config'),
  });
  const metricsUrls = state.ports.metrics.map((p) => `http://127.0.0.1:${p}/metrics`);
  return {
    ...s,
    cdcUrl: cdc.toString(),
    secrets,
    ref,
    runAs,
    metricsUrls,
    bootstrap: `127.0.0.1:${state.ports.kafka}`,
  };
}

export async function sql(url, text, params = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows;
  } finally {
    await c.end();
  }
}

export async function createConnector(rest, name, config) {
  const r = await rest('PUT', `/connectors/${name}/config`, config);
  if (r.status !== 201 && r.status !== 200) throw new Error(`creating ${name}: ${r.status} ${r.text}`);
}

export async function waitRunning(rest, name, timeoutMs = 180_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const r = await rest('GET', `/connectors/${name}/status`);
    if (r.status === 200) {
      const st = JSON.parse(r.text);
      const failed = st.tasks.find((t) => t.state === 'FAILED');
      if (failed) throw new Error(`${name} task FAILED: ${String(failed.trace).slice(0, 800)}`);
      if (st.connector.state === 'RUNNING' && st.tasks.length > 0 && st.tasks.every((t) => t.state === 'RUNNING'))
        return st;
    }
    await sleep(1000);
  }
  throw new Error(`${name} not RUNNING within ${timeoutMs / 1000} s`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Connect's per-task record counters, summed per connector over both workers: source-record-write-total for a source
 * (records the producer acknowledged), sink-record-send-total for a sink (records handed to put()).
 */
export async function taskCounters(metricsUrls) {
  const out = new Map();
  for (const url of metricsUrls) {
    // A scrape that fails must not read as "0 records": with 50 connectors on a loaded box the exporter can take
    // seconds, so wait long and throw when it still does not answer (callers skip that sample).
    const text = await fetch(url, { signal: AbortSignal.timeout(30_000) }).then((r) => {
      if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
      return r.text();
    });
    for (const line of text.split('\n')) {
      const m = line.match(
        /^kafka_connect_(?:source_task_source_record_write|sink_task_sink_record_send)(?:_total)?\{([^}]*)\}\s+(\S+)/,
      );
      if (!m) continue;
      const connector = m[1].match(/connector="([^"]+)"/)?.[1];
      if (connector) out.set(connector, (out.get(connector) ?? 0) + Number(m[2]));
    }
  }
  return out;
}

const CLK_TCK = 100;

/** CPU ticks (user+system) and RSS of one pid, from /proc; undefined when it is gone. */
function procSample(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rss = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) * 1024;
    return { ticks, rss };
  } catch {
    return undefined;
  }
}

/**
 * Samples CPU and RSS of the stack's processes every second until stop(): average CPU (% of one core) over the
 * window and peak RSS, per component, plus the 1-minute load average at start and end.
 */
export function processSampler(state) {
  const pids = Object.entries(state.processes).map(([component, p]) => ({ component, pid: p.pid }));
  const first = new Map(pids.map(({ component, pid }) => [component, procSample(pid)]));
  const peak = new Map();
  const t0 = Date.now();
  const load0 = loadavg()[0];
  const timer = setInterval(() => {
    for (const { component, pid } of pids) {
      const s = procSample(pid);
      if (s) peak.set(component, Math.max(peak.get(component) ?? 0, s.rss));
    }
  }, 1000);
  return {
    stop() {
      clearInterval(timer);
      const secs = (Date.now() - t0) / 1000;
      const rows = pids.map(({ component, pid }) => {
        const a = first.get(component);
        const b = procSample(pid);
        return {
          component,
          cpuPct: a && b ? (100 * (b.ticks - a.ticks)) / CLK_TCK / secs : null,
          peakRssMiB: Math.round(Math.max(peak.get(component) ?? 0, b?.rss ?? 0) / 1024 ** 2),
        };
      });
      return { secs, rows, load: [load0, loadavg()[0]] };
    },
  };
}

/**
 * Throughput in steady state from a series of (time, count) samples: the rate between the first sample past 10% of
 * the total and the last one before 90%, so start-up and the tail are left out.
 */
export function steadyRate(samples, total) {
  const from = samples.find((s) => s.n >= total * 0.1);
  const to = [...samples].reverse().find((s) => s.n <= total * 0.9);
  if (!from || !to || to.t <= from.t) return null;
  return (to.n - from.n) / ((to.t - from.t) / 1000);
}

export function fmtProcs(p) {
  return p.rows
    .map((r) => `${r.component} ${r.cpuPct === null ? '-' : r.cpuPct.toFixed(0) + '%'} CPU, ${r.peakRssMiB} MiB RSS`)
    .join('; ');
}

export function fmtLoad(p) {
  return `load average ${p.load[0].toFixed(1)} → ${p.load[1].toFixed(1)} (2 cores)`;
}
