import { findSecretRefs, isSecretRef } from '../../secrets/reference.js';
import { whereResolved } from '../../secrets/where.js';
import { connectorRule, type ConnectorContext, type ConnectorRule } from '../rule.js';
import type { Draft } from '../finding.js';
import { exampleProject, goodSource, json } from './examples.js';

/** Each reference of the file with where its environment resolves it (files outside an environment: none). */
function resolutions(ctx: ConnectorContext) {
  const env = ctx.env?.def;
  const project = ctx.project;
  if (!env || !project || !ctx.env) return [];
  const envName = ctx.env.name;
  return [...ctx.file.config.values()].flatMap((e) =>
    findSecretRefs(e.value ?? '').flatMap((r) => {
      const where = whereResolved(r, project, envName, env);
      return where ? [{ entry: e, ref: r, where }] : [];
    }),
  );
}

const cloudProject = (secrets: string) =>
  `project: shop\nsecretProviders:\n  aws: { type: aws-secrets-manager, resolvedBy: kcops, region: eu-west-1 }\nenvironments:\n  prod:\n    cluster: { type: confluent-cloud, environmentId: env-a1b2c3, kafkaClusterId: lkc-a1b2c3, apiEndpoint: 'https://api.confluent.cloud' }\n${secrets}`;

const cloudCdc = (extra: Record<string, string>) =>
  json('payments-cdc', {
    'connector.class': 'PostgresCdcSourceV2',
    'tasks.max': '1',
    'kafka.auth.mode': 'SERVICE_ACCOUNT',
    'kafka.service.account.id': 'sa-x1y2z3',
    'database.hostname': 'db.internal',
    'database.port': '5432',
    'database.user': 'cdc',
    'database.dbname': 'app',
    'topic.prefix': 'payments',
    'output.data.format': 'AVRO',
    ...extra,
  });

export const secretWhereRules: ConnectorRule[] = [
  connectorRule({
    id: 'secret/provider-unavailable',
    category: 'secret',
    severity: 'error',
    summary: "A reference to a provider the target environment's cluster and kcops cannot resolve there",
    examples: {
      failing: {
        path: 'connectors/prod/app-cdc.json',
        project: exampleProject.replace(
          "connect: { urls: ['https://connect.prod.internal:8083'] }",
          "connect: { urls: ['https://connect.prod.internal:8083'] }\n    secrets: { worker: { providers: [] } }",
        ),
        content: json('app-cdc', goodSource),
      },
      passing: {
        path: 'connectors/prod/app-cdc.json',
        project: exampleProject.replace(
          "connect: { urls: ['https://connect.prod.internal:8083'] }",
          "connect: { urls: ['https://connect.prod.internal:8083'] }\n    secrets: { worker: { providers: [file] } }",
        ),
        content: json('app-cdc', goodSource),
      },
    },
    check: (ctx): Draft[] =>
      resolutions(ctx).flatMap(({ entry, ref, where }) => {
        if (where.by !== 'nobody') return [];
        // A worker provider on Confluent Cloud has its own rule (secret/worker-provider-on-managed).
        const declared = ctx.project?.secretProviders[ref.provider];
        if (ctx.env?.def?.cluster.type === 'confluent-cloud' && declared?.resolvedBy === 'worker') return [];
        return [
          {
            message: `'${entry.key}' cannot be resolved in environment '${ctx.env?.name}': ${where.why}.`,
            at: entry.valueAt,
            hint: where.hint,
          },
        ];
      }),
  }),
  connectorRule({
    id: 'secret/cloud-secret-manager-unsupported',
    category: 'secret',
    severity: 'error',
    summary: "Confluent Cloud's secret manager resolves a reference in a connector that has no secret-manager support",
    examples: {
      failing: {
        path: 'connectors/prod/payments-sink.json',
        project: cloudProject(
          '    secrets: { cloud: { secretManager: AWS, providerIntegrationId: cspi-a1b2c3, providers: [aws] } }\n',
        ),
        content: json('payments-sink', {
          'connector.class': 'PostgresSink',
          'tasks.max': '1',
          'kafka.auth.mode': 'SERVICE_ACCOUNT',
          'kafka.service.account.id': 'sa-x1y2z3',
          topics: 'orders',
          'input.data.format': 'AVRO',
          'connection.host': 'db.internal',
          'connection.port': '5432',
          'connection.user': 'app',
          'connection.password': '${aws:prod/payments/db:password}',
          'db.name': 'app',
          'errors.deadletterqueue.topic.name': 'dlq-payments-sink',
        }),
      },
      passing: {
        path: 'connectors/prod/payments-cdc.json',
        project: cloudProject(
          '    secrets: { cloud: { secretManager: AWS, providerIntegrationId: cspi-a1b2c3, providers: [aws] } }\n',
        ),
        content: cloudCdc({ 'database.password': '${aws:prod/payments/db:password}' }),
      },
    },
    check: (ctx): Draft[] => {
      const byCloud = resolutions(ctx).filter((r) => r.where.by === 'cloud-secret-manager');
      // Cloud fetches whole values: a reference inside other text (a URL, a JAAS line) would reach kcops unresolved.
      const partial = byCloud
        .filter(({ entry }) => !isSecretRef(entry.value ?? ''))
        .map(({ entry, ref }) => ({
          message: `'${entry.key}' embeds a reference to '${ref.provider}' in other text, but Confluent Cloud's secret manager replaces whole values only.`,
          at: entry.valueAt,
          hint: `Make the value exactly one reference, or use a provider that environments.${ctx.env?.name}.secrets.cloud.providers does not list.`,
        }));
      // Only when the plugin's definition is known: the managed templates list secret.manager.* where supported.
      if (!ctx.plugin || ctx.plugin.keys['secret.manager.enabled']) return partial;
      return byCloud
        .filter(({ entry }) => isSecretRef(entry.value ?? ''))
        .map(({ entry, ref }) => ({
          message: `'${entry.key}' references '${ref.provider}', which Confluent Cloud's secret manager resolves in '${ctx.env?.name}', but ${ctx.cls ?? 'this connector'} has no secret-manager support (no secret.manager.* keys in its definition).`,
          at: entry.valueAt,
          hint: `Resolve it with kcops instead: use a provider that environments.${ctx.env?.name}.secrets.cloud.providers does not list.`,
        }))
        .concat(partial);
    },
  }),
];
