import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { stackFromEnv } from '../support/cli-repo.js';
import { describeEpisodes, type Episode } from '../support/episode-runner.js';

/**
 * Episodes 1-3 as tests (the machinery: test/support/episode-runner.ts), against the dev stack as `kcops dev up`
 * leaves it: no kcops.yaml, so day-2 commands talk to that stack. What the page's story assumes but does not show as
 * a command (episode 3's two connectors, the fix before the restart, offsets.json) is set up here, in `before`.
 * Episodes 4-7 and 9: episodes-04-09.test.ts.
 */
const stack = stackFromEnv();
const devHome = process.env.KCOPS_TEST_DEV_HOME;
const ROOT = join(import.meta.dirname, '..', '..');

const SA = '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, f: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await f().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}
const sink = (file: string) => ({
  'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  'tasks.max': '1',
  topics: 'payments.orders-episode',
  file,
  'consumer.override.sasl.jaas.config': SA,
});

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });
const demoSink = (extra: Record<string, string> = {}) => ({
  'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  'tasks.max': '1',
  topics: 'payments.demo',
  file: '/tmp/kcops-episode-demo.txt',
  'consumer.override.sasl.jaas.config': SA,
  ...extra,
});

const EPISODES: Episode[] = [
  { file: '01-local-stack.md' },
  {
    file: '02-deploy-with-gitops.md',
    env: { KCOPS_ACTOR: 'Demo <demo@example.com>' },
    // "a repository whose kcops.yaml declares a dev environment and the team prefix payments-": the page's own
    // kcops.yaml (its first yaml block) pointed at this stack, one connector file in Git that differs from the
    // cluster by `errors.log.enable`, and a connector in scope that is not in Git.
    async setup(cluster, work) {
      await this.teardown!(cluster);
      const page = readFileSync(join(ROOT, 'docs', 'episodes', '02-deploy-with-gitops.md'), 'utf8');
      const yaml = /```yaml\n([\s\S]*?)```/
        .exec(page)![1]!
        .replace(
          "['http://127.0.0.1:28083', 'http://127.0.0.1:28084']",
          `[${stack!.urls.map((u) => `'${u}'`).join(', ')}]`,
        );
      expect(yaml).toContain(stack!.urls[0]);
      writeFileSync(join(work, 'kcops.yaml'), `project: episode-2\n${yaml}`);
      mkdirSync(join(work, 'connectors', 'dev'), { recursive: true });
      const file = (config: Record<string, string>) =>
        writeFileSync(
          join(work, 'connectors', 'dev', 'payments-demo-sink.json'),
          JSON.stringify({ name: 'payments-demo-sink', config }, null, 2) + '\n',
        );
      git(work, 'init', '-q', '-b', 'main');
      git(work, 'config', 'user.name', 'Demo');
      git(work, 'config', 'user.email', 'demo@example.com');
      file(demoSink({ file: '/tmp/kcops-episode-demo-v1.txt' }));
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '-m', 'payments-demo-sink');
      file(demoSink({ 'errors.log.enable': 'true' }));
      git(work, 'commit', '-q', '-am', 'log errors of payments-demo-sink');
      await cluster.updateConfig('payments-demo-sink', demoSink());
      await cluster.updateConfig('payments-probe-src', {
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
        'tasks.max': '1',
        file: '/tmp/kcops-episode-probe.txt',
        topic: 'payments.probe',
        'producer.override.sasl.jaas.config': SA,
      });
      await until('both RUNNING', async () =>
        (await Promise.all(['payments-demo-sink', 'payments-probe-src'].map((n) => cluster.status(n)))).every(
          (x) => x?.tasks[0]?.state === 'RUNNING',
        ),
      );
    },
    async teardown(cluster) {
      for (const n of ['payments-demo-sink', 'payments-probe-src']) await cluster.delete(n).catch(() => undefined);
    },
    before: {
      // "A saved plan is refused when the cluster moved since it was made (here someone paused the connector by hand)".
      'apply --env dev plan.json': async (cluster, _w, previous) => {
        const last = previous.at(-1);
        if (`${last?.out}${last?.err}`.includes('Plan written')) return; // the first apply of the page
        await cluster.pause('payments-demo-sink');
        await until('PAUSED', async () => (await cluster.status('payments-demo-sink'))?.state === 'PAUSED');
      },
      // "A change made by hand (REST, another CLI) is drift until Git says the same".
      'kcops drift': async (cluster) => {
        await cluster.updateConfig('payments-demo-sink', demoSink());
        await sleep(1000);
      },
    },
  },
  {
    file: '03-operate-connectors.md',
    async setup(cluster, work) {
      await this.teardown!(cluster); // a run that died half-way on this stack left its connectors and offsets
      const orders = join(work, 'orders.txt');
      writeFileSync(orders, Array.from({ length: 50 }, (_, i) => `order-${i}`).join('\n') + '\n');
      await cluster.updateConfig('payments-orders-file', {
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
        'tasks.max': '1',
        file: orders,
        topic: 'payments.orders-episode',
        'producer.override.sasl.jaas.config': SA,
      });
      await cluster.updateConfig('payments-orders-sink', sink('/nonexistent-dir/out.txt'));
      await until('the sink task to fail and the source to run', async () => {
        const [src, snk] = [await cluster.status('payments-orders-file'), await cluster.status('payments-orders-sink')];
        return src?.tasks[0]?.state === 'RUNNING' && snk?.tasks[0]?.state === 'FAILED';
      });
    },
    async teardown(cluster) {
      // Offsets outlive a deleted connector: forget the source's, so a second run on the same stack lists one file.
      await cluster.stop('payments-orders-file').catch(() => undefined);
      await until(
        'STOPPED',
        async () => (await cluster.status('payments-orders-file'))?.state === 'STOPPED',
        30_000,
      ).catch(() => undefined);
      await cluster.resetOffsets('payments-orders-file').catch(() => undefined);
      for (const n of ['payments-orders-file', 'payments-orders-sink']) await cluster.delete(n).catch(() => undefined);
    },
    before: {
      // "Fix the cause (here: the configuration, through Git), then restart only what failed".
      'connect restart payments-orders-sink': async (cluster, work) => {
        await cluster.updateConfig('payments-orders-sink', sink(join(work, 'out.txt')));
        await sleep(2000);
      },
      // "where offsets.json is the printed document with "position": 0".
      'connect offsets alter payments-orders-file': async (_c, work, previous) => {
        const doc = JSON.parse(previous.at(-1)!.out) as { offsets: { offset: Record<string, unknown> }[] };
        for (const o of doc.offsets) o.offset = { ...o.offset, position: 0 };
        writeFileSync(join(work, 'offsets.json'), JSON.stringify(doc));
      },
    },
  },
];

describeEpisodes('episodes run against the dev stack', EPISODES, stack, devHome);
