import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initRepository, terraformTemplateFiles } from '../../../../src/core/project/scaffold.js';
import { checkTerraform } from '../../../../src/core/terraform/check.js';
import { runCli } from '../../../support/run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'kcops-tf-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const check = (dir: string) => checkTerraform(dir, { display: (p) => p.slice(dir.length + 1) });

describe('the Terraform blueprint kcops init writes', () => {
  it.each(['both', 'confluent', 'self-managed'] as const)(
    '--cloud %s passes validate --terraform with no findings',
    async (cloud) => {
      const repo = tmp();
      initRepository(repo, cloud);
      expect(await check(join(repo, 'terraform'))).toEqual([]);
    },
    60_000,
  );

  it('--cloud chooses the modules; every module is called by an environment root', () => {
    const confluent = terraformTemplateFiles('confluent');
    const self = terraformTemplateFiles('self-managed');
    expect(confluent.some((f) => f.startsWith('modules/connect-cluster/'))).toBe(false);
    expect(confluent).toContain('modules/service-accounts/main.tf');
    expect(self).toContain('modules/connect-cluster/main.tf');
    expect(self.some((f) => f.startsWith('modules/networking/') || f.endsWith('/confluent.tf'))).toBe(false);
    const roots = terraformTemplateFiles('both')
      .filter((f) => f.startsWith('environments/'))
      .map((f) => readFileSync(join(ROOT, 'templates/init/terraform', f), 'utf8'))
      .join('\n');
    for (const m of ['connect-cluster', 'connectors', 'networking', 'service-accounts', 'iam'])
      expect(roots).toMatch(new RegExp(`source\\s+= "\\.\\./\\.\\./modules/${m}"`));
  });

  it.each(['both', 'confluent', 'self-managed'] as const)(
    '--cloud %s: each environment is deployed one way, the way the kcops.yaml init writes says (validate: no findings)',
    async (cloud) => {
      const repo = tmp();
      initRepository(repo, cloud);
      const sides = {
        both: ['self-managed', 'self-managed', 'confluent-cloud'],
        confluent: ['self-managed', 'confluent-cloud', 'confluent-cloud'],
        'self-managed': ['self-managed', 'self-managed', 'self-managed'],
      }[cloud];
      const r = await runCli(['validate', '--offline', '-o', 'json'], { cwd: repo });
      expect(r.json.findings.filter((f: { rule: string }) => f.rule.startsWith('terraform/'))).toEqual([]);
      const yaml = readFileSync(join(repo, 'kcops.yaml'), 'utf8');
      ['dev', 'staging', 'prod'].forEach((env, i) =>
        expect(yaml).toMatch(new RegExp(`\\n  ${env}:\\n    cluster:\\n      type: ${sides[i]}\\n`)),
      );
      const tf = (env: string, side: string) => existsSync(join(repo, 'terraform/environments', env, `${side}.tf`));
      ['dev', 'staging', 'prod'].forEach((env, i) => {
        expect(tf(env, 'confluent')).toBe(sides[i] === 'confluent-cloud');
        expect(tf(env, 'self-managed')).toBe(sides[i] === 'self-managed' && !(cloud === 'confluent' && env === 'dev'));
      });
    },
    60_000,
  );

  it('a self-managed environment whose root also creates its connectors as managed → terraform/deployment-mismatch', async () => {
    const repo = tmp();
    cpSync(join(ROOT, 'examples/kafka-connect-configs'), repo, { recursive: true });
    cpSync(
      join(ROOT, 'templates/init/terraform/environments/staging/confluent.tf'),
      join(repo, 'terraform/environments/dev/confluent.tf'),
    );
    const f = join(repo, 'terraform/environments/dev/confluent.tf');
    writeFileSync(f, readFileSync(f, 'utf8').replaceAll('staging', 'dev'));
    const r = await runCli(['validate', '--offline', '-o', 'json'], { cwd: repo });
    const found = r.json.findings.filter((x: { rule: string }) => x.rule === 'terraform/deployment-mismatch');
    expect(found).toEqual([
      expect.objectContaining({
        file: 'terraform/environments/dev/confluent.tf',
        severity: 'error',
        message: expect.stringContaining('kcops.yaml says dev is self-managed'),
      }),
    ]);
    expect(found[0].line).toBeGreaterThan(1);
    expect(r.code).toBe(1);
    // validate --terraform alone runs the cross-checks too when it checks the repository's terraform/.
    const t = await runCli(['validate', '--terraform', '-o', 'json'], { cwd: repo });
    expect(t.json.findings.map((x: { rule: string }) => x.rule)).toContain('terraform/deployment-mismatch');
    expect(t.code).toBe(1);
  }, 60_000);

  it('re-running init never overwrites an edited file and reports it as skipped', () => {
    const repo = tmp();
    initRepository(repo);
    const f = join(repo, 'terraform/environments/prod/main.tf');
    writeFileSync(f, '# mine\n');
    const again = initRepository(repo);
    expect(again.created).toEqual([]);
    expect(again.skipped).toContain('terraform/environments/prod/main.tf');
    expect(readFileSync(f, 'utf8')).toBe('# mine\n');
  });

  it('the example repository terraform/ has no findings, and validate --terraform exits 0 there', async () => {
    const ex = join(ROOT, 'examples/kafka-connect-configs');
    expect(await check(join(ex, 'terraform'))).toEqual([]);
    const r = await runCli(['validate', '--terraform', '-o', 'json'], { cwd: ex });
    expect(r.code).toBe(0);
    expect(r.json.findings).toEqual([]);
  }, 60_000);

  it('the example repository keeps exactly what kcops init writes (it only adds its own tfvars)', () => {
    // The example is the blueprint filled in: a module edited on one side only would show users a tree init never writes.
    const drifted = terraformTemplateFiles('both').filter(
      (rel) =>
        readFileSync(join(ROOT, 'templates/init/terraform', rel), 'utf8') !==
        readFileSync(join(ROOT, 'examples/kafka-connect-configs/terraform', rel), 'utf8'),
    );
    expect(drifted).toEqual([]);
  });
});

/** One deliberate mistake in a copy of the generated tree → exactly one finding, of exactly this rule. */
const BROKEN: { name: string; file: string; from: string | RegExp; to: string; rule: string }[] = [
  {
    name: 'unknown argument',
    file: 'modules/connect-cluster/main.tf',
    from: 'retention_in_days = var.log_retention_days',
    to: 'retention_days = var.log_retention_days',
    rule: 'terraform/unknown-argument',
  },
  {
    name: 'wrong block',
    file: 'modules/connect-cluster/main.tf',
    from: '  deployment_circuit_breaker {',
    to: '  circuit_breaker {',
    rule: 'terraform/unknown-block',
  },
  {
    name: 'missing required argument',
    file: 'modules/service-accounts/main.tf',
    from: '  role_name   = "ResourceOwner"\n',
    to: '',
    rule: 'terraform/missing-argument',
  },
  {
    name: 'undeclared variable',
    file: 'modules/networking/main.tf',
    from: 'region           = var.region',
    to: 'region           = var.aws_region',
    rule: 'terraform/undeclared-variable',
  },
  {
    name: 'dangling reference',
    file: 'modules/connect-cluster/main.tf',
    from: 'target_group_arn = aws_lb_target_group.rest.arn\n  }\n}',
    to: 'target_group_arn = aws_lb_target_group.api.arn\n  }\n}',
    rule: 'terraform/dangling-reference',
  },
  {
    name: 'literal password',
    file: 'environments/prod/self-managed.tf',
    from: 'variable "connect_image" {',
    to: 'variable "db_password" {\n  type      = string\n  sensitive = true\n  default   = "s3cr3t-Passw0rd"\n}\n\nvariable "connect_image" {',
    rule: 'terraform/literal-secret',
  },
  {
    name: 'non-sensitive secret output',
    file: 'modules/service-accounts/main.tf',
    from: 'output "api_key_secret_arn" {',
    to: 'output "api_secret" {\n  value = confluent_api_key.team.secret\n}\n\noutput "api_key_secret_arn" {',
    rule: 'terraform/secret-not-sensitive',
  },
  {
    name: 'public ingress 0.0.0.0/0 on the REST port',
    file: 'modules/connect-cluster/main.tf',
    from: 'cidr_ipv4         = var.vpc_cidr',
    to: 'cidr_ipv4         = "0.0.0.0/0"',
    rule: 'terraform/public-rest-port',
  },
  {
    name: 'wrong block in the egress access point',
    file: 'modules/networking/main.tf',
    from: '  aws_egress_private_link_endpoint {',
    to: '  aws_egress_private_link {',
    rule: 'terraform/unknown-block',
  },
  {
    name: 'fewer than 3 AZs',
    file: 'environments/prod/self-managed.tf',
    from: 'private_subnet_ids = var.private_subnet_ids',
    to: 'private_subnet_ids = ["subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f"]',
    rule: 'terraform/too-few-azs',
  },
];

describe('deliberately broken variants of the generated tree', () => {
  it.each(BROKEN)(
    '$name → $rule',
    async ({ file, from, to, rule }) => {
      const dir = join(tmp(), 'terraform');
      cpSync(join(ROOT, 'templates/init/terraform'), dir, { recursive: true });
      const path = join(dir, file);
      const text = readFileSync(path, 'utf8');
      expect(text).toMatch(from);
      writeFileSync(path, text.replace(from, to));
      const found = await check(dir);
      expect(found.map((f) => [f.rule, f.file])).toEqual([[rule, file]]);
      expect(found[0]!.line).toBeGreaterThan(1);
    },
    60_000,
  );

  it('a broken variant fails the CLI with exit 1 and a SARIF result carrying the rule id', async () => {
    const dir = tmp();
    cpSync(join(ROOT, 'templates/init/terraform'), join(dir, 'tf'), { recursive: true });
    const f = join(dir, 'tf/modules/connect-cluster/main.tf');
    writeFileSync(f, readFileSync(f, 'utf8').replace('cidr_ipv4         = var.vpc_cidr', 'cidr_ipv4 = "0.0.0.0/0"'));
    const r = await runCli(['validate', '--terraform', 'tf', '-o', 'sarif'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.json.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toEqual(['terraform/public-rest-port']);
  }, 60_000);
});

it('kcops --version does not load the HCL parser (WASM)', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/kcops.js'), '--version'], {
    env: { ...process.env, NODE_DEBUG: 'module' },
    encoding: 'utf8',
  });
  expect(r.status).toBe(0);
  expect(r.stderr).toContain('MODULE'); // the probe works
  expect(r.stderr).not.toContain('hcl2json');
});
