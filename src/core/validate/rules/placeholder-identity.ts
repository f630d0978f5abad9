import { connectorRule, repoRule, type ConnectorRule, type RepoDraft, type RepoRule } from '../rule.js';
import { policySeverity } from '../policy.js';
import { json } from './examples.js';
import { isSensitiveKey } from '../../secrets/sensitive.js';

/**
 * The identities `kcops init` and `kcops new` write for the user to replace (`env-change1`, `lkc-change1`,
 * `sa-CHANGE-ME`): deployed as they are, a connector runs as nobody or the plan targets a cluster that does not exist.
 * Errors in strict (production) environments; warnings in advisory ones (dev, test...), where a half-filled template
 * is a normal step and nothing is deployed to Confluent Cloud.
 */
const PLACEHOLDER_ID = /^(?:[a-z]{1,6}-)?change[-_]?(?:me|[0-9]+)$/i;

export function isPlaceholderIdentity(value: string): boolean {
  return PLACEHOLDER_ID.test(value.trim());
}

const HINT =
  'Replace it with the real id (Confluent Cloud console, `confluent iam service-account list`, `confluent environment list`, `confluent kafka cluster list`).';

const cloudEnv = (ids: string) =>
  `project: shop\nenvironments:\n  prod:\n    cluster: { type: confluent-cloud, ${ids}, apiEndpoint: 'https://api.confluent.cloud' }\n`;

const s3 = (sa: string) =>
  json('payments-s3', {
    'connector.class': 'S3_SINK',
    'tasks.max': '1',
    'kafka.auth.mode': 'SERVICE_ACCOUNT',
    'kafka.service.account.id': sa,
    topics: 'orders',
    'input.data.format': 'JSON',
    'output.data.format': 'JSON',
    's3.bucket.name': 'lake',
    'time.interval': 'HOURLY',
    'authentication.method': 'IAM Roles',
    'provider.integration.id': 'cspi-a1b2c3',
    'errors.deadletterqueue.topic.name': 'dlq-payments-s3',
  });

export const placeholderIdentityRules: RepoRule[] = [
  repoRule({
    id: 'project/placeholder-identity',
    category: 'schema',
    severity: 'error',
    summary: 'kcops.yaml still holds a placeholder identity from the template (env-change1, lkc-change1, sa-CHANGE-ME)',
    examples: {
      failing: {
        path: 'connectors/prod/payments-s3.json',
        project: cloudEnv('environmentId: env-change1, kafkaClusterId: lkc-change1'),
        content: s3('sa-x1y2z3'),
      },
      passing: {
        path: 'connectors/prod/payments-s3.json',
        project: cloudEnv('environmentId: env-a1b2c3, kafkaClusterId: lkc-a1b2c3'),
        content: s3('sa-x1y2z3'),
      },
    },
    check: (ctx) => {
      const p = ctx.project.project;
      if (!p) return [];
      const out: RepoDraft[] = [];
      for (const [name, env] of Object.entries(p.environments)) {
        const severity = policySeverity(name, env.policies) === 'strict' ? 'error' : 'warning';
        const ids: [string[], string | undefined][] = [
          [
            ['cluster', 'environmentId'],
            env.cluster.type === 'confluent-cloud' ? env.cluster.environmentId : undefined,
          ],
          [
            ['cluster', 'kafkaClusterId'],
            env.cluster.type === 'confluent-cloud' ? env.cluster.kafkaClusterId : undefined,
          ],
          [['secrets', 'cloud', 'providerIntegrationId'], env.secrets?.cloud?.providerIntegrationId],
        ];
        for (const [path, value] of ids) {
          if (value === undefined || !isPlaceholderIdentity(value)) continue;
          out.push({
            message: `environments.${name}.${path.join('.')} is the placeholder '${value}' from the template${severity === 'error' ? `; '${name}' is a strict environment` : ''}.`,
            at: ctx.project.positionOf(['environments', name, ...path]),
            hint: HINT,
            severity,
          });
        }
      }
      return out;
    },
  }),
];

export const placeholderIdentityConnectorRules: ConnectorRule[] = [
  connectorRule({
    id: 'permission/placeholder-identity',
    category: 'permission',
    severity: 'error',
    advisory: 'warning',
    summary: 'A connector runs as a placeholder identity from the template (sa-CHANGE-ME)',
    examples: {
      failing: {
        path: 'connectors/prod/payments-s3.json',
        project: cloudEnv('environmentId: env-a1b2c3, kafkaClusterId: lkc-a1b2c3'),
        content: s3('sa-CHANGE-ME'),
      },
      passing: {
        path: 'connectors/prod/payments-s3.json',
        project: cloudEnv('environmentId: env-a1b2c3, kafkaClusterId: lkc-a1b2c3'),
        content: s3('sa-x1y2z3'),
      },
    },
    check: (ctx) =>
      [...ctx.file.config.values()]
        // A secret key holding `changeme` is secret/placeholder's to report, without its value (a real password
        // such as `change1` would match the pattern too, and would be printed here).
        .filter((e) => e.value !== undefined && isPlaceholderIdentity(e.value) && !isSensitiveKey(e.key))
        .map((e) => ({
          message: `'${e.key}' is the placeholder '${e.value?.trim()}' from the template.`,
          at: e.valueAt,
          hint: HINT,
        })),
  }),
];
