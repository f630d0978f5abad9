// Wall time of kcops commands through the installed bin (process start included). Issue #2 §6, #5 §6 and #11:
// `kcops --version` target <= 200 ms (median); `kcops connect status <name>` <= 450 ms, measured against a stand-in
// Connect REST API started here (always), and against the dev stack when one runs (KCOPS_DEV_HOME selects it).
// The load average is printed beside the figures: on a busy machine they say more about the machine than kcops.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'bin', 'kcops.js');
const RUNS = Number(process.env.KCOPS_BENCH_RUNS ?? 20);
const cwd = tmpdir(); // outside any repository: day-2 commands use the dev stack
const home = process.env.KCOPS_DEV_HOME ?? join(homedir(), '.kcops', 'dev');

/** Async spawns: the stand-in server below runs in this process and must keep answering while kcops waits. */
function run(args, where) {
  return new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const p = spawn(process.execPath, [bin, ...args], { stdio: 'ignore', cwd: where });
    p.on('exit', (code) => resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, status: code ?? 1 }));
  });
}

async function measure(args, target, where = cwd, label = '') {
  const times = [];
  let status = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await run(args, where);
    times.push(r.ms);
    status = r.status;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(RUNS / 2)];
  const goal = target ? `  target <= ${target} ms: ${median <= target ? 'met' : 'MISSED'}` : '';
  console.log(
    `kcops ${(args.join(' ') + label).padEnd(40)} median ${median.toFixed(0).padStart(4)} ms  p90 ${times[Math.floor(RUNS * 0.9)].toFixed(0).padStart(4)} ms  min ${times[0].toFixed(0).padStart(4)} ms  (${RUNS} runs, exit ${status})${goal}`,
  );
}

// Bare node for reference: what any Node CLI pays before its first line runs.
{
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(`${'node -e 0 (reference)'.padEnd(46)} median ${times[Math.floor(RUNS / 2)].toFixed(0).padStart(4)} ms`);
}
const load = () =>
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} (${process.env.KCOPS_BENCH_NOTE ?? 'cores: see nproc'})`;
console.log(load());
await measure(['--version'], 200);
await measure(['--help']);
await measure(['dev', 'up', '--help']);

// connect status against a stand-in Connect REST API: the start-up, kcops.yaml, the handler and one round trip.
{
  const server = createServer((req, res) => {
    const status = {
      name: 'payments-orders',
      connector: { state: 'RUNNING', worker_id: 'w1:8083' },
      tasks: [{ id: 0, state: 'RUNNING', worker_id: 'w1:8083' }],
      type: 'source',
    };
    res.writeHead(req.url === '/connectors/payments-orders/status' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        req.url === '/connectors/payments-orders/status' ? status : { error_code: 404, message: 'not found' },
      ),
    );
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const repo = mkdtempSync(join(tmpdir(), 'kcops-bench-'));
  writeFileSync(
    join(repo, 'kcops.yaml'),
    [
      'project: bench',
      'teams:',
      '  payments: { prefixes: [payments-] }',
      'environments:',
      '  prod:',
      `    cluster: { type: self-managed, connect: { urls: ['http://127.0.0.1:${server.address().port}'] } }`,
      '',
    ].join('\n'),
  );
  await measure(['connect', 'status', 'payments-orders', '--env', 'prod'], 450, repo, ' (stand-in)');
  server.close();
  rmSync(repo, { recursive: true, force: true });
}
console.log(load());

if (existsSync(join(home, 'credentials.json'))) {
  const list = spawnSync(process.execPath, [bin, 'connect', 'list', '-o', 'json'], { cwd, encoding: 'utf8' });
  const name =
    process.env.KCOPS_BENCH_CONNECTOR ??
    JSON.parse(list.stdout || '{"connectors":[]}').connectors.find((c) => c.name.startsWith('payments-'))?.name;
  if (name) await measure(['connect', 'status', name], 450, cwd, ' (dev stack)');
  else console.log('connect status: no connector on the dev stack, skipped');
} else {
  console.log(`connect status: no dev stack in ${home}, skipped (kcops dev up, or set KCOPS_DEV_HOME)`);
}
