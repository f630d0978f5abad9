import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTerraformConnectors } from '../../../../src/core/terraform/connector-resources.js';
import { itemsOf } from '../../../../src/core/terraform/locate.js';
import { validate } from '../../../../src/core/validate/run.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'kcops-tfconn-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Everything that could be taken for structure by a naive scan: braces and keys in comments, strings, heredocs. */
const TRICKY = `# resource "confluent_connector" "decoy" { config_nonsensitive = { "name" = "decoy" } }
locals {
  doc = <<-EOT
    config_nonsensitive = {
      "connector.class" = "NotThisOne"
    }
  EOT
}

resource "confluent_connector" "orders" {
  environment {
    id = "env-prod01" /* { */
  }
  config_sensitive = {
    "connection.password" = var.db_password
  }
  // "tasks.max" = "9" }
  config_nonsensitive = {
    "name"                     = "payments-orders-sink"
    "connector.class"          = "PostgresSink"
    "topics"                   = "payments.orders"
    "input.data.format"        = "AVRO"
    "connection.host"          = "db.prod.example.com" # "}"
    "connection.port"          = "5432"
    "connection.user"          = "connect"
    "db.name"                  = "orders"
    "kafka.auth.mode"          = "SERVICE_ACCOUNT"
    "kafka.service.account.id" = "sa-payments"
    "table.name.format"        = "\${upper("orders")}"
    "pk.mode"                  = "record_value"
    "provider.ref"             = "$\${file:/etc/secrets:key}"
    "tasks.max"                = 1
    "colour"                   = "blue"
  }
}
`;

describe('confluent_connector resources read as connector files', () => {
  it('values come from the HCL parser, positions from the source: keys in file order, comments and heredocs skipped', async () => {
    const { files, resources } = await loadTerraformConnectors('orders.tf', TRICKY);
    expect(resources).toBe(1);
    expect(files).toHaveLength(1);
    const f = files[0]!;
    expect(f.shape).toBe('terraform');
    expect(f.name).toEqual({ value: 'payments-orders-sink', at: { line: 19, column: 34 } });
    const e = (k: string) => f.config.get(k)!;
    expect(f.entries.map((x) => x.key)).toEqual([
      'connection.password',
      'name',
      'connector.class',
      'topics',
      'input.data.format',
      'connection.host',
      'connection.port',
      'connection.user',
      'db.name',
      'kafka.auth.mode',
      'kafka.service.account.id',
      'table.name.format',
      'pk.mode',
      'provider.ref',
      'tasks.max',
      'colour',
    ]);
    expect(e('connector.class')).toMatchObject({ value: 'PostgresSink', keyAt: { line: 20, column: 5 } });
    expect(e('connection.host')).toMatchObject({ value: 'db.prod.example.com', valueAt: { line: 23, column: 34 } });
    expect(e('connection.password')).toMatchObject({
      kind: 'expression',
      value: undefined,
      keyAt: { line: 15, column: 5 },
    });
    expect(e('table.name.format')).toMatchObject({ kind: 'expression' });
    // $${ is HCL's escape: what Confluent receives is the literal ${file:...} reference.
    expect(e('provider.ref')).toMatchObject({ kind: 'string', value: '${file:/etc/secrets:key}' });
    expect(e('tasks.max')).toMatchObject({ kind: 'number', value: '1', valueAt: { line: 32, column: 34 } });
  });

  it('a resource whose config is one expression (the connectors module) has nothing literal to check', async () => {
    const text = `resource "confluent_connector" "this" {\n  for_each            = local.connectors\n  config_nonsensitive = each.value.config\n}\n`;
    expect(await loadTerraformConnectors('main.tf', text)).toEqual({ files: [], resources: 1 });
  });

  it('a syntax error is positioned', async () => {
    const r = await loadTerraformConnectors(
      'main.tf',
      'resource "confluent_connector" "x" {\n  config_nonsensitive = {\n',
    );
    expect(r.files).toEqual([]);
    expect(r.error?.at.line).toBeGreaterThanOrEqual(1);
  });

  it('validate checks a loose .tf with the connector rules, every finding pointing into the .tf file', async () => {
    const d = tmp();
    writeFileSync(join(d, 'orders.tf'), TRICKY);
    const r = await validate({ paths: ['orders.tf'], cwd: d });
    const at = (rule: string) =>
      r.findings.filter((f) => f.rule === rule).map((f) => `${f.file}:${f.line}:${f.column}`);
    expect(at('unknown-key/connector')).toEqual(['orders.tf:31:5', 'orders.tf:33:5']); // provider.ref, colour
    expect(at('shape/terraform-resource')).toEqual([]); // accepted outside connectors/<env>/
    expect(at('syntax/non-string-value')).toEqual([]); // Terraform converts 1 to "1" for a map(string)
    expect(r.findings.every((f) => f.file === 'orders.tf')).toBe(true);
  }, 60_000);

  it('inside terraform/environments/<env>/ a resource gets the environment (policy, managed) and is checked in a normal validate', async () => {
    const repo = tmp();
    cpSync(join(ROOT, 'examples/kafka-connect-configs'), repo, { recursive: true });
    mkdirSync(join(repo, 'terraform/environments/prod'), { recursive: true });
    writeFileSync(
      join(repo, 'terraform/environments/prod/extra.tf'),
      TRICKY.slice(TRICKY.indexOf('\nresource "confluent_connector" "orders"') + 1)
        .replace('"db_password"', '"x"')
        .replace('var.db_password', '"hunter2-Literal-Pw"'),
    );
    const r = await validate({ paths: [], cwd: repo });
    const mine = r.findings.filter((f) => f.file === 'terraform/environments/prod/extra.tf');
    // The literal in config_sensitive is reported once (terraform/literal-secret), not again by the secret rules.
    expect(mine.filter((f) => f.line === 6).map((f) => [f.rule, f.column])).toEqual([['terraform/literal-secret', 5]]);
    expect(mine.filter((f) => f.rule === 'unknown-key/connector').map((f) => [f.line, f.column])).toEqual([
      [22, 5],
      [24, 5],
    ]);
  }, 60_000);

  it('a .tf file in connectors/<env>/ is still reported: nothing deploys it there', async () => {
    const repo = tmp();
    cpSync(join(ROOT, 'examples/kafka-connect-configs'), repo, { recursive: true });
    writeFileSync(join(repo, 'connectors/prod/orders.tf'), TRICKY);
    const r = await validate({ paths: [], cwd: repo });
    expect(r.findings.filter((f) => f.rule === 'shape/terraform-resource').map((f) => `${f.file}:${f.line}`)).toEqual([
      'connectors/prod/orders.tf:18',
    ]);
  }, 60_000);
});

describe('the lexical scan (locate.ts)', () => {
  it('finds the items of a body, whatever strings, templates and comments hold', () => {
    const text = `{\n  a = "}{"\n  # b = 1\n  "c.d" = { x = "\${ {y = "}"} }" }\n  e { f = 1 }\n  g "label" {\n  }\n  h: 2, i = [1, { j = 2 }]\n}`;
    expect(itemsOf(text, 0).map((i) => i.key)).toEqual(['a', 'c.d', 'e', 'g', 'h', 'i']);
  });
});
