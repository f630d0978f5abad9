/**
 * GitLab pipeline rehearsal (issue #13 §2): a repository written by `kcops init --ci gitlab`, in a throw-away Git
 * repository with a bare `origin`, whose `.gitlab-ci.yml` jobs are run (test/support/gitlab-rehearsal.ts) with the
 * variables a GitLab runner sets, against the real dev stack. dev, staging and prod are three environments of
 * kcops.yaml on the one stack, told apart by name prefix. The story: a merge request adds a connector (validate with
 * SARIF and JUnit, JSON Schema, plan note, connector test); a broken one fails with SARIF findings; main applies staging
 * as the CI identity; a bad change rolls back (exit 4); a hand edit is caught by the scheduled drift pipeline; the
 * manual rollback job restores the previous revision; prod's manual job applies exactly the saved plan of its pipeline,
 * and deletes only what a person named.
 *
 * Needs a running dev stack: KCOPS_TEST_CONNECT_URLS, KCOPS_TEST_CREDENTIALS_FILE, KCOPS_TEST_DEV_HOME.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { runCli } from '../support/run-cli.js';
import { GitlabRehearsal, type PipelineContext } from '../support/gitlab-rehearsal.js';
import { kcopsOnPath, type JobRun } from '../support/workflow-rehearsal.js';

const urls = process.env.KCOPS_TEST_CONNECT_URLS?.split(',').filter(Boolean) ?? [];
const credsFile = process.env.KCOPS_TEST_CREDENTIALS_FILE;
const devHome = process.env.KCOPS_TEST_DEV_HOME;
const enabled = urls.length > 0 && !!credsFile && !!devHome;

const run = randomBytes(3).toString('hex');
const p = (env: string) => `payments-g${run}-${env}-`;
const MR: PipelineContext = { source: 'merge_request_event', mergeRequest: { iid: 7, targetBranch: 'main' } };
const PUSH: PipelineContext = { source: 'push' };

describe.skipIf(!enabled)('GitLab pipeline rehearsal on the dev stack', () => {
  const creds = enabled
    ? (JSON.parse(readFileSync(credsFile!, 'utf8')) as { connect: { username: string; password: string } })
    : undefined;
  const cluster = enabled ? new SelfManagedCluster({ urls, auth: creds!.connect }) : undefined;
  const repo = mkdtempSync(join(tmpdir(), 'kcops-gitlab-repo-'));
  const origin = mkdtempSync(join(tmpdir(), 'kcops-gitlab-origin-'));
  const runner = new GitlabRehearsal({
    workspace: repo,
    kcopsBin: kcopsOnPath(),
    machineEnv: { KCOPS_DEV_HOME: devHome ?? '', NO_COLOR: '1' },
  });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  const put = (env: string, suffix: string, file: string | undefined) => {
    const name = p(env) + suffix;
    const path = join(repo, 'connectors', env, `${name}.json`);
    if (file === undefined) rmSync(path, { force: true });
    else
      writeFileSync(
        path,
        JSON.stringify(
          {
            name,
            config: {
              'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
              'tasks.max': '1',
              topics: `payments.gitlab-${run}`,
              file,
              // The dev stack's workers read as the team's principal (ACLs on payments.*).
              'consumer.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
            },
          },
          null,
          2,
        ) + '\n',
      );
    return name;
  };
  const commit = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  const fileOf = async (name: string) => (await cluster!.connectorConfig(name))?.file;
  const mine = async () =>
    (await cluster!.collect()).connectors.map((c) => c.name).filter((n) => n.startsWith(`payments-g${run}-`));
  const out = (r: JobRun) => r.steps.map((s) => s.output ?? '').join('\n');

  afterAll(async () => {
    if (!enabled) return;
    for (const n of await mine()) await cluster!.delete(n).catch(() => undefined);
    const lines = runner.records
      .filter((r) => r.kind === 'stand-in' || r.kind === 'not-rehearsed')
      .map((r) => `${r.job} › ${r.step}: ${r.kind} (${r.note})`);
    process.stderr.write(`[gitlab rehearsal] lines not run as written:\n  ${[...new Set(lines)].join('\n  ')}\n`);
  });

  it('init --ci gitlab, pointed at the dev stack, pushed to origin', async () => {
    // Every environment of this repository is self-managed (the one dev stack): so is its Terraform blueprint.
    const init = await runCli(['init', repo, '--ci', 'gitlab', '--cloud', 'self-managed', '-o', 'json']);
    expect(init.code, init.err).toBe(0);
    const env = (name: string) =>
      `  ${name}:\n    cluster:\n      type: self-managed\n      connect:\n        urls: [${urls.join(', ')}]\n        auth: { username: ${creds!.connect.username}, password: '\${dev:connect.password}' }\n    policies: { requireDlqOnSinks: false }`;
    writeFileSync(
      join(repo, 'kcops.yaml'),
      [
        'project: rehearsal',
        'secretProviders:',
        "  env: { type: env, resolvedBy: worker, allowlist: '^KCOPS_.*' }",
        '  dev: { type: dev-stack }',
        'teams:',
        `  payments: { prefixes: ['payments-g${run}-'], serviceAccounts: [sa-payments] }`,
        'environments:',
        env('dev'),
        env('staging'),
        env('prod'),
        '',
      ].join('\n'),
    );
    git('init', '-q', '-b', 'main');
    git('config', 'user.name', 'rehearsal');
    git('config', 'user.email', 'rehearsal@example.com');
    commit('kcops init --ci gitlab');
    execFileSync('git', ['init', '-q', '--bare', origin]);
    git('remote', 'add', 'origin', origin);
    git('push', '-q', 'origin', 'main');
  });

  it('merge request: only the MR jobs exist; validate (SARIF, JUnit), schema, plan note and connector test pass', async () => {
    git('checkout', '-q', '-b', 'add-orders-sink');
    put('dev', 'orders', '/tmp/kcops-gitlab-dev.txt');
    put('staging', 'orders', `/tmp/kcops-gitlab-${run}-staging-v1.txt`);
    put('prod', 'orders', `/tmp/kcops-gitlab-${run}-prod-v1.txt`);
    commit('add the orders sink');
    expect(Object.keys(runner.pipeline(MR)).sort()).toEqual([
      'connector-test',
      'plan',
      'schema',
      'terraform',
      'validate',
    ]);

    const validate = runner.runJob('validate', MR);
    expect(validate.code, out(validate)).toBe(0);
    const sarif = JSON.parse(readFileSync(join(repo, 'gl-kcops.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
    // The rehearsal connects staging and prod with the dev stack's admin identity written in kcops.yaml: the one
    // finding is the warning against exactly that shared identity (permission/shared-connect-key), once per
    // strict environment; nothing about the connector files.
    const findings = sarif.runs[0]!.results as { ruleId: string; level: string }[];
    expect(findings.map((f) => `${f.ruleId}:${f.level}`)).toEqual([
      'permission/shared-connect-key:warning',
      'permission/shared-connect-key:warning',
    ]);
    expect(readFileSync(join(repo, 'kcops-junit.xml'), 'utf8')).toContain('failures="0"');
    expect(runner.runJob('schema', MR).code).toBe(0);

    const plan = runner.runJob('plan', MR);
    expect(plan.code, out(plan)).toBe(0);
    expect(out(plan)).toContain('Touched environments dev prod staging');
    const note = readFileSync(join(repo, 'plan-comment.md'), 'utf8');
    expect(note.startsWith('<!-- kcops-plan-comment -->\n')).toBe(true);
    for (const env of ['dev', 'staging', 'prod'])
      expect(note).toContain(`| 🟢 create | <code>${p(env)}orders</code> |`);
    expect(note).toMatch(/Commit [0-9a-f]{40}, job https:\/\/gitlab\.example\.com\/.+\/-\/jobs\/\d+/);

    const tf = runner.runJob('terraform', { ...MR, matrix: { TF_ENV: 'staging' } });
    expect(tf.steps[0]!.kind).toBe('not-rehearsed');

    const test = runner.runJob('connector-test', MR);
    expect(test.code, out(test)).toBe(0);
    expect(await mine()).toContain(`${p('dev')}orders`);
    expect(test.steps.find((s) => s.step.startsWith('after_script: kcops dev down'))?.kind).toBe('not-rehearsed');
    await cluster!.delete(`${p('dev')}orders`);
    for (const f of ['gl-kcops.sarif', 'kcops-junit.xml', 'plan-comment.md']) rmSync(join(repo, f));
  });

  it('a broken merge request fails validate, with SARIF findings on the file', () => {
    git('checkout', '-q', '-b', 'broken');
    const name = put('staging', 'broken', '/tmp/x.txt');
    const path = join(repo, 'connectors', 'staging', `${name}.json`);
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { config: Record<string, string> };
    doc.config['connection.password'] = 'hunter2-in-clear';
    writeFileSync(path, JSON.stringify(doc, null, 2) + '\n');
    commit('a broken connector');
    const r = runner.runJob('validate', MR);
    expect(r.code).not.toBe(0);
    const sarif = readFileSync(join(repo, 'gl-kcops.sarif'), 'utf8');
    expect(sarif).toContain(`connectors/staging/${name}.json`);
    expect(sarif).toContain('secret/plaintext');
    expect(sarif).not.toContain('hunter2-in-clear');
    git('checkout', '-q', 'add-orders-sink');
    git('branch', '-q', '-D', 'broken');
    rmSync(join(repo, 'gl-kcops.sarif'));
    rmSync(join(repo, 'kcops-junit.xml'));
  });

  it('merge to main: staging applied as the CI identity, drift clean; prod waits for a person', async () => {
    git('checkout', '-q', 'main');
    git('merge', '-q', '--ff-only', 'add-orders-sink');
    runner.newPipeline();
    const jobs = runner.pipeline(PUSH);
    expect(jobs).toMatchObject({ 'deploy-staging': 'on_success', 'plan-prod': 'on_success', 'deploy-prod': 'manual' });
    expect(jobs.validate).toBeUndefined();
    const r = runner.runJob('deploy-staging', PUSH);
    expect(r.code, out(r)).toBe(0);
    expect(await fileOf(`${p('staging')}orders`)).toBe(`/tmp/kcops-gitlab-${run}-staging-v1.txt`);
    const audit = readFileSync(join(repo, '.kcops', 'audit', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n');
    // The actor is who the workers authenticated (issue #15); the runner's identity is the label beside it.
    const last = JSON.parse(audit.at(-1)!) as { actor: string; actorLabel?: string };
    expect(last.actor).toBe((await cluster!.whoami!())?.principal);
    expect(last.actorLabel).toMatch(
      /^release-bot via GitLab CI \(https:\/\/gitlab\.example\.com\/acme\/kafka-connect-configs\/-\/jobs\/\d+\)$/,
    );
    expect(runner.runJob('drift-after-staging', PUSH).code).toBe(0);
  });

  it('a bad change in staging fails with exit 4 and is rolled back', async () => {
    put('staging', 'orders', '/nonexistent-dir/kcops/out.txt');
    commit('staging: write where no file can be opened');
    runner.newPipeline();
    const r = runner.runJob('deploy-staging', PUSH);
    expect(r.code).toBe(4);
    expect(out(r)).toContain('The apply failed and was rolled back (exit 4).');
    expect(await fileOf(`${p('staging')}orders`)).toBe(`/tmp/kcops-gitlab-${run}-staging-v1.txt`);
    git('revert', '--no-edit', 'HEAD');
  });

  it('a hand edit is caught by the scheduled drift pipeline (exit 3), which runs nothing else', async () => {
    const name = `${p('staging')}orders`;
    const live = await cluster!.connectorConfig(name);
    await cluster!.updateConfig(name, { ...live!, file: '/tmp/kcops-gitlab-hand-edit.txt' });
    const schedule: PipelineContext = { source: 'schedule', variables: { KCOPS_JOB: 'drift' } };
    runner.newPipeline();
    expect(Object.keys(runner.pipeline(schedule))).toEqual(['drift']);
    const r = runner.runJob('drift', { ...schedule, matrix: { KCOPS_ENV: 'staging' } });
    expect(r.code).toBe(3);
    expect(out(r)).toContain(name);
  });

  it('the rollback job restores the previous revision, only when someone plays it', async () => {
    const previous = git('rev-parse', 'HEAD');
    put('staging', 'orders', `/tmp/kcops-gitlab-${run}-staging-v2.txt`);
    commit('staging: v2');
    runner.newPipeline();
    expect(runner.runJob('deploy-staging', PUSH).code).toBe(0);
    expect(await fileOf(`${p('staging')}orders`)).toBe(`/tmp/kcops-gitlab-${run}-staging-v2.txt`);
    const web: PipelineContext = {
      source: 'web',
      variables: { KCOPS_JOB: 'rollback', KCOPS_ROLLBACK_ENV: 'staging', KCOPS_ROLLBACK_TO: previous },
    };
    runner.newPipeline();
    expect(runner.pipeline(web)).toEqual({ rollback: 'manual' });
    expect(runner.runJob('rollback', web).code).toBe(-1);
    expect(await fileOf(`${p('staging')}orders`)).toBe(`/tmp/kcops-gitlab-${run}-staging-v2.txt`);
    const r = runner.runJob('rollback', { ...web, play: true });
    expect(r.code, out(r)).toBe(0);
    expect(await fileOf(`${p('staging')}orders`)).toBe(`/tmp/kcops-gitlab-${run}-staging-v1.txt`);
  });

  it("prod: the played job applies its pipeline's saved plan; a deletion needs a named approval", async () => {
    // One stack for three environments, owned by prefix: staging's connector would be prod's drift. Its story is done.
    await cluster!.delete(`${p('staging')}orders`);
    runner.newPipeline();
    const plan = runner.runJob('plan-prod', PUSH);
    expect(plan.code, out(plan)).toBe(0);
    expect(readFileSync(join(repo, 'plan-prod.md'), 'utf8')).toContain(`| 🟢 create | <code>${p('prod')}orders</code>`);
    // The artifact, not a file left in the workspace, is what the deploy job applies.
    rmSync(join(repo, 'plan-prod.json'));
    expect(runner.runJob('deploy-prod', PUSH).code).toBe(-1);
    expect(await mine()).not.toContain(`${p('prod')}orders`);
    const apply = runner.runJob('deploy-prod', { ...PUSH, play: true });
    expect(apply.code, out(apply)).toBe(0);
    expect(existsSync(join(repo, 'plan-prod.json'))).toBe(true);
    expect(await fileOf(`${p('prod')}orders`)).toBe(`/tmp/kcops-gitlab-${run}-prod-v1.txt`);

    // Removed from Git: a push pipeline deletes nothing; a manual pipeline naming it does.
    put('prod', 'orders', undefined);
    commit('prod: retire the orders sink');
    runner.newPipeline();
    expect(runner.runJob('plan-prod', PUSH).code).toBe(0);
    expect(runner.runJob('deploy-prod', { ...PUSH, play: true }).code).toBe(0);
    expect(await mine()).toContain(`${p('prod')}orders`);
    const named: PipelineContext = { source: 'web', variables: { KCOPS_APPROVE_DELETE: `${p('prod')}orders` } };
    runner.newPipeline();
    expect(runner.runJob('plan-prod', named).code).toBe(0);
    expect(readFileSync(join(repo, 'plan-prod.md'), 'utf8')).toContain(`| 🔴 delete | <code>${p('prod')}orders</code>`);
    const del = runner.runJob('deploy-prod', { ...named, play: true });
    expect(del.code, out(del)).toBe(0);
    expect(await mine()).not.toContain(`${p('prod')}orders`);
  });

  it('lists every line it did not run as written, each with its reason', () => {
    const notRun = runner.records.filter((r) => r.kind === 'stand-in' || r.kind === 'not-rehearsed');
    expect(notRun.map((r) => r.step)).toEqual(
      expect.arrayContaining(['npm install --global "kcops@${KCOPS_VERSION}"', 'kcops dev up']),
    );
    expect(notRun.every((r) => r.note && r.note.length > 0)).toBe(true);
  });
});
