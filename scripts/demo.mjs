#!/usr/bin/env node
// The main job, end to end on real engines (issue #4 §6; README's first command, `npm run demo`):
// dev stack up → validate → plan → apply examples/kafka-connect-configs (dev) → insert rows into PostgreSQL →
// rows arrive in the sink database (Debezium JDBC sink) and as objects in the bucket (S3 sink) → status.
// With --check-readme (CI), it then runs README.md's "Then, in a new shell" lines as a new user would (issue #20 §2).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { newShellEnv, quickstartLines } from './readme-quickstart.mjs';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'kcops.js');
const config = join(root, 'examples', 'kafka-connect-configs', 'kcops.yaml');
const step = (s) => process.stderr.write(`\n\u001b[1m▶ ${s}\u001b[0m\n`);

function kcops(args, { json = false, env = process.env, allowExit = [0] } = {}) {
  try {
    const out = execFileSync(process.execPath, [bin, ...args, ...(json ? ['-o', 'json'] : [])], {
      env,
      encoding: 'utf8',
      stdio: ['inherit', 'pipe', 'inherit'],
    });
    if (!json) process.stdout.write(out);
    return json ? JSON.parse(out) : out;
  } catch (e) {
    if (allowExit.includes(e.status)) {
      if (!json) process.stdout.write(e.stdout ?? '');
      return json ? JSON.parse(e.stdout) : e.stdout;
    }
    throw new Error(`kcops ${args.join(' ')} failed with exit code ${e.status}`);
  }
}

async function until(what, probe, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

step('kcops dev up');
const stack = kcops(['dev', 'up'], { json: true });
const creds = JSON.parse(readFileSync(stack.credentialsFile, 'utf8'));
// Nothing to export: the example's dev environment reads the stack's credentials file (`${dev:connect.password}`).
const env = process.env;
const pgUrl = (db) => {
  const u = new URL(stack.postgres.url);
  u.password = creds.postgres.cdc.password;
  u.pathname = `/${db}`;
  return u.toString();
};

step('the source table public.orders in database kcops');
const src = new pg.Client({ connectionString: pgUrl('kcops') });
await src.connect();
await src.query(
  'CREATE TABLE IF NOT EXISTS orders (id serial PRIMARY KEY, item text NOT NULL, amount numeric(10,2) NOT NULL)',
);

step('kcops validate --env dev (offline and against the cluster)');
kcops(['validate', '--config', config, '--env', 'dev'], { env });

step('kcops plan --env dev');
kcops(['plan', '--config', config, '--env', 'dev'], { env, allowExit: [0, 3] });

step('kcops apply --env dev --auto-approve');
kcops(['apply', '--config', config, '--env', 'dev', '--auto-approve'], { env });

step('insert three orders into PostgreSQL');
const run = Date.now().toString(36);
const items = ['coffee', 'tea', 'cake'].map((i) => `${i}-${run}`);
for (const [i, item] of items.entries())
  await src.query('INSERT INTO orders (item, amount) VALUES ($1, $2)', [item, i + 1.5]);
await src.end();

step('rows arrive in kcops_sink.orders_replica (Debezium JDBC sink)');
const sink = new pg.Client({ connectionString: pgUrl('kcops_sink') });
await sink.connect();
const rows = await until('rows in orders_replica', async () => {
  const r = await sink.query('SELECT id, item, amount FROM orders_replica WHERE item = ANY($1) ORDER BY id', [items]);
  return r.rows.length === items.length ? r.rows : undefined;
});
await sink.end();
console.table(rows);

step(`objects arrive in s3://${stack.s3.bucket}/payments/orders/ (S3 sink)`);
const keys = await until('objects in the bucket', async () => {
  const xml = await (await fetch(`${stack.s3.endpoint}/${stack.s3.bucket}?list-type=2&prefix=payments/orders/`)).text();
  const all = [...xml.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]);
  const bodies = await Promise.all(
    all.map(async (k) => [k, await (await fetch(`${stack.s3.endpoint}/${stack.s3.bucket}/${k}`)).text()]),
  );
  const ours = bodies.filter(([, b]) => items.some((i) => b.includes(i)));
  return ours.length >= items.length ? ours.map(([k]) => k) : undefined;
});
for (const k of keys) console.log(`  s3://${stack.s3.bucket}/${k}`);

step('kcops connect list --env dev');
kcops(['connect', 'list', '--config', config, '--env', 'dev'], { env });

if (process.argv.includes('--check-readme')) {
  step("README.md's next commands, in a new shell (no KCOPS_* variable but the dev home, kcops on PATH)");
  const lines = quickstartLines(readFileSync(join(root, 'README.md'), 'utf8'));
  // One shell for all lines, as a user types them (a `cd` holds for the lines after it); each echoed before it runs.
  const script = ['set -eo pipefail', ...lines.flatMap((l) => [`printf '%s\\n' ${shellQuote(`$ ${l}`)} >&2`, l])];
  execFileSync('bash', ['-c', script.join('\n')], { cwd: root, env: newShellEnv(process.env, root), stdio: 'inherit' });
}
process.stderr.write('\nDone. Stop the stack with `kcops dev down` (add --purge to remove its data).\n');

function shellQuote(s) {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
