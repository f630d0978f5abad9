import { findSecretRefs } from '../../secrets/reference.js';
import { connectorRule, type ConnectorContext, type ConnectorRule } from '../rule.js';
import { json } from './examples.js';

/**
 * How a Confluent Cloud connector reaches Kafka (`kafka.auth.mode`): outside development it runs as a service account
 * (Cloud mints and rotates its key), and a Kafka API key, when one is used, is never written in the file.
 */
const cloudProject = (env: string) =>
  `project: shop\nsecretProviders:\n  vault: { type: vault, resolvedBy: kcops, address: 'https://vault:8200' }\nenvironments:\n  ${env}:\n    cluster: { type: confluent-cloud, environmentId: env-abc123, kafkaClusterId: lkc-abc123, apiEndpoint: 'https://api.confluent.cloud' }\n`;

const base = {
  'connector.class': 'S3_SINK',
  'tasks.max': '1',
  topics: 'orders',
  's3.bucket.name': 'lake',
  'input.data.format': 'JSON',
  'time.interval': 'HOURLY',
};

/**
 * Staging and production environments of a repository. Loose files are left to secret/plaintext and
 * secret/placeholder: without an environment there is no telling what a file is for.
 */
function strictEnvironment(ctx: ConnectorContext): boolean {
  return ctx.env !== undefined && /^(stag|prod|live)/i.test(ctx.env.name);
}

export const managedAuthRules: ConnectorRule[] = [
  connectorRule({
    id: 'secret/managed-kafka-auth-mode',
    category: 'secret',
    severity: 'error',
    summary: 'A Confluent Cloud connector in staging or production does not use kafka.auth.mode SERVICE_ACCOUNT',
    examples: {
      failing: {
        path: 'connectors/prod/orders-s3.json',
        project: cloudProject('prod'),
        content: json('orders-s3', {
          ...base,
          'kafka.auth.mode': 'KAFKA_API_KEY',
          'kafka.api.key': '${vault:secret/kafka:key}',
          'kafka.api.secret': '${vault:secret/kafka:secret}',
        }),
      },
      passing: {
        path: 'connectors/prod/orders-s3.json',
        project: cloudProject('prod'),
        content: json('orders-s3', {
          ...base,
          'kafka.auth.mode': 'SERVICE_ACCOUNT',
          'kafka.service.account.id': 'sa-abc123',
        }),
      },
    },
    check: (ctx) => {
      if (!ctx.managed || !strictEnvironment(ctx)) return [];
      const mode = ctx.value('kafka.auth.mode');
      if (mode === 'SERVICE_ACCOUNT') {
        return ctx.value('kafka.service.account.id')?.trim()
          ? []
          : [
              {
                message: 'kafka.auth.mode is SERVICE_ACCOUNT but kafka.service.account.id is missing.',
                at: ctx.get('kafka.auth.mode')?.valueAt ?? ctx.file.configAt,
                hint: 'Set kafka.service.account.id to the sa-... id the connector runs as.',
              },
            ];
      }
      return [
        {
          message: `kafka.auth.mode is ${mode ?? 'not set (KAFKA_API_KEY by default)'}; in ${ctx.env?.name} a managed connector runs as a service account.`,
          at: ctx.get('kafka.auth.mode')?.valueAt ?? ctx.file.configAt,
          hint: 'Use "kafka.auth.mode": "SERVICE_ACCOUNT" with "kafka.service.account.id": "sa-...", and drop kafka.api.key/secret: Cloud manages that key.',
        },
      ];
    },
  }),
  connectorRule({
    id: 'secret/literal-kafka-api-key',
    category: 'secret',
    severity: 'error',
    summary:
      "A Confluent Cloud connector's kafka.api.key or kafka.api.secret is written in the file instead of referenced",
    examples: {
      failing: {
        path: 'connectors/dev/orders-s3.json',
        project: cloudProject('dev'),
        content: json('orders-s3', {
          ...base,
          'kafka.auth.mode': 'KAFKA_API_KEY',
          'kafka.api.key': 'ABCDEFGHIJKLMNOP',
          'kafka.api.secret': '${vault:secret/kafka:secret}',
        }),
      },
      passing: {
        path: 'connectors/dev/orders-s3.json',
        project: cloudProject('dev'),
        content: json('orders-s3', {
          ...base,
          'kafka.auth.mode': 'KAFKA_API_KEY',
          'kafka.api.key': '${vault:secret/kafka:key}',
          'kafka.api.secret': '${vault:secret/kafka:secret}',
        }),
      },
    },
    check: (ctx) => {
      if (!ctx.managed || ctx.env === undefined) return [];
      return ['kafka.api.key', 'kafka.api.secret'].flatMap((k) => {
        const e = ctx.get(k);
        if (!e || e.value === undefined || e.value === '' || findSecretRefs(e.value).length > 0) return [];
        return [
          {
            message: `${k} is written literally; API key values belong in a secret store.`,
            at: e.valueAt,
            hint: `Reference it, e.g. "${k}": "\${vault:secret/kafka:${k === 'kafka.api.key' ? 'key' : 'secret'}}" (a provider with resolvedBy: kcops), or switch to kafka.auth.mode SERVICE_ACCOUNT.`,
          },
        ];
      });
    },
  }),
];
