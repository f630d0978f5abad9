// Issue 16 §3: the local limit, for comparison with the connectors' figures — the broker's own perf-test tools
// (org.apache.kafka.tools.ProducerPerformance / ConsumerPerformance, the classes behind kafka-producer-perf-test and
// kafka-consumer-perf-test) against the dev stack's broker, SASL/PLAIN as the admin. kafka-tools comes from Maven
// Central through perf-tools/pom.xml, resolved once into ~/.cache/kcops/bench-tools/<hash>.
// Needs a running dev stack (KCOPS_DEV_HOME); run it with `nice -n 10`. Usage: node bench/run.js dataplane/broker-perf
import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Admin } from '@platformatic/kafka';
import { dataplaneStack } from './lib.js';

const RECORDS = Number(process.env.BENCH_PERF_RECORDS ?? 1_000_000);
const SIZE = 200;
const run = promisify(execFile);
const st = dataplaneStack();
const admin = st.creds.kafka.admin;

function toolsLibs() {
  const pom = join(import.meta.dirname, 'perf-tools', 'pom.xml');
  const key = createHash('sha256').update(readFileSync(pom)).digest('hex').slice(0, 16);
  const root = join(process.env.KCOPS_CACHE_DIR ?? join(homedir(), '.cache', 'kcops'), 'bench-tools', key);
  if (!existsSync(join(root, '.complete'))) {
    mkdirSync(join(root, 'build'), { recursive: true });
    writeFileSync(join(root, 'build', 'pom.xml'), readFileSync(pom));
    execFileSync(
      'mvn',
      ['-B', '-ntp', '-q', '-f', join(root, 'build', 'pom.xml'), 'package', `-Dkcops.out=${join(root, 'libs')}`],
      {
        stdio: 'inherit',
      },
    );
    rmSync(join(root, 'build'), { recursive: true, force: true });
    writeFileSync(join(root, '.complete'), new Date().toISOString() + '\n');
  }
  return join(root, 'libs');
}

const libs = toolsLibs();
const topic = `payments.bench-perf-${randomBytes(3).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'kcops-perf-'));
// The admin's password goes to a 0600 file for the tool and is removed afterwards; it is never printed.
const clientConfig = join(dir, 'client.properties');
writeFileSync(
  clientConfig,
  [
    'security.protocol=SASL_PLAINTEXT',
    'sasl.mechanism=PLAIN',
    `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${admin.username}" password="${admin.password}";`,
  ].join('\n') + '\n',
  { mode: 0o600 },
);
const java = (cls, args) =>
  run('java', ['-Xmx512m', '-cp', `${libs}/*`, cls, ...args], { maxBuffer: 16 * 1024 * 1024 }).then((r) => r.stdout);

const kafkaAdmin = new Admin({
  clientId: 'kcops-bench',
  bootstrapBrokers: [st.bootstrap],
  sasl: { mechanism: 'PLAIN', username: admin.username, password: admin.password },
});
try {
  await kafkaAdmin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
  for (const [label, extra] of [
    ['producer, acks=all, defaults', []],
    [
      'producer, acks=all, linger.ms=20 batch.size=262144 lz4',
      ['linger.ms=20', 'batch.size=262144', 'compression.type=lz4'],
    ],
  ]) {
    const load0 = loadavg()[0];
    const out = await java('org.apache.kafka.tools.ProducerPerformance', [
      '--topic',
      topic,
      '--num-records',
      String(RECORDS),
      '--record-size',
      String(SIZE),
      '--throughput',
      '-1',
      '--producer.config',
      clientConfig,
      '--producer-props',
      `bootstrap.servers=${st.bootstrap}`,
      'acks=all',
      ...extra,
    ]);
    const last = out.trim().split('\n').at(-1) ?? '';
    const m = last.match(
      /([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency.*?([\d.]+) ms 50th, [\d.]+ ms 95th, ([\d.]+) ms 99th/,
    );
    console.log(
      `${label.padEnd(58)} ` +
        (m ? `${Math.round(Number(m[1]))} records/s (${m[2]} MB/s), latency p50 ${m[4]} ms p99 ${m[5]} ms` : last) +
        `  [${RECORDS} × ${SIZE} B; load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}]`,
    );
  }
  const load0 = loadavg()[0];
  const out = await java('org.apache.kafka.tools.ConsumerPerformance', [
    '--bootstrap-server',
    st.bootstrap,
    '--topic',
    topic,
    '--messages',
    String(2 * RECORDS),
    '--command-config',
    clientConfig,
    '--group',
    `connect-payments-bench-perf-${Date.now()}`,
    '--hide-header',
  ]);
  // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...
  const f =
    out
      .trim()
      .split('\n')
      .at(-1)
      ?.split(',')
      .map((x) => x.trim()) ?? [];
  console.log(
    `${'consumer, defaults'.padEnd(58)} ${Math.round(Number(f[5]))} records/s (${Number(f[3]).toFixed(1)} MB/s)  [${f[4]} records; load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}]`,
  );
} finally {
  await kafkaAdmin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await kafkaAdmin.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
