// `kcops monitor` figures (issue #17 §4): a task fails → the alert reaches an SMTP server and a webhook stand-in,
// p50 and max over several failures, at 50 and 500 connectors; the monitor's RSS and CPU time per collection; HTTP
// requests to Connect per collection (target: 1 on self-managed, whatever the number of connectors).
// The cluster is a stand-in answering Connect's `GET /connectors?expand=status&expand=info` like a worker does; the
// mail server is a real SMTP server (smtp-server) and the webhook a Slack-shaped receiver. Digests are off, so each
// failure is its own message. No dev stack needed.
// Usage: npm run build && node bench/run.js monitor     (KCOPS_BENCH_FAILURES=10 by default)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

const bin = new URL('../bin/kcops.js', import.meta.url).pathname;
const FAILURES = Number(process.env.KCOPS_BENCH_FAILURES ?? 10);
const INTERVAL = '1s';
const TICKS = Number(process.env.KCOPS_BENCH_CLOCK_HZ ?? 100); // USER_HZ on Linux

function listen(server) {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port)));
}

/** A Connect worker as far as the monitor sees it: N connectors with one task each; `failed` ones FAILED. */
async function fakeConnect(n) {
  const failed = new Set();
  const counts = { total: 0, list: 0 };
  const names = Array.from({ length: n }, (_, i) => `payments-${String(i).padStart(4, '0')}`);
  const server = createServer((req, res) => {
    counts.total++;
    if (req.method === 'GET' && req.url === '/connectors?expand=status&expand=info') {
      counts.list++;
      const body = {};
      for (const name of names) {
        const bad = failed.has(name);
        body[name] = {
          status: {
            name,
            connector: { state: 'RUNNING', worker_id: 'w1:8083' },
            tasks: [
              bad
                ? {
                    id: 0,
                    state: 'FAILED',
                    worker_id: 'w1:8083',
                    trace: 'org.apache.kafka.connect.errors.ConnectException: bench',
                  }
                : { id: 0, state: 'RUNNING', worker_id: 'w1:8083' },
            ],
            type: 'source',
          },
          info: {
            name,
            config: { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', topic: 't', name },
            tasks: [{ connector: name, task: 0 }],
            type: 'source',
          },
        };
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error_code":404,"message":"not here"}');
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, failed, counts, names, close: () => server.close() };
}

/** Arrival time of each alert, by connector name found in the message. */
function receivers() {
  const webhook = new Map();
  const mail = new Map();
  const hook = createServer((req, res) => {
    let b = '';
    req.on('data', (d) => (b += d));
    req.on('end', () => {
      const at = Date.now();
      for (const m of b.matchAll(/payments-\d{4} task 0 FAILED/g)) {
        const name = m[0].split(' ')[0];
        if (!webhook.has(name)) webhook.set(name, at);
      }
      res.writeHead(200).end('ok');
    });
  });
  const smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, _s, cb) {
      let b = '';
      stream.on('data', (d) => (b += d));
      stream.on('end', () => {
        const at = Date.now();
        for (const m of b.matchAll(/payments-\d{4} task 0 FAILED/g)) {
          const name = m[0].split(' ')[0];
          if (!mail.has(name)) mail.set(name, at);
        }
        cb();
      });
    },
  });
  return { webhook, mail, hook, smtp };
}

function cpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}
function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, f, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function run(n) {
  const connect = await fakeConnect(n);
  const r = receivers();
  const hookPort = await listen(r.hook);
  const smtpPort = await new Promise((res) => r.smtp.listen(0, '127.0.0.1', () => res(r.smtp.server.address().port)));
  const repo = mkdtempSync(join(tmpdir(), 'kcops-bench-monitor-'));
  writeFileSync(
    join(repo, 'kcops.yaml'),
    `project: bench\nenvironments:\n  prod:\n    cluster: { type: self-managed, connect: { urls: ['${connect.url}'] } }\n`,
  );
  writeFileSync(
    join(repo, 'kcops.observability.yaml'),
    [
      'prod:',
      '  alerts:',
      '    delivery: { digest: false }',
      '    destinations:',
      "      - { type: slack, webhookUrl: '${env:BENCH_HOOK}' }",
      `      - { type: email, host: 127.0.0.1, port: ${smtpPort}, from: kcops@example.com, to: [oncall@example.com] }`,
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [bin, 'monitor', '--env', 'prod', '--interval', INTERVAL, '-o', 'json'], {
    cwd: repo,
    env: { ...process.env, BENCH_HOOK: `http://127.0.0.1:${hookPort}/services/T/B/x`, NO_COLOR: '1' },
  });
  let rounds = 0;
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop();
    for (const l of lines) if (l.includes('"kind":"round"')) rounds++;
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  try {
    await until('the first round', () => rounds >= 1 || child.exitCode !== null);
    if (child.exitCode !== null) throw new Error(`monitor exited: ${err}`);
    // Steady state: requests, CPU and RSS over healthy rounds.
    const [r0, c0, q0, l0] = [rounds, cpuMs(child.pid), connect.counts.total, connect.counts.list];
    await until('5 more rounds', () => rounds >= r0 + 5, 60_000);
    const [r1, c1, q1, l1] = [rounds, cpuMs(child.pid), connect.counts.total, connect.counts.list];
    const rss = rssMb(child.pid);
    // Failures, one at a time; each waits for both channels, then recovers before the next.
    const lat = { webhook: [], mail: [] };
    for (let i = 0; i < FAILURES; i++) {
      const name = connect.names[(i * 7919) % n];
      const t0 = Date.now();
      connect.failed.add(name);
      await until(`alert for ${name}`, () => r.webhook.has(name) && r.mail.has(name));
      lat.webhook.push(r.webhook.get(name) - t0);
      lat.mail.push(r.mail.get(name) - t0);
      connect.failed.delete(name);
      const after = rounds;
      await until('the recovery round', () => rounds >= after + 2);
    }
    const perRound = (c1 - c0) / (r1 - r0);
    console.log(
      `${String(n).padStart(4)} connectors: failed task → alert delivered (interval ${INTERVAL}, ${FAILURES} failures): ` +
        `webhook p50 ${pct(lat.webhook, 50)} ms max ${Math.max(...lat.webhook)} ms; ` +
        `SMTP p50 ${pct(lat.mail, 50)} ms max ${Math.max(...lat.mail)} ms`,
    );
    console.log(
      `${String(n).padStart(4)} connectors: per collection ${((q1 - q0) / (r1 - r0)).toFixed(2)} request(s) to Connect ` +
        `(${((l1 - l0) / (r1 - r0)).toFixed(2)} list call), CPU ${perRound.toFixed(1)} ms; monitor RSS ${rss.toFixed(1)} MB`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((res) => (child.exitCode !== null ? res() : child.on('exit', res)));
    connect.close();
    r.hook.close();
    await new Promise((res) => r.smtp.close(res));
  }
}

for (const n of [50, 500]) await run(n);
