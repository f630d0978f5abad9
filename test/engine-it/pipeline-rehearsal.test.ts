/**
 * Pipeline rehearsal (issue #13 §2): a repository written by `kcops init --ci github`, in a throw-away Git
 * repository, whose workflow jobs are run step by step (test/support/workflow-rehearsal.ts) with the variables a
 * GitHub runner sets, against the real dev stack. dev, staging and prod are three environments of kcops.yaml on the
 * one stack, told apart by name prefix. The story: a PR adds a connector (validate, plan comment, connector test
 * pass); a broken PR fails with SARIF findings; merge applies staging; a bad change in staging rolls back (exit 4); a
 * hand edit is caught by the drift job; the rollback workflow restores the previous revision; prod applies exactly the
 * saved plan, and deletes only what a person named.
 *
 * Needs a running dev stack: KCOPS_TEST_CONNECT_URLS, KCOPS_TEST_CREDENTIALS_FILE, KCOPS_TEST_DEV_HOME (the
 * integration project's global setup sets them). Steps that cannot run here are listed by the runner as stand-ins
 * or not rehearsed, and printed at the end.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { runCli } from '../support/run-cli.js';
import { kcopsOnPath, WorkflowRehearsal, type JobRun } from '../support/workflow-rehearsal.js';

const urls = process.env.KCOPS_TEST_CONNECT_URLS?.split(',').filter(Boolean) ?? [];
const credsFile = process.env.KCOPS_TEST_CREDENTIALS_FILE;
const devHome = process.env.KCOPS_TEST_DEV_HOME;
const enabled = urls.length > 0 && !!credsFile && !!devHome;

const run = randomBytes(3).toString('hex');
const p = (env: string) => `payments-r${run}-${env}-`;
const PR_WF = '.github/workflows/kcops-pull-request.yml';
const DEPLOY_WF = '.github/workflows/kcops-deploy.yml';
const DRIFT_WF = '.github/workflows/kcops-drift.yml';
const ROLLBACK_WF = '.github/workflows/kcops-rollback.yml';

describe.skipIf(!enabled)('pipeline rehearsal on the dev stack', () => {
  const creds = enabled
    ? (JSON.parse(readFileSync(credsFile!, 'utf8')) as { connect: { username: string; password: string } })
    : undefined;
  const cluster = enabled ? new SelfManagedCluster({ urls, auth: creds!.connect }) : undefined;
  const repo = mkdtempSync(join(tmpdir(), 'kcops-rehearsal-repo-'));
  const outDir = mkdtempSync(join(tmpdir(), 'kcops-rehearsal-out-'));
  const runner = new WorkflowRehearsal({
    workspace: repo,
    kcopsBin: kcopsOnPath(),
    machineEnv: { KCOPS_DEV_HOME: devHome ?? '', NO_COLOR: '1' },
  });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  const sink = (name: string, file: string) => ({
    name,
    config: {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      'tasks.max': '1',
      topics: `payments.rehearsal-${run}`,
      file,
      'consumer.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
    },
  });
  const put = (env: string, suffix: string, file: string | undefined, extra: Record<string, string> = {}) => {
    const name = p(env) + suffix;
    const path = join(repo, 'connectors', env, `${name}.json`);
    if (file === undefined) rmSync(path, { force: true });
    else {
      const c = sink(name, file);
      writeFileSync(path, JSON.stringify({ ...c, config: { ...c.config, ...extra } }, null, 2) + '\n');
    }
    return name;
  };
  const commit = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  const fileOf = async (name: string) => (await cluster!.connectorConfig(name))?.file;
  const step = (r: JobRun, name: string) => r.steps.find((s) => s.step === name);
  const mine = async () =>
    (await cluster!.collect()).connectors.map((c) => c.name).filter((n) => n.startsWith(`payments-r${run}-`));

  afterAll(async () => {
    if (!enabled) return;
    for (const n of await mine()) await cluster!.delete(n).catch(() => undefined);
    const lines = runner.records
      .filter((r) => r.kind !== 'ran')
      .map((r) => `${r.job} › ${r.step}: ${r.kind}${r.note ? ` (${r.note})` : ''}`);
    writeFileSync(join(outDir, 'not-run-steps.txt'), [...new Set(lines)].join('\n') + '\n');
    process.stderr.write(`[rehearsal] steps not run as written:\n  ${[...new Set(lines)].join('\n  ')}\n`);
  });

  it('init --ci github, pointed at the dev stack', async () => {
    // Every environment of this repository is self-managed (the one dev stack): so is its Terraform blueprint.
    const init = await runCli(['init', repo, '--ci', 'github', '--cloud', 'self-managed', '-o', 'json']);
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
        `  payments: { prefixes: ['payments-r${run}-'], serviceAccounts: [sa-payments] }`,
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
    commit('kcops init --ci github');
  });

  it('PR adds a connector: validate (SARIF, JUnit), JSON Schema, plan comment, connector test pass', async () => {
    const base = git('rev-parse', 'HEAD');
    git('checkout', '-q', '-b', 'add-orders-sink');
    put('dev', 'orders', '/tmp/kcops-rehearsal-dev.txt');
    put('staging', 'orders', `/tmp/kcops-rehearsal-${run}-staging-v1.txt`);
    put('prod', 'orders', `/tmp/kcops-rehearsal-${run}-prod-v1.txt`);
    commit('add the orders sink');
    const pr = { event: 'pull_request', pullRequest: { number: 7, baseSha: base } };

    const validate = runner.runJob(PR_WF, 'validate', pr);
    expect(validate.code, JSON.stringify(validate.steps)).toBe(0);
    const sarif = JSON.parse(readFileSync(join(repo, 'kcops.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
    // The rehearsal connects staging and prod with the dev stack's admin identity written in kcops.yaml: the one
    // finding is the warning against exactly that shared identity (permission/shared-connect-key), once per
    // strict environment; nothing about the connector files.
    const findings = sarif.runs[0]!.results as { ruleId: string; level: string }[];
    expect(findings.map((f) => `${f.ruleId}:${f.level}`)).toEqual([
      'permission/shared-connect-key:warning',
      'permission/shared-connect-key:warning',
    ]);
    expect(readFileSync(join(repo, 'kcops-junit.xml'), 'utf8')).toContain('failures="0"');

    const schema = runner.runJob(PR_WF, 'schema', pr);
    expect(schema.code, JSON.stringify(schema.steps)).toBe(0);

    const plan = runner.runJob(PR_WF, 'plan', pr);
    expect(plan.code, JSON.stringify(plan.steps)).toBe(0);
    expect(plan.outputs.envs?.list?.trim().split(' ')).toEqual(['dev', 'prod', 'staging']);
    const comment = readFileSync(join(repo, 'plan-comment.md'), 'utf8');
    expect(comment.startsWith('<!-- kcops-plan-comment -->\n')).toBe(true);
    for (const env of ['dev', 'staging', 'prod']) {
      expect(comment).toContain(`<!-- kcops-plan:${env} -->`);
      expect(comment).toContain(`| 🟢 create | <code>${p(env)}orders</code> |`);
    }
    expect(comment).toContain('<details>');
    expect(step(plan, 'Post the plan as one comment, updated in place')?.kind).toBe('not-rehearsed');

    const test = runner.runJob(PR_WF, 'connector-test', pr);
    expect(test.code, JSON.stringify(test.steps)).toBe(0);
    expect(step(test, "Apply the pull request's connectors to dev and wait for RUNNING")?.code).toBe(0);
    expect(await mine()).toContain(`${p('dev')}orders`);
    // `kcops dev down --purge` is the job's tear-down; on the shared stack the rehearsal removes what it applied.
    await cluster!.delete(`${p('dev')}orders`);
    for (const f of ['kcops.sarif', 'kcops-junit.xml', 'plan-comment.md']) rmSync(join(repo, f));
  });

  it('a broken PR fails validate with SARIF findings on the right lines', () => {
    git('checkout', '-q', '-b', 'broken');
    put('staging', 'broken', '/tmp/x.txt', { 'connection.password': 'hunter2-in-clear' });
    commit('a broken connector');
    const r = runner.runJob(PR_WF, 'validate', {
      event: 'pull_request',
      pullRequest: { number: 8, baseSha: git('rev-parse', 'HEAD~1') },
    });
    expect(r.code).not.toBe(0);
    const doc = JSON.parse(readFileSync(join(repo, 'kcops.sarif'), 'utf8')) as {
      runs: {
        results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
      }[];
    };
    const secret = doc.runs[0]!.results.find((x) => x.ruleId === 'secret/plaintext');
    expect(secret?.locations[0]!.physicalLocation.artifactLocation.uri).toBe(
      `connectors/staging/${p('staging')}broken.json`,
    );
    expect(readFileSync(join(repo, 'kcops.sarif'), 'utf8')).not.toContain('hunter2-in-clear');
    expect(step(r, 'Upload SARIF to code scanning')?.note).toMatch(/[1-9]\d* result/);
    git('checkout', '-q', 'add-orders-sink');
    git('branch', '-q', '-D', 'broken');
    rmSync(join(repo, 'kcops.sarif'));
    rmSync(join(repo, 'kcops-junit.xml'));
  });

  it('merge to main: staging applied by the CI identity, drift check clean', async () => {
    git('checkout', '-q', 'main');
    git('merge', '-q', '--ff-only', 'add-orders-sink');
    runner.newRun();
    const r = runner.runJob(DEPLOY_WF, 'staging', { event: 'push' });
    expect(r.code, JSON.stringify(r.steps)).toBe(0);
    expect(r.summary).toContain('### kcops apply: staging (exit 0)');
    expect(step(r, 'Drift check after the apply')?.code).toBe(0);
    expect(await fileOf(`${p('staging')}orders`)).toBe(`/tmp/kcops-rehearsal-${run}-staging-v1.txt`);
    const audit = readFileSync(join(repo, '.kcops', 'audit', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n');
    // The actor is who the workers authenticated (issue #15); the runner's identity is the label beside it.
    const last = JSON.parse(audit.at(-1)!) as { actor: string; actorLabel?: string };
    expect(last.actor).toBe((await cluster!.whoami!())?.principal);
    expect(last.actorLabel).toMatch(
      /^release-bot via GitHub Actions \(https:\/\/github\.com\/acme\/kafka-connect-configs\/actions\/runs\/\d+\)$/,
    );
  });

  it('a bad change in staging fails with exit 4 and is rolled back, the outcome in the job summary', async () => {
    const good = git('rev-parse', 'HEAD');
    put('staging', 'orders', '/nonexistent-dir/kcops/out.txt');
    commit('staging: write where no file can be opened');
    runner.newRun();
    const r = runner.runJob(DEPLOY_WF, 'staging', { event: 'push' });
    expect(r.code).toBe(4);
    expect(r.summary).toContain('### kcops apply: staging (exit 4)');
    expect(r.summary).toContain('The apply failed and was rolled back.');
    expect(r.summary).toMatch(/rollback: \w+ done/);
    expect(await fileOf(`${p('staging')}orders`)).toBe(`/tmp/kcops-rehearsal-${run}-staging-v1.txt`);
    git('revert', '--no-edit', 'HEAD');
    expect(git('diff', good, 'HEAD', '--', 'connectors')).toBe('');
  });

  it('a hand edit is caught by the scheduled drift job (exit 3 → the issue step runs)', async () => {
    const name = `${p('staging')}orders`;
    const live = await cluster!.connectorConfig(name);
    await cluster!.updateConfig(name, { ...live!, file: '/tmp/kcops-rehearsal-hand-edit.txt' });
    runner.newRun();
    const r = runner.runJob(DRIFT_WF, 'drift', { event: 'schedule', matrix: { env: 'staging' } });
    expect(r.code, JSON.stringify(r.steps)).toBe(0);
    expect(r.outputs.drift?.status).toBe('3');
    expect(readFileSync(join(repo, 'drift.txt'), 'utf8')).toContain(name);
    expect(step(r, 'Open or update the drift issue')?.kind).toBe('not-rehearsed'); // ran its if:, GitHub API not here
    rmSync(join(repo, 'drift.txt'));
  });

  it('the rollback workflow restores the previous revision', async () => {
    const previous = git('rev-parse', 'HEAD');
    put('staging', 'orders', `/tmp/kcops-rehearsal-${run}-staging-v2.txt`);
    commit('staging: v2');
    runner.newRun();
    expect(runner.runJob(DEPLOY_WF, 'staging', { event: 'push' }).code).toBe(0);
    expect(await fileOf(`${p('staging')}orders`)).toBe(`/tmp/kcops-rehearsal-${run}-staging-v2.txt`);
    runner.newRun();
    const r = runner.runJob(ROLLBACK_WF, 'rollback', {
      event: 'workflow_dispatch',
      inputs: { environment: 'staging', to: previous, approve_delete: '' },
    });
    expect(r.code, JSON.stringify(r.steps)).toBe(0);
    expect(r.summary).toContain(`### kcops rollback: staging to ${previous} (exit 0)`);
    expect(await fileOf(`${p('staging')}orders`)).toBe(`/tmp/kcops-rehearsal-${run}-staging-v1.txt`);
  });

  it('prod: the approved job applies exactly the saved plan; a deletion needs a named approval', async () => {
    // The three environments share the one stack, and ownership is by team prefix: prod would see staging's
    // connector as "in scope, not in Git" (drift). Separate clusters would not; staging's story is done, so it goes.
    await cluster!.delete(`${p('staging')}orders`);
    runner.newRun();
    const plan = runner.runJob(DEPLOY_WF, 'prod-plan', { event: 'push' });
    expect(plan.code, JSON.stringify(plan.steps)).toBe(0);
    expect(plan.summary).toContain(`| 🟢 create | <code>${p('prod')}orders</code>`);
    // The GitHub environment `prod` (required reviewers) holds prod-apply until approved: a platform gate, not
    // rehearsable here. Once approved, the job applies the artifact.
    rmSync(join(repo, 'plan-prod.json'));
    const apply = runner.runJob(DEPLOY_WF, 'prod-apply', { event: 'push' });
    expect(apply.code, JSON.stringify(apply.steps)).toBe(0);
    expect(await fileOf(`${p('prod')}orders`)).toBe(`/tmp/kcops-rehearsal-${run}-prod-v1.txt`);

    // A saved plan is applied only against the cluster it was made for.
    put('prod', 'orders', `/tmp/kcops-rehearsal-${run}-prod-v2.txt`);
    commit('prod: v2');
    runner.newRun();
    expect(runner.runJob(DEPLOY_WF, 'prod-plan', { event: 'push' }).code).toBe(0);
    const live = await cluster!.connectorConfig(`${p('prod')}orders`);
    await cluster!.updateConfig(`${p('prod')}orders`, {
      ...live!,
      'tasks.max': '1',
      file: '/tmp/kcops-rehearsal-moved.txt',
    });
    const stale = runner.runJob(DEPLOY_WF, 'prod-apply', { event: 'push' });
    expect(stale.code).not.toBe(0);
    expect(stale.summary).toMatch(/stale|changed since/i);
    expect(await fileOf(`${p('prod')}orders`)).toBe('/tmp/kcops-rehearsal-moved.txt');

    // Removing the connector from Git deletes nothing on push; a manual run that names it does, after approval.
    put('prod', 'orders', undefined);
    commit('prod: retire the orders sink');
    runner.newRun();
    expect(runner.runJob(DEPLOY_WF, 'prod-plan', { event: 'push' }).code).toBe(0);
    const kept = runner.runJob(DEPLOY_WF, 'prod-apply', { event: 'push' });
    expect(kept.steps.find((x) => x.step === 'Apply exactly the approved plan')?.code).toBe(0);
    // Until someone names it, the connector Git no longer declares is drift: the job says so (exit 3).
    expect(kept.steps.find((x) => x.step === 'Drift check after the apply')?.code).toBe(3);
    expect(await mine()).toContain(`${p('prod')}orders`);
    runner.newRun();
    const named = { event: 'workflow_dispatch', inputs: { approve_delete: `${p('prod')}orders` } };
    const delPlan = runner.runJob(DEPLOY_WF, 'prod-plan', named);
    expect(delPlan.summary).toContain(`| 🔴 delete | <code>${p('prod')}orders</code>`);
    // The same saved plan without the named approval is refused.
    const unnamed = runner.runJob(DEPLOY_WF, 'prod-apply', {
      event: 'workflow_dispatch',
      inputs: { approve_delete: '' },
    });
    expect(unnamed.code).not.toBe(0);
    expect(unnamed.summary).toMatch(/approve-delete/);
    expect(await mine()).toContain(`${p('prod')}orders`);
    const del = runner.runJob(DEPLOY_WF, 'prod-apply', named);
    expect(del.code, JSON.stringify(del.steps)).toBe(0);
    expect(await mine()).not.toContain(`${p('prod')}orders`);
  });

  it('lists every step it did not run as written', () => {
    const notRun = runner.records.filter((r) => r.kind === 'stand-in' || r.kind === 'not-rehearsed');
    expect(notRun.map((r) => r.step)).toEqual(
      expect.arrayContaining(['Install kcops', 'Start the dev stack in the runner']),
    );
    expect(notRun.every((r) => r.note && r.note.length > 0)).toBe(true);
    if (!existsSync(outDir)) mkdirSync(outDir);
  });
});
