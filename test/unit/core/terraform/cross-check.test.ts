import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { globToRegExp } from '../../../../src/core/terraform/cross-check.js';
import { validate } from '../../../../src/core/validate/run.js';
import { runCli } from '../../../support/run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const EXAMPLE = join(ROOT, 'examples/kafka-connect-configs');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the example repository (kcops.yaml, connectors/, terraform/) to break one thing in. */
function exampleCopy(): string {
  const d = mkdtempSync(join(tmpdir(), 'kcops-xcheck-'));
  dirs.push(d);
  cpSync(EXAMPLE, d, { recursive: true });
  return d;
}

const edit = (repo: string, rel: string, from: string | RegExp, to: string): void => {
  const p = join(repo, rel);
  const text = readFileSync(p, 'utf8');
  expect(text).toMatch(from);
  writeFileSync(p, text.replace(from, to));
};

/** The findings a change adds to the example's own (offline, whole repository, as `kcops validate --offline`). */
async function added(repo: string): Promise<string[]> {
  const base = new Set((await validate({ paths: [], cwd: EXAMPLE })).findings.map((f) => `${f.rule} ${f.file}`));
  const now = (await validate({ paths: [], cwd: repo })).findings;
  return now
    .map((f) => `${f.rule} ${f.file}:${f.line}:${f.column}`)
    .filter((s) => !base.has(s.replace(/:\d+:\d+$/, '')));
}

describe('cross-checks between kcops.yaml + connectors/ and terraform/ (part of a normal validate)', () => {
  it('the example repository has none: prod ids, files and service accounts agree on both sides', async () => {
    const r = await validate({ paths: [], cwd: EXAMPLE });
    expect(r.findings.filter((f) => f.rule.startsWith('terraform/'))).toEqual([]);
  }, 60_000);

  it('the connectors module pointed at another folder → terraform/connector-not-deployed for each prod file', async () => {
    const repo = exampleCopy();
    edit(repo, 'terraform/environments/prod/confluent.tf', 'connectors/prod"', 'connectors/dev"');
    expect((await added(repo)).sort()).toEqual([
      'terraform/connector-not-deployed connectors/prod/payments-orders-cdc.json:2:11',
      'terraform/connector-not-deployed connectors/prod/payments-orders-jdbc-sink.json:2:11',
      'terraform/connector-not-deployed connectors/prod/payments-orders-s3-sink.json:2:11',
    ]);
  }, 60_000);

  it('a file the fileset pattern does not match → terraform/connector-not-deployed for that file only', async () => {
    const repo = exampleCopy();
    edit(
      repo,
      'terraform/modules/connectors/main.tf',
      'fileset(var.connectors_dir, "*.json")',
      'fileset(var.connectors_dir, "payments-orders-{cdc,s3-sink}.json")',
    );
    expect(await added(repo)).toEqual([
      'terraform/connector-not-deployed connectors/prod/payments-orders-jdbc-sink.json:2:11',
    ]);
  }, 60_000);

  it("Terraform's environment id differs from kcops.yaml's → terraform/environment-mismatch at the tfvars line", async () => {
    const repo = exampleCopy();
    edit(repo, 'terraform/environments/prod/terraform.tfvars', '"env-prod01"', '"env-stag01"');
    expect(await added(repo)).toEqual([
      'terraform/environment-mismatch terraform/environments/prod/terraform.tfvars:9:28',
    ]);
  }, 60_000);

  it("and the Kafka cluster id (through the data source's id) → terraform/environment-mismatch", async () => {
    const repo = exampleCopy();
    edit(repo, 'terraform/environments/prod/terraform.tfvars', '"lkc-prod01"', '"lkc-prod99"');
    const found = await validate({ paths: [], cwd: repo });
    const mismatch = found.findings.filter((f) => f.rule === 'terraform/environment-mismatch');
    expect(mismatch.map((f) => [f.file, f.line, f.column])).toEqual([
      ['terraform/environments/prod/terraform.tfvars', 11, 28],
    ]);
    expect(mismatch[0]!.message).toContain('"lkc-prod99"');
    expect(mismatch[0]!.message).toContain('"lkc-prod01"');
  }, 60_000);

  it('a connector running as an account Terraform does not create → terraform/unknown-service-account', async () => {
    const repo = exampleCopy();
    edit(repo, 'connectors/prod/payments-orders-s3-sink.json', '"sa-payments"', '"sa-orders"');
    expect(await added(repo)).toEqual([
      'terraform/unknown-service-account connectors/prod/payments-orders-s3-sink.json:13:33',
    ]);
  }, 60_000);

  it('onboarding the team in Terraform (one module call) makes its account known', async () => {
    const repo = exampleCopy();
    edit(repo, 'connectors/prod/payments-orders-s3-sink.json', '"sa-payments"', '"sa-orders"');
    const root = join(repo, 'terraform/environments/prod/confluent.tf');
    const text = readFileSync(root, 'utf8');
    const call = /module "team_payments" \{[\s\S]*?\n\}\n/.exec(text)![0];
    writeFileSync(
      root,
      text +
        '\n' +
        call
          .replace('team_payments', 'team_orders')
          .replace('"payments"', '"orders"')
          .replace('"payments-"', '"orders-"')
          .replace('"connect-payments-"', '"connect-orders-"'),
    );
    expect(await added(repo)).toEqual([]);
  }, 60_000);

  it('go out through the CLI like every finding: JSON with file:line:col, SARIF with the rule id, exit 1', async () => {
    const repo = exampleCopy();
    edit(repo, 'terraform/environments/prod/terraform.tfvars', '"env-prod01"', '"env-stag01"');
    const json = await runCli(['validate', '--offline', '-o', 'json'], { cwd: repo });
    expect(json.code).toBe(1);
    expect(
      json.json.findings.filter((f: { rule: string }) => f.rule === 'terraform/environment-mismatch'),
    ).toMatchObject([{ file: 'terraform/environments/prod/terraform.tfvars', line: 9, column: 28, severity: 'error' }]);
    const sarif = await runCli(['validate', '--offline', '-o', 'sarif'], { cwd: repo });
    expect(sarif.json.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain(
      'terraform/environment-mismatch',
    );
    const junit = await runCli(['validate', '--offline', '-o', 'junit'], { cwd: repo });
    expect(junit.out).toContain('terraform/environment-mismatch');
  }, 90_000);
});

describe("fileset patterns (Terraform's glob)", () => {
  it.each([
    ['*.json', 'orders.json', true],
    ['*.json', 'sub/orders.json', false],
    ['**/*.json', 'sub/orders.json', true],
    ['**/*.json', 'orders.json', true],
    ['{a,b}-sink.json', 'b-sink.json', true],
    ['{a,b}-sink.json', 'c-sink.json', false],
    ['orders-?.json', 'orders-1.json', true],
    ['[!x]*.json', 'orders.json', true],
    ['[!x]*.json', 'xorders.json', false],
  ])('%s ~ %s = %s', (glob, path, hit) => {
    expect(globToRegExp(glob).test(path)).toBe(hit);
  });
});
