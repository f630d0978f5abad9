import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { waitFor } from '../../src/dev/wait.js';
import { dashboardModel, dashboardQueries, exposedNames, metricNames } from '../support/grafana-dashboard.js';
import { fileSink, stackFromEnv, TestRepo } from '../support/cli-repo.js';
import { FakeSlack } from '../fakes/fake-alert-receivers.js';

/**
 * Issue #17 §2: every metric the Grafana dashboard of the repository template queries exists in what the real dev
 * stack exposes — both workers' JMX exporter /metrics, with a source and a sink connector (DLQ on) running, and the
 * /metrics of a real `kcops monitor` watching the stack, with a third connector failing so that the monitor has an
 * alert to deliver (to a Slack stand-in): series that only exist once something happened are there too. Only sample
 * lines count, not `# TYPE` declarations. A renamed exporter rule or monitor metric fails here.
 */
const stack = stackFromEnv();
const metricsUrls = process.env.KCOPS_TEST_METRICS_URLS?.split(',').filter(Boolean) ?? [];
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'kcops.js');

describe.skipIf(!stack || metricsUrls.length === 0)('Grafana dashboard metrics on the dev stack', () => {
  const prefix = `payments-dash-${randomBytes(3).toString('hex')}-`;
  const repo = stack ? new TestRepo(stack, prefix) : undefined;
  const cluster = stack ? new SelfManagedCluster({ urls: stack.urls, auth: stack.creds.connect }) : undefined;
  const topic = `payments.dash${randomBytes(3).toString('hex')}`;
  const src = prefix + 'src';
  const sink = prefix + 'sink';
  const broken = prefix + 'broken';
  const slack = new FakeSlack();
  let monitor: ChildProcess | undefined;

  afterAll(async () => {
    monitor?.kill('SIGTERM');
    for (const n of [src, sink, broken]) await cluster!.delete(n).catch(() => undefined);
    await slack.close();
  });

  it('every PromQL metric name of the dashboard is exposed by the workers or the monitor', async () => {
    await cluster!.updateConfig(src, {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      'tasks.max': '1',
      file: join(ROOT, 'package.json'),
      topic,
      'producer.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
    });
    await cluster!.updateConfig(sink, {
      ...fileSink(topic, `/tmp/kcops-dash-${randomBytes(3).toString('hex')}.txt`),
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': `${topic}.dlq`,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'producer.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
      'admin.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
    });

    await cluster!.updateConfig(broken, fileSink(topic, '/nonexistent-dir/kcops/out.txt'));
    repo!.env.DASH_SLACK = await slack.listen('/services/T000/B000/XXXX');
    writeFileSync(
      join(repo!.dir, 'kcops.observability.yaml'),
      [
        'dev:',
        '  alerts:',
        `    connectors: '^${prefix}'`,
        '    destinations:',
        '      - type: slack',
        "        webhookUrl: '${kcops-env:DASH_SLACK}'",
        '',
      ].join('\n'),
    );

    // The monitor, as an operator runs it: its own process, /metrics on a free port.
    monitor = spawn(process.execPath, [BIN, 'monitor', '--env', 'dev', '--interval', '1s', '--listen', '127.0.0.1:0'], {
      cwd: repo!.dir,
      env: repo!.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    monitor.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const base = await waitFor(async () => /serving (http:\/\/\S+)\/healthz/.exec(err)?.[1], {
      what: 'kcops monitor to serve /metrics',
      timeoutMs: 30_000,
      intervalMs: 200,
      details: () => err.split('\n').slice(-5),
    });

    const dashboard = dashboardModel.parse(
      JSON.parse(
        readFileSync(join(ROOT, 'templates', 'init', 'observability', 'grafana', 'kafka-connect.json'), 'utf8'),
      ),
    );
    const wanted = new Map<string, string[]>();
    for (const q of dashboardQueries(dashboard))
      for (const n of metricNames(q.expr)) wanted.set(n, [...(wanted.get(n) ?? []), q.where]);

    // Task metrics appear once the tasks run and the sink's consumer has fetched; the monitor's once it collected.
    const t0 = Date.now();
    let missing: string[] = [];
    let exposed = new Set<string>();
    await waitFor(
      async () => {
        const texts = await Promise.all(
          [...metricsUrls, `${base}/metrics`].map((u) =>
            fetch(u, { signal: AbortSignal.timeout(10_000) }).then((r) => r.text()),
          ),
        );
        exposed = new Set(texts.flatMap((t) => [...exposedNames(t)]));
        missing = [...wanted.keys()].filter((n) => !exposed.has(n));
        return missing.length === 0 ? true : undefined;
      },
      {
        what: 'every dashboard metric on the workers and the monitor',
        timeoutMs: 120_000,
        intervalMs: 2000,
        details: () => missing.map((n) => `${n} (${(wanted.get(n) ?? []).join('; ')})`),
      },
    );
    console.log(
      `dashboard: ${wanted.size} metric names in ${dashboardQueries(dashboard).length} queries, all exposed ` +
        `(${exposed.size} names scraped) after ${Date.now() - t0} ms`,
    );
    expect(missing).toEqual([]);
    // The connector-labelled series exist for this test's own connectors, not only for others on the stack.
    const worker = (await Promise.all(metricsUrls.map((u) => fetch(u).then((r) => r.text())))).join('\n');
    expect(worker).toContain(`kafka_connect_source_task_source_record_poll_rate{connector="${src}"`);
    expect(worker).toContain(`kafka_connect_sink_task_sink_record_read_rate{connector="${sink}"`);
    expect(worker).toContain(`records_lag_max{client_id="connector-consumer-${sink}-0"}`);
  });
});
