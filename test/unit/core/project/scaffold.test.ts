import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import {
  initRepository,
  terraformTemplateFiles,
  newConnector,
  renderTemplateDocs,
  TEMPLATE_NAMES,
  TEMPLATES,
} from '../../../../src/core/project/scaffold.js';
import { validate } from '../../../../src/core/validate/run.js';

const TEMPLATE_DIR = new URL('../../../../templates/connectors/', import.meta.url).pathname;

it('the six REQ-USE-002 templates exist in both flavours, and nothing else is in templates/connectors', () => {
  expect([...TEMPLATE_NAMES].sort()).toEqual([
    'dynamodb-sink',
    'dynamodb-source',
    'jdbc-sink',
    'jdbc-source',
    'postgres-cdc',
    's3-sink',
  ]);
  const files = readdirSync(TEMPLATE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  expect(files).toEqual(TEMPLATE_NAMES.flatMap((t) => [`${t}.confluent-cloud.json`, `${t}.self-managed.json`]).sort());
  for (const t of TEMPLATE_NAMES)
    for (const f of ['self-managed', 'confluent-cloud'] as const) expect(TEMPLATES[t]?.notes[f]).toBeTruthy();
});

it('init writes the layout and every template, for every environment, passes validate as written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-init-'));
  const r = initRepository(dir);
  for (const f of [
    'kcops.yaml',
    'kcops.observability.yaml',
    'connectors/dev/.gitkeep',
    'connectors/staging/.gitkeep',
    'connectors/prod/.gitkeep',
    'schemas/avro/.gitkeep',
    'scripts/validate-connector.sh',
    'scripts/deploy-connector.sh',
    'docs/README.md',
    '.gitignore',
  ]) {
    expect(r.created).toContain(f);
  }
  expect(initRepository(dir).created).toEqual([]); // never overwrites
  const envs = ['dev', 'staging', 'prod'];
  for (const env of envs) {
    for (const t of TEMPLATE_NAMES) {
      const out = newConnector(dir, t, env, `payments-${t}-${env}`);
      expect(out.flavour).toBe(env === 'prod' ? 'confluent-cloud' : 'self-managed');
      expect(out.note).toBe(TEMPLATES[t]?.notes[out.flavour as 'self-managed' | 'confluent-cloud']);
      const written = readFileSync(join(dir, out.file), 'utf8');
      expect(written).not.toMatch(/\{\{\w+\}\}/); // every template slot filled
    }
  }
  expect(existsSync(join(dir, 'connectors/prod/payments-jdbc-sink-prod.json'))).toBe(true);
  const v = await validate({ paths: [], cwd: dir });
  // The identities the templates leave for the user to fill in (issue #14): errors in prod, a strict environment, and
  // nothing else. Everything else passes as written.
  const placeholders = v.findings.filter((f) => f.rule.endsWith('/placeholder-identity'));
  expect(placeholders.map((f) => `${f.rule} ${f.severity} ${f.file}:${f.line}`).sort()).toEqual(
    [
      'project/placeholder-identity error kcops.yaml:37',
      'project/placeholder-identity error kcops.yaml:38',
      ...TEMPLATE_NAMES.map((t) => `permission/placeholder-identity error connectors/prod/payments-${t}-prod.json:7`),
    ].sort(),
  );
  const rest = v.findings.filter((f) => !placeholders.includes(f));
  // No other errors and no warnings. The only infos are the self-managed classes without a bundled catalog entry (not
  // installed on the dev stack), which the online checks verify against the real cluster.
  expect(rest.filter((f) => f.severity !== 'info')).toEqual([]);
  expect(
    new Set(
      rest.map((f) => `${f.rule} ${JSON.parse(readFileSync(join(dir, f.file), 'utf8')).config['connector.class']}`),
    ),
  ).toEqual(new Set(['unknown-key/unknown-plugin io.confluent.connect.aws.dynamodb.DynamoDbSinkConnector']));
  // kcops.yaml, the connector files, and the .tf/.tfvars files of the Terraform blueprint (checked too).
  expect(v.summary.files).toBe(
    1 + envs.length * TEMPLATE_NAMES.length + terraformTemplateFiles('both').filter((f) => f.endsWith('.tf')).length,
  );
  expect(v.summary.errors).toBe(placeholders.length);
  expect(() => newConnector(dir, 'postgres-cdc', 'qa', 'payments-x')).toThrow(/no environment 'qa'/);
  expect(() => newConnector(dir, 'nope', 'dev', 'payments-x')).toThrow(/No template/);
});

it('docs/reference/templates.md is generated from the templates (run `npm run docs`)', () => {
  expect(readFileSync(new URL('../../../../docs/reference/templates.md', import.meta.url), 'utf8')).toBe(
    renderTemplateDocs(),
  );
});

it("init's kcops.observability.yaml is valid as written and with its commented environments filled in", async () => {
  const { parse } = await import('yaml');
  const { z } = await import('zod');
  const { observabilityFileSchema } = await import('../../../../src/core/observe/target.js');
  const text = readFileSync(new URL('../../../../templates/init/kcops.observability.yaml', import.meta.url), 'utf8');
  const file = z.record(z.string(), observabilityFileSchema);
  expect(file.safeParse(parse(text)).success).toBe(true);
  const uncommented = text.replace(/^# (\s*[a-z]+:)/gm, '$1');
  const all = file.safeParse(parse(uncommented));
  expect(all.error?.issues ?? []).toEqual([]);
  expect(Object.keys(all.data ?? {})).toEqual(['dev', 'staging', 'prod']);
});
