// Log visibility delay (issue #5 §2/§6, REQ-MON-001: 1 minute required, target <= 5 s): a connector is deployed on the
// dev stack while `kcops connect logs <name> --follow -o json` runs; figures are the time from the create request to
// the first line of that connector on the follower's stdout, and, per line, from the time the worker stamped on it to
// the moment the follower printed it. Needs a running dev stack (KCOPS_DEV_HOME selects it); the connector is deleted
// afterwards. Usage: npm run build && node bench/run.js log-visibility
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { bin, devStack } from './lib/dev-stack.js';
import { createInterface } from 'node:readline';

const ROUNDS = Number(process.env.KCOPS_BENCH_ROUNDS ?? 3);
const WINDOW_MS = 8000;
const { home, rest } = devStack();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const firsts = [];
const lineDelays = [];

for (let round = 0; round < ROUNDS; round++) {
  const name = `payments-bench-logs-${Date.now().toString(36)}`;
  // Async spawn: this process keeps its event loop to timestamp lines as they arrive.
  const child = spawn(process.execPath, [bin, 'connect', 'logs', name, '--follow', '-o', 'json'], {
    cwd: tmpdir(),
    env: { ...process.env, KCOPS_DEV_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const arrivals = [];
  createInterface({ input: child.stdout }).on('line', (l) => {
    const at = Date.now();
    try {
      arrivals.push({ at, entry: JSON.parse(l) });
    } catch {
      /* not an entry */
    }
  });
  let ready = false;
  child.stderr.on('data', (d) => {
    if (String(d).includes('Following')) ready = true;
  });
  for (let i = 0; i < 100 && !ready; i++) await sleep(50);
  await sleep(500); // the follower has read the current end of the files
  let t0;
  try {
    t0 = Date.now();
    const r = await rest('POST', '/connectors', {
      name,
      config: {
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
        file: '/etc/hostname',
        topic: 'payments.bench',
        'producer.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
      },
    });
    if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${r.text}`);
    const deadline = t0 + WINDOW_MS;
    while (Date.now() < deadline) await sleep(100);
  } finally {
    await rest('DELETE', `/connectors/${name}`);
    child.kill('SIGINT');
  }
  if (arrivals.length === 0) {
    console.log(`round ${round + 1}: no line of ${name} within ${WINDOW_MS / 1000} s`);
    continue;
  }
  const first = arrivals[0].at - t0;
  firsts.push(first);
  const delays = arrivals.filter((a) => a.entry.time).map((a) => a.at - Date.parse(a.entry.time));
  lineDelays.push(...delays);
  const max = Math.max(...delays);
  console.log(
    `round ${round + 1}: first line ${first} ms after the create request; ${arrivals.length} lines in ${WINDOW_MS / 1000} s, logged→visible median ${median(delays)} ms, max ${max} ms`,
  );
  await sleep(300);
}

function median(a) {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}
if (firsts.length) {
  const worst = Math.max(...firsts, ...lineDelays);
  console.log(
    `log visibility: create→first line median ${median(firsts)} ms; logged→visible median ${median(lineDelays)} ms, max ${Math.max(...lineDelays)} ms over ${lineDelays.length} lines; target <= 5000 ms: ${worst <= 5000 ? 'met' : 'MISSED'}`,
  );
} else process.exitCode = 1;
