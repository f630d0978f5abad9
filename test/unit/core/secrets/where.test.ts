import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectSchema, type Project } from '../../../../src/core/project/schema.js';
import { whereResolved } from '../../../../src/core/secrets/where.js';
import { findSecretRefs } from '../../../../src/core/secrets/reference.js';
import { withCloudSecretManager } from '../../../../src/core/secrets/cloud-secret-manager.js';

const project: Project = projectSchema.parse(
  parse(`
project: shop
secretProviders:
  file: { type: file, resolvedBy: worker }
  dir: { type: dir, resolvedBy: worker }
  aws: { type: aws-secrets-manager, resolvedBy: kcops, region: eu-west-1 }
  ci: { type: env, resolvedBy: kcops }
environments:
  dev:
    cluster: { type: self-managed, connect: { urls: ['http://127.0.0.1:28083'] } }
  staging:
    cluster: { type: self-managed, connect: { urls: ['https://connect.staging:8083'] } }
    secrets: { worker: { providers: [dir] } }
  prod:
    cluster: { type: confluent-cloud, environmentId: env-a1b2c3, kafkaClusterId: lkc-a1b2c3 }
    secrets: { cloud: { secretManager: AWS, providerIntegrationId: cspi-a1b2c3, providers: [aws] } }
  cloud2:
    cluster: { type: confluent-cloud, environmentId: env-d4e5f6, kafkaClusterId: lkc-d4e5f6 }
`),
);

const where = (env: string, ref: string) => {
  const r = findSecretRefs(ref)[0]!;
  const w = whereResolved(r, project, env, project.environments[env]!);
  return w?.by === 'cloud-secret-manager' ? `${w.by}:${w.identifier}` : w?.by;
};

describe('whereResolved: one answer per environment and provider', () => {
  it.each([
    ['dev', '${file:/s/db.properties:password}', 'worker'],
    ['dev', '${dir:/s/db:password}', 'worker'],
    ['dev', '${aws:prod/db:password}', 'nobody'], // self-managed configs reach the workers as written
    ['staging', '${dir:/s/db:password}', 'worker'],
    ['staging', '${file:/s/db.properties:password}', 'nobody'], // not in secrets.worker.providers
    ['prod', '${aws:prod/payments/db}', 'cloud-secret-manager:prod/payments/db'],
    ['prod', '${aws:prod/payments/db:password}', 'cloud-secret-manager:prod/payments/db:password'],
    ['prod', '${ci:TOKEN}', 'kcops'],
    ['prod', '${file:/s/db.properties:password}', 'nobody'],
    ['cloud2', '${aws:prod/db:password}', 'kcops'], // the same reference, read by kcops where Cloud's manager is not set up
    ['prod', '${nope:x}', undefined], // undeclared: secret/unknown-provider's finding
  ])('%s %s → %s', (env, ref, expected) => {
    expect(where(env, ref)).toBe(expected);
  });

  it('kcops.yaml refuses secrets.worker on Cloud, secrets.cloud on self-managed, and undeclared names', () => {
    const r = projectSchema.safeParse(
      parse(`
project: shop
secretProviders: { file: { type: file, resolvedBy: worker } }
environments:
  a:
    cluster: { type: self-managed, connect: { urls: ['http://h:8083'] } }
    secrets: { worker: { providers: [file, vault] }, cloud: { secretManager: AWS, providerIntegrationId: cspi-x1, providers: [file] } }
  b:
    cluster: { type: confluent-cloud, environmentId: env-a1, kafkaClusterId: lkc-a1 }
    secrets: { worker: { providers: [file] } }
`),
    );
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.')).sort();
    expect(paths).toEqual([
      'environments.a.secrets.cloud',
      'environments.a.secrets.worker.providers.1',
      'environments.b.secrets.worker',
    ]);
    const names = projectSchema.safeParse(
      parse(`
project: shop
secretProviders: { file: { type: file, resolvedBy: worker } }
environments:
  a:
    cluster: { type: self-managed, connect: { urls: ['http://h:8083'] } }
    secrets: { worker: { providers: [file, vault] } }
`),
    );
    expect(names.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['environments.a.secrets.worker.providers.1', "'vault' is not declared under secretProviders (declared: file)"],
    ]);
  });
});

describe('withCloudSecretManager', () => {
  const d = {
    name: 'payments-cdc',
    state: 'RUNNING' as const,
    file: 'connectors/prod/payments-cdc.json',
    config: {
      'connector.class': 'PostgresCdcSourceV2',
      'database.user': '${aws:prod/payments/db:username}',
      'database.password': '${aws:prod/payments/db:password}',
      'kafka.api.secret': '${ci:KAFKA_SECRET}',
    },
  };
  it('hands over only the references Cloud resolves, with the secret.manager.* keys of the environment', () => {
    const [out] = withCloudSecretManager([d], project, 'prod', project.environments.prod!);
    expect(out!.config).toEqual({
      'connector.class': 'PostgresCdcSourceV2',
      'database.user': 'prod/payments/db:username',
      'database.password': 'prod/payments/db:password',
      'kafka.api.secret': '${ci:KAFKA_SECRET}',
      'secret.manager.enabled': 'true',
      'secret.manager': 'AWS',
      'secret.manager.provider.integration.id': 'cspi-a1b2c3',
      'secret.manager.managed.configs': 'database.password,database.user',
    });
  });
  it('leaves environments without secrets.cloud alone', () => {
    expect(withCloudSecretManager([d], project, 'cloud2', project.environments.cloud2!)).toEqual([d]);
  });
});
