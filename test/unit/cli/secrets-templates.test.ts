import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCheckedCloud } from '../../fakes/confluent-cloud/checked.js';
import type { FakeConfluentCloud } from '../../fakes/confluent-cloud/server.js';
import type { Violation } from '../../fakes/confluent-cloud/openapi-contract.js';
import { FakeVault } from '../../fakes/vault/server.js';
import { runCli } from '../../support/run-cli.js';

/**
 * Issue 14: the production templates `kcops new` writes reference `${vault:secret/<env>/...}`; with the prod
 * environment's Vault configured (as the `kcops init` kcops.yaml shows it: JWT login from CI), they resolve at apply.
 * The commands are those of docs/episodes/05-secrets.md.
 */
let cloud: FakeConfluentCloud;
let violations: Violation[];
const vault = new FakeVault();
let vaultUrl = '';

beforeAll(async () => {
  ({ cloud, violations } = await startCheckedCloud({ provisioningReads: 0 }));
  vault.mount('secret', 2);
  vault.policies.set('kcops-prod', ['secret/data/prod/*']);
  vault.jwtRoles.set('kcops-prod-deploy', { jwt: 'ci-id-token', policies: ['kcops-prod'], ttl: 900, renewable: true });
  vault.write('secret', 'prod/postgres', { password: 'pg-from-vault' });
  vaultUrl = await vault.start();
});
afterAll(async () => {
  await cloud.stop();
  await vault.stop();
});

describe('kcops init + kcops new: the Vault references of the production templates resolve', () => {
  it('init, new jdbc-sink --env prod, validate, plan, apply: the password reaches Cloud from Vault', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kcops-tpl-')), 'kafka-connect-configs');
    const env = {
      KCOPS_AUDIT_FILE: join(dir, '..', 'audit.jsonl'),
      VAULT_ID_TOKEN: 'ci-id-token',
      CCLOUD_API_KEY: cloud.apiKey,
      CCLOUD_API_SECRET: cloud.apiSecret,
    };
    const cli = (...argv: string[]) => runCli(argv, { cwd: dir, env });
    expect((await runCli(['init', dir], { env })).code).toBe(0);
    const n = await cli('new', 'jdbc-sink', '--env', 'prod', '--name', 'payments-orders-jdbc');
    expect(n.code, n.err).toBe(0);
    const file = join(dir, 'connectors/prod/payments-orders-jdbc.json');
    expect(readFileSync(file, 'utf8')).toContain('${vault:secret/prod/postgres:password}');
    // The placeholders of the template filled in as a user would (ids of the stand-in here).
    writeFileSync(file, readFileSync(file, 'utf8').replace('sa-CHANGE-ME', 'sa-payments'));
    const yaml = readFileSync(join(dir, 'kcops.yaml'), 'utf8')
      .replace('environmentId: env-change1', `environmentId: ${cloud.environmentId}`)
      .replace('kafkaClusterId: lkc-change1', `kafkaClusterId: ${cloud.clusterId}`)
      .replace(
        "apiEndpoint: 'https://api.confluent.cloud'",
        `apiEndpoint: '${cloud.url}'\n      credentials: { apiKey: '\${kcops-env:CCLOUD_API_KEY}', apiSecret: '\${kcops-env:CCLOUD_API_SECRET}' }`,
      );
    // prod's Vault (the JWT login block written by init) at the stand-in's address.
    const prodVault = /( {4}secretProviders:\n {6}vault:\n(?: {8}.*\n)*? {8}address: )'[^']*'/;
    expect(yaml).toMatch(prodVault);
    writeFileSync(join(dir, 'kcops.yaml'), yaml.replace(prodVault, `$1'${vaultUrl}'`));

    const v = await cli('validate', '--offline', 'connectors/prod');
    expect(v.code, v.out + v.err).toBe(0);
    const plan = await cli('plan', '--env', 'prod', '-o', 'json');
    expect(plan.code, plan.err).toBe(0);
    const apply = await cli('apply', '--env', 'prod', '--auto-approve', '--settle', '0s', '--wait-timeout', '10s');
    expect(apply.code, apply.out + apply.err).toBe(0);
    expect(cloud.connectors.get('payments-orders-jdbc')!.config['connection.password']).toBe('pg-from-vault');
    expect(vault.count('POST auth/jwt/login')).toBe(1);
    for (const r of [v, plan, apply]) expect(r.out + r.err).not.toContain('pg-from-vault');
    // The one place the 2024 OpenAPI document and SERVICE_ACCOUNT mode disagree (test/fakes/confluent-cloud/SPEC.md).
    const knownDeviation = (x: Violation) =>
      x.operationId === 'createConnectv1Connector' && /required property 'kafka\.api\.(key|secret)'/.test(x.problem);
    expect(violations.filter((x) => !knownDeviation(x))).toEqual([]);
  });
});
