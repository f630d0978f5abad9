import { execFileSync, spawn } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { startCheckedCloud } from '../fakes/confluent-cloud/checked.js';
import type { FakeConfluentCloud } from '../fakes/confluent-cloud/server.js';
import { FakePagerDuty, FakeSlack } from '../fakes/fake-alert-receivers.js';
import { FakeVault } from '../fakes/vault/server.js';
import { stackFromEnv } from '../support/cli-repo.js';
import { describeEpisodes, type Episode, type EpisodeRun } from '../support/episode-runner.js';
import { runCli, type CliRun } from '../support/run-cli.js';

/**
 * Episodes 4, 5, 6, 7 and 9 as tests, block by block (test/support/episode-runner.ts), against the dev stack
 * KCOPS_TEST_DEV_HOME names. Where a page's environment is Confluent Cloud it runs against the Cloud stand-in
 * (test/fakes/confluent-cloud), Vault against the Vault stand-in, alert channels against the receivers' stand-ins; the
 * repository the page's story assumes (kcops.yaml pointed at these, connectors in Git, a merge) is made by the hooks.
 * Blocks that cannot run here are marked on the page (`<!-- not run: ... -->` and a note readers see).
 */
const stack = stackFromEnv();
const devHome = process.env.KCOPS_TEST_DEV_HOME;
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'kcops.js');
const REPO = 'kafka-connect-configs';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });
const edit = (file: string, f: (text: string) => string) => writeFileSync(file, f(readFileSync(file, 'utf8')));
const intoRepo = async (_c: unknown, _w: string, _p: CliRun[], run: EpisodeRun) => {
  run.cwd = join(run.work, REPO);
};
const cli = async (run: EpisodeRun, ...argv: string[]) => {
  const r = await runCli(argv, { cwd: run.cwd, env: run.env });
  expect(r.code, `kcops ${argv.join(' ')}\n${r.out}${r.err}`).toBe(0);
  return r;
};

/** The kcops init kcops.yaml's prod (Confluent Cloud), and its Vault, pointed at the stand-ins. */
function prodAtStandIns(dir: string, cloud: FakeConfluentCloud, vaultUrl?: string): void {
  edit(join(dir, 'kcops.yaml'), (yaml) => {
    const out = yaml
      .replace('environmentId: env-change1', `environmentId: ${cloud.environmentId}`)
      .replace('kafkaClusterId: lkc-change1', `kafkaClusterId: ${cloud.clusterId}`)
      .replace(
        "apiEndpoint: 'https://api.confluent.cloud'",
        `apiEndpoint: '${cloud.url}'\n      credentials: { apiKey: '\${kcops-env:CCLOUD_API_KEY}', apiSecret: '\${kcops-env:CCLOUD_API_SECRET}' }`,
      );
    const prodVault = /( {4}secretProviders:\n {6}vault:\n(?: {8}.*\n)*? {8}address: )'[^']*'/;
    expect(out).toMatch(prodVault);
    return vaultUrl ? out.replace(prodVault, `$1'${vaultUrl}'`) : out;
  });
}

/** The init kcops.yaml's staging (a Connect cluster at connect.staging.example.internal), here the dev stack. */
function stagingAtDevStack(dir: string): void {
  edit(join(dir, 'kcops.yaml'), (yaml) => {
    const line = "      connect: { urls: ['https://connect.staging.example.internal:8083'] }";
    expect(yaml).toContain(line);
    return yaml.replace(
      line,
      `      connect: { urls: [${stack!.urls.join(', ')}], auth: { username: ${stack!.creds.connect.username}, password: '\${dev:connect.password}' } }`,
    );
  });
}

let cloud: FakeConfluentCloud | undefined;
const vault = new FakeVault();
let vaultUrl = '';
async function startStandIns(run: EpisodeRun): Promise<void> {
  ({ cloud } = await startCheckedCloud({ provisioningReads: 0 }));
  Object.assign(run.env, {
    VAULT_ID_TOKEN: 'ci-id-token',
    CCLOUD_API_KEY: cloud.apiKey,
    CCLOUD_API_SECRET: cloud.apiSecret,
  });
  if (vaultUrl) return;
  vault.mount('secret', 2);
  vault.policies.set('kcops-prod', ['secret/data/prod/*']);
  vault.jwtRoles.set('kcops-prod-deploy', { jwt: 'ci-id-token', policies: ['kcops-prod'], ttl: 900, renewable: true });
  vault.write('secret', 'prod/postgres', { password: 'pg-from-vault' });
  vaultUrl = await vault.start();
}

// Episode 4's mistake: the load balancer's REST rule open to the world instead of the VPC.
let ep4Validations = 0;
const CONNECT_CLUSTER_TF = 'terraform/modules/connect-cluster/main.tf';
const OPEN_RULE = ['cidr_ipv4         = var.vpc_cidr', 'cidr_ipv4         = "0.0.0.0/0"'] as const;

const EP6_SINK = 'payments-orders-archive';
// The file sink the payments team keeps in staging, before and after its pull request.
const ep6Sink = (extra: Record<string, string> = {}) =>
  JSON.stringify(
    {
      name: EP6_SINK,
      config: {
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
        'tasks.max': '1',
        topics: 'payments.episode6',
        file: '/tmp/kcops-episode6.txt',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': 'payments.episode6.dlq',
        'errors.deadletterqueue.topic.replication.factor': '1',
        'consumer.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
        'producer.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
        'admin.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
        ...extra,
      },
    },
    null,
    2,
  ) + '\n';

// Episode 7: Alice's key id as the page shows it (the run makes another).
const ALICE_ON_PAGE = 'K4ZD8WQ2N6JH3TXB';

const EP9_SOURCE = 'payments-episode9-src';
const pagerduty = new FakePagerDuty();
const slack = new FakeSlack();

const EPISODES: Episode[] = [
  {
    file: '04-terraform.md',
    before: {
      // Section 2 onwards runs in the repository `kcops init` wrote; its second validate shows "a security group rule
      // opened to the world", made here.
      // Section 7's runs in a copy of the example repository, its prod given another cluster.
      'validate --terraform terraform': async (_c, _w, _p, run, command) => {
        if (command.line !== '$ kcops validate --terraform terraform') return;
        const step = ++ep4Validations;
        if (step === 1) run.cwd = join(run.work, REPO);
        if (step === 2)
          edit(join(run.cwd, CONNECT_CLUSTER_TF), (tf) => {
            expect(tf).toContain(OPEN_RULE[0]);
            return tf.replace(OPEN_RULE[0], OPEN_RULE[1]);
          });
        if (step === 3) {
          run.cwd = join(run.work, 'example');
          cpSync(join(ROOT, 'examples', REPO), run.cwd, { recursive: true });
          edit(join(run.cwd, 'terraform', 'environments', 'prod', 'terraform.tfvars'), (t) => {
            expect(t).toContain('kafka_cluster_id         = "lkc-prod01"');
            return t.replace('kafka_cluster_id         = "lkc-prod01"', 'kafka_cluster_id         = "lkc-prod02"');
          });
        }
      },
      // "point at the output of `terraform providers schema -json`": no terraform here; the schemas kcops ships are
      // that output, trimmed, and make the same document.
      '--provider-schema schema.json': async (_c, _w, _p, run) => {
        edit(join(run.cwd, CONNECT_CLUSTER_TF), (tf) => tf.replace(OPEN_RULE[1], OPEN_RULE[0]));
        const dir = join(ROOT, 'runtime', 'terraform');
        const confluent = JSON.parse(readFileSync(join(dir, 'confluent.schema.json'), 'utf8'));
        const aws = JSON.parse(gunzipSync(readFileSync(join(dir, 'aws.schema.json.gz'))).toString('utf8'));
        writeFileSync(
          join(run.cwd, 'schema.json'),
          JSON.stringify({
            format_version: '1.0',
            provider_schemas: { ...confluent.provider_schemas, ...aws.provider_schemas },
          }),
        );
      },
    },
  },
  {
    file: '05-secrets.md',
    setup: async (_c, _w, run) => startStandIns(run),
    teardown: async () => cloud?.stop(),
    before: {
      // "with the environment's Vault configured": prod's Vault and Cloud at the stand-ins, and the template's
      // placeholder service account filled in as the user would.
      'validate connectors/prod --offline': async (_c, _w, _p, run) => {
        prodAtStandIns(run.cwd, cloud!, vaultUrl);
        edit(join(run.cwd, 'connectors', 'prod', 'payments-orders-jdbc.json'), (t) =>
          t.replace('sa-CHANGE-ME', 'sa-payments'),
        );
      },
    },
  },
  {
    file: '06-pipelines.md',
    setup: async (_c, _w, run) => startStandIns(run),
    async teardown(cluster) {
      await cloud?.stop();
      await cluster.delete(EP6_SINK).catch(() => undefined);
    },
    before: {
      // The repository in Git, prod at the stand-ins, staging on the dev stack and deployed from `main`; then a
      // pull request that changes the staging connector: the plan comment shows that change.
      'plan --env staging -o markdown': async (_c, _w, _p, run) => {
        await intoRepo(_c, _w, _p, run);
        prodAtStandIns(run.cwd, cloud!, vaultUrl);
        stagingAtDevStack(run.cwd);
        const file = join(run.cwd, 'connectors', 'staging', `${EP6_SINK}.json`);
        writeFileSync(file, ep6Sink());
        git(run.cwd, 'init', '-q', '-b', 'main');
        git(run.cwd, 'config', 'user.name', 'Demo');
        git(run.cwd, 'config', 'user.email', 'demo@example.com');
        git(run.cwd, 'add', '-A');
        git(run.cwd, 'commit', '-q', '-m', 'kafka-connect-configs');
        await cli(run, 'apply', '--env', 'staging', '--auto-approve');
        writeFileSync(file, ep6Sink({ 'errors.log.enable': 'true' }));
      },
      // The merge: staging deployed by its job, then `prod-plan` keeps prod's plan as the artifact.
      'apply --env prod plan-prod.json': async (_c, _w, _p, run) => {
        // The merged pull request also brings prod's first connector.
        await cli(run, 'new', 'jdbc-sink', '--env', 'prod', '--name', 'payments-orders-jdbc');
        edit(join(run.cwd, 'connectors', 'prod', 'payments-orders-jdbc.json'), (t) =>
          t.replace('sa-CHANGE-ME', 'sa-payments'),
        );
        git(run.cwd, 'add', '-A');
        git(run.cwd, 'commit', '-q', '-m', `${EP6_SINK}: log record errors; payments-orders-jdbc in prod`);
        await cli(run, 'apply', '--env', 'staging', '--auto-approve');
        await cli(run, 'plan', '--env', 'prod', '--out', 'plan-prod.json');
      },
    },
  },
  {
    file: '07-onboarding-a-team.md',
    // Alice's profile stays in the episode's directory, not in the tester's ~/.config.
    setup: async (cluster, work, run) => {
      run.env.KCOPS_PROFILE_FILE = join(work, 'profile', 'credentials.json');
      // Alice's repository: prod is the dev stack's workers (the page's cluster), teams as the key file has them.
      writeFileSync(
        join(work, 'kcops.yaml'),
        [
          'project: onboarding',
          'secretProviders:',
          '  dev: { type: dev-stack }',
          'teams:',
          '  payments: { prefixes: [payments-] }',
          '  analytics: { prefixes: [analytics-] }',
          'environments:',
          '  prod:',
          '    cluster:',
          '      type: self-managed',
          `      connect: { urls: [${stack!.urls.join(', ')}], auth: { username: ${stack!.creds.connect.username}, password: '\${dev:connect.password}' } }`,
          '',
        ].join('\n'),
      );
      // "What the team sees": one payments connector and one of analytics on the cluster.
      for (const name of ['payments-orders-cdc', 'analytics-events-s3'])
        await cluster.updateConfig(name, {
          'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
          'tasks.max': '1',
          file: `/tmp/kcops-episode7-${name}.txt`,
          topic: name,
        });
      // The page's curl talks to the dev stack's default port, with the payments team's key of credentials.json.
      const creds = JSON.parse(readFileSync(process.env.KCOPS_TEST_CREDENTIALS_FILE!, 'utf8')) as {
        connect: { keys: Record<string, { username: string; password: string }> };
      };
      run.env.KEY_ID = creds.connect.keys.payments!.username;
      run.env.SECRET = creds.connect.keys.payments!.password;
      run.words['http://127.0.0.1:28083'] = stack!.urls[0]!;
    },
    async teardown(cluster, run) {
      for (const name of ['payments-orders-cdc', 'analytics-events-s3'])
        await cluster.delete(name).catch(() => undefined);
      // The keys the page made (Alice's rotated one, Bob's) are revoked, so the next run starts from the stack's own.
      const list = await runCli(['access', 'keys', 'list', '-o', 'json'], { cwd: run!.cwd, env: run!.env });
      for (const k of (list.json?.keys ?? []) as { id: string; principal: string; status: string }[])
        if (['alice', 'bob'].includes(k.principal) && k.status === 'active')
          await runCli(['access', 'keys', 'revoke', k.id], { cwd: run!.cwd, env: run!.env });
    },
    before: {
      // The page's id for Alice's key is an example: the one the run made is read from her key file.
      'kcops login --env prod --key-file alice.key.json': async (_c, _w, _p, run) => {
        const key = JSON.parse(readFileSync(join(run.cwd, 'alice.key.json'), 'utf8')) as {
          username: string;
          password: string;
        };
        run.words[ALICE_ON_PAGE] = key.username;
        // "Give the file to Alice over your usual secret channel": by then every worker has re-read the key file
        // (within seconds, the page says); here that moment is waited for, not guessed.
        const auth = 'Basic ' + Buffer.from(`${key.username}:${key.password}`).toString('base64');
        const deadline = Date.now() + 20_000;
        for (const url of stack!.urls)
          while ((await fetch(`${url}/connectors`, { headers: { authorization: auth } })).status !== 200) {
            if (Date.now() > deadline) throw new Error(`${url} does not accept Alice's new key`);
            await new Promise((r) => setTimeout(r, 200));
          }
      },
    },
  },
  {
    file: '09-monitoring-and-alerting.md',
    // The page's prod: its rules and destinations (the yaml block of section 2) on the dev stack's workers, with
    // PagerDuty and Slack at their stand-ins; staging alerts to Slack. Both environments are the dev stack.
    async setup(cluster, work, run) {
      // prod runs a connector: the page's `workers` rule (min 3) then sees the dev stack's two workers at most.
      await cluster.updateConfig(EP9_SOURCE, {
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
        'tasks.max': '1',
        file: '/tmp/kcops-episode9.txt',
        topic: 'payments.episode9',
        'producer.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
      });
      const hook = await slack.listen('/services/T0/B0/episode9');
      const pd = await pagerduty.listen('/v2/enqueue');
      Object.assign(run.env, {
        PAGERDUTY_ROUTING_KEY: 'e93facc04764012d7bfb002500d5d1a6',
        PAYMENTS_SLACK_WEBHOOK: hook,
        STAGING_SLACK_WEBHOOK: hook,
      });
      run.seen[pd] = 'https://events.pagerduty.com/v2/enqueue';
      const env = (name: string) =>
        [
          `  ${name}:`,
          '    cluster:',
          '      type: self-managed',
          `      connect: { urls: [${stack!.urls.join(', ')}], auth: { username: ${stack!.creds.connect.username}, password: '\${dev:connect.password}' } }`,
        ].join('\n');
      writeFileSync(
        join(work, 'kcops.yaml'),
        [
          'project: monitoring',
          'secretProviders:',
          '  dev: { type: dev-stack }',
          '  env: { type: env, resolvedBy: kcops }',
          'teams:',
          '  payments: { prefixes: [payments-] }',
          'environments:',
          env('prod'),
          env('staging'),
          '',
        ].join('\n'),
      );
      const page = readFileSync(join(ROOT, 'docs', 'episodes', '09-monitoring-and-alerting.md'), 'utf8');
      const metrics = "['http://connect-1:9404/metrics', 'http://connect-2:9404/metrics']";
      const prod = /```yaml\n(prod:\n {2}metrics:[\s\S]*?)```/.exec(page)![1]!;
      expect(prod).toContain(metrics);
      const pdLine = "{ type: pagerduty, routingKey: '${env:PAGERDUTY_ROUTING_KEY}' }";
      expect(prod).toContain(pdLine);
      writeFileSync(
        join(work, 'kcops.observability.yaml'),
        prod
          .replace(
            metrics,
            `[${(process.env.KCOPS_TEST_METRICS_URLS ?? '')
              .split(',')
              .map((u) => `'${u}'`)
              .join(', ')}]`,
          )
          .replace(pdLine, `${pdLine.slice(0, -2)}, endpoint: '${pd}' }`) +
          [
            'staging:',
            '  alerts:',
            '    destinations:',
            "      - { type: slack, webhookUrl: '${env:STAGING_SLACK_WEBHOOK}' }",
            '',
          ].join('\n'),
      );
    },
    async teardown(cluster) {
      await cluster.delete(EP9_SOURCE).catch(() => undefined);
      await Promise.all([slack.close(), pagerduty.close(), vault.stop()]);
    },
    instead: {
      // A service that runs until stopped: started as the page shows it (listening on a free port instead of 9465,
      // which may be taken on a shared machine), watched until both environments had a round and the probes answer,
      // then stopped with SIGTERM, the way an orchestrator stops it. A separate process (bin/kcops.js, so the build in
      // dist/) because a signal is what stops it.
      'kcops monitor --env prod --env staging': async (c, run) => monitorService(c.argv, run),
    },
  },
];

async function monitorService(argv: string[], run: EpisodeRun): Promise<CliRun> {
  const args = argv.map((w) => (w === '0.0.0.0:9465' ? '127.0.0.1:0' : w));
  expect(args).toContain('127.0.0.1:0');
  const child = spawn(process.execPath, [BIN, ...args], { cwd: run.cwd, env: run.env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? 1)));
  try {
    const rounds = () =>
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { kind: string; env: string });
    const deadline = Date.now() + 60_000;
    while (!['prod', 'staging'].every((e) => rounds().some((r) => r.kind === 'round' && r.env === e))) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`no round of each environment:\n${out}${err}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const base = /serving (http:\/\/[^/\s]+)\/healthz/.exec(err)?.[1];
    expect(base, err).toBeDefined();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    // Ready: this instance holds both environments' leases and their rounds succeeded.
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status, await ready.text()).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('kcops_monitor_active');
    // The page's `workers` rule (min 3) pages PagerDuty about the dev stack's two workers, once.
    expect(
      pagerduty.received.filter((e) => (e as { dedup_key?: string }).dedup_key === 'kcops/prod/workers'),
    ).toHaveLength(1);
  } finally {
    child.kill('SIGTERM');
  }
  return { code: await exited, out, err, json: undefined };
}

describeEpisodes('episodes 4-7 and 9 run against the dev stack and the stand-ins', EPISODES, stack, devHome);
