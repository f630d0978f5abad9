// Latency the Connect access extension adds per request (issue #15 §4): p50/p99 of sequential keep-alive requests
// to worker-1, for a team operator reading its own connector and listing (filtered), and for the admin.
// Run it on a stack with the extension (plain `kcops dev up`) and on one without (`KCOPS_DEV_ACCESS=off kcops dev up`,
// Connect's own basic-auth extension), and compare; the header says which one it measured.
// Needs a running dev stack (KCOPS_DEV_HOME selects it). Usage: node bench/run.js connect-access
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { devStack } from './lib/dev-stack.js';

const N = Number(process.env.BENCH_REQUESTS ?? 400);
const { home, creds, target, rest } = devStack();
const workerProps = readFileSync(join(home, 'config', 'worker-1.properties'), 'utf8');
const withAccess = workerProps.includes('dev.kcops.connect.access.AccessRestExtension');
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const name = `payments-bench-${Date.now().toString(36)}`;

function get(path, id) {
  const auth = 'Basic ' + Buffer.from(`${id.username}:${id.password}`).toString('base64');
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request({ ...target, agent, method: 'GET', path, headers: { authorization: auth } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.on('error', reject);
    req.end();
  });
}

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function measure(label, path, id) {
  for (let i = 0; i < 30; i++) await get(path, id); // warm-up (JIT, the key's verified-secret cache)
  const times = [];
  for (let i = 0; i < N; i++) {
    const r = await get(path, id);
    if (r.status !== 200) throw new Error(`${label}: ${r.status}`);
    times.push(r.ms);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(44)} p50 ${pct(times, 50).toFixed(2).padStart(7)} ms   p99 ${pct(times, 99).toFixed(2).padStart(7)} ms   (${N} requests)`,
  );
}

const created = await rest('POST', '/connectors', {
  name,
  config: {
    'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
    'tasks.max': '1',
    file: '/dev/null',
    topic: `${name}.t`,
  },
  initial_state: 'STOPPED',
});
if (created.status !== 201) throw new Error(`creating ${name}: ${created.status} ${created.text}`);
try {
  console.log(`Connect REST latency, ${withAccess ? 'WITH the kcops access extension' : 'WITHOUT it (basic auth)'}`);
  const admin = creds.connect;
  // Without the extension only the admin identity exists: the team rows use it.
  const team = withAccess ? creds.connect.keys.payments : admin;
  await measure(
    `GET /connectors/{c}/status (${withAccess ? 'team key' : 'admin'})`,
    `/connectors/${name}/status`,
    team,
  );
  await measure(
    `GET /connectors?expand=status (${withAccess ? 'team key' : 'admin'})`,
    '/connectors?expand=status',
    team,
  );
  await measure('GET /connectors/{c}/status (admin)', `/connectors/${name}/status`, admin);
} finally {
  await rest('DELETE', `/connectors/${name}`);
  agent.destroy();
}
