import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validate } from '../../../../src/core/validate/run.js';

const RULE = 'permission/shared-connect-key';

/** A repository with this kcops.yaml and no connector file; the rule's findings with file:line:col. */
async function findings(kcopsYaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-shared-key-'));
  writeFileSync(join(dir, 'kcops.yaml'), kcopsYaml);
  mkdirSync(join(dir, 'connectors'));
  const r = await validate({ paths: [], cwd: dir });
  return r.findings
    .filter((f) => f.rule === RULE)
    .map((f) => ({ at: `${f.file}:${f.line}:${f.column}`, severity: f.severity, message: f.message, hint: f.hint }));
}

const providers = [
  'secretProviders:',
  "  vault: { type: vault, resolvedBy: kcops, address: 'https://vault.example.internal:8200' }",
  '  ci: { type: env, resolvedBy: kcops }',
  '  workerenv: { type: env, resolvedBy: worker }',
  '  dev: { type: dev-stack }',
];
const selfManaged = (env: string, auth: string, extra: string[] = []) => [
  `  ${env}:`,
  '    cluster:',
  '      type: self-managed',
  '      connect:',
  "        urls: ['https://connect.example.internal:8083']",
  ...(auth ? [`        auth: ${auth}`] : []),
  ...extra,
];
const cloud = (env: string, creds: string) => [
  `  ${env}:`,
  '    cluster:',
  '      type: confluent-cloud',
  '      environmentId: env-a1b2c3',
  '      kafkaClusterId: lkc-a1b2c3',
  ...(creds ? [`      credentials: ${creds}`] : []),
];
const project = (...envs: string[][]) =>
  ['project: shop', ...providers, 'environments:', ...envs.flat(), ''].join('\n');

describe(RULE, () => {
  it('warns at the auth block of staging and prod, not of dev', async () => {
    const f = await findings(
      project(
        selfManaged('dev', "{ username: kcops-admin, password: '${dev:connect.password}' }"),
        selfManaged('staging', "{ username: deployer, password: '${vault:secret/staging/connect:password}' }"),
        selfManaged('prod', "{ username: deployer, password: '${ci:CONNECT_PASSWORD}' }"),
      ),
    );
    expect(f.map((x) => [x.at, x.severity])).toEqual([
      ['kcops.yaml:19:15', 'warning'],
      ['kcops.yaml:25:15', 'warning'],
    ]);
    expect(f[0]!.message).toBe(
      "'staging' connects to Kafka Connect as 'deployer' from kcops.yaml: one identity shared by everyone who runs kcops here, not each person's or pipeline's own key.",
    );
    expect(f[0]!.hint).toContain('kcops login --env staging');
    expect(f[0]!.hint).toContain('KCOPS_CONNECT_KEY_ID');
  });

  it('a Confluent Cloud key from a store is shared; one taken wholly from the CI variables is not', async () => {
    const f = await findings(
      project(
        cloud('prod', "{ apiKey: '${vault:secret/prod/ccloud:key}', apiSecret: '${vault:secret/prod/ccloud:secret}' }"),
        cloud('staging', "{ apiKey: '${ci:CCLOUD_API_KEY}', apiSecret: '${ci:CCLOUD_API_SECRET}' }"),
        cloud('uat', "{ apiKey: '${ci:CCLOUD_API_KEY}', apiSecret: '${workerenv:CCLOUD_API_SECRET}' }"),
      ),
    );
    expect(f.map((x) => x.at)).toEqual(['kcops.yaml:13:20', 'kcops.yaml:25:20']);
    expect(f[0]!.message).toContain('${vault:secret/prod/ccloud:key}');
    expect(f[0]!.hint).toContain('KCOPS_CLOUD_API_KEY');
  });

  it('a self-managed user and password both from the environment are the CI variables’ way', async () => {
    expect(
      await findings(
        project(selfManaged('prod', "{ username: '${ci:CONNECT_USER}', password: '${ci:CONNECT_PASSWORD}' }")),
      ),
    ).toEqual([]);
  });

  it('the policy decides what is strict: a dev-named environment made strict is checked, a prod made advisory is not', async () => {
    const f = await findings(
      project(
        selfManaged('dev', "{ username: a, password: '${ci:P}' }", ['    policies: { severity: strict }']),
        selfManaged('prod', "{ username: a, password: '${ci:P}' }", ['    policies: { severity: advisory }']),
      ),
    );
    expect(f.map((x) => x.at)).toEqual(['kcops.yaml:13:15']);
  });

  it('no credentials in kcops.yaml: nothing to say', async () => {
    expect(await findings(project(selfManaged('prod', ''), cloud('staging', '')))).toEqual([]);
  });
});
