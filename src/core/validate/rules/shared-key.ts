import type { Project, SecretProvider } from '../../project/schema.js';
import { findSecretRefs, isSecretRef } from '../../secrets/reference.js';
import { policySeverity } from '../policy.js';
import { repoRule, type RepoDraft, type RepoRule } from '../rule.js';
import { json } from './examples.js';

/**
 * REQ-DEPLOY-001 / issue #15 §2: in staging and production, kcops runs with the key of whoever runs it (`kcops
 * login`, or the CI job's KCOPS_CONNECT_KEY_ID/SECRET, KCOPS_CLOUD_API_KEY/SECRET), so that the workers' and kcops'
 * audit name a person or a pipeline, and a leaver's key can be revoked alone. A Connect credential written in
 * kcops.yaml is the same identity for everyone who can read the repository and its secret store: a shared key.
 *
 * Precisely, in an environment with the strict policy (names other than dev, test, ...; or `policies.severity:
 * strict`), a warning when:
 * - self-managed `cluster.connect.auth` names its user: the username is fixed in Git, whatever holds the password;
 * - Confluent Cloud `cluster.credentials` take the API key id or secret from a store (vault, AWS Secrets Manager, a
 *   file or a directory, the dev stack): one key kept for everyone who can read that path.
 * Not flagged: credentials that all come from the environment of the process running kcops (an `env` provider
 * resolved by kcops, e.g. `${kcops-env:CCLOUD_API_KEY}`): that is the CI variables' way, each pipeline or person
 * bringing their own. Kafka and Schema Registry credentials are out of scope (no per-user login exists for them).
 * Advisory environments (dev, test, ...) are not flagged: a shared dev-stack identity is normal there.
 */

const HINT_SELF_MANAGED = (env: string) =>
  `Remove cluster.connect.auth from '${env}': each person runs \`kcops login --env ${env} --key-file <their key>\` (keys from \`kcops access keys create\`), and CI sets KCOPS_CONNECT_KEY_ID / KCOPS_CONNECT_KEY_SECRET to its own service-account key (docs/episodes/07-onboarding-a-team.md).`;
const HINT_CLOUD = (env: string) =>
  `Remove cluster.credentials from '${env}' (or take both from the environment: \${<env provider>:KCOPS_CLOUD_API_KEY}): each person runs \`kcops login --env ${env}\` with their own Cloud API key, and CI sets KCOPS_CLOUD_API_KEY / KCOPS_CLOUD_API_SECRET to its service account's key.`;

/** True when the value is one reference resolved by kcops from its own process environment (CI variables). */
function fromProcessEnv(value: string, providers: Record<string, SecretProvider>): boolean {
  if (!isSecretRef(value)) return false;
  const ref = findSecretRefs(value.trim())[0];
  const p = ref && Object.hasOwn(providers, ref.provider) ? providers[ref.provider] : undefined;
  return p?.type === 'env' && p.resolvedBy === 'kcops';
}

function check(p: Project, positionOf: (path: (string | number)[]) => RepoDraft['at']): RepoDraft[] {
  const out: RepoDraft[] = [];
  for (const [name, env] of Object.entries(p.environments)) {
    if (policySeverity(name, env.policies) !== 'strict') continue;
    // The environment's own declarations replace the top-level ones (as secrets/run-resolver providersOf does; not
    // imported: it would load the secret stores' clients into every offline validate).
    const providers: Record<string, SecretProvider> = Object.assign(
      Object.create(null) as Record<string, SecretProvider>,
      p.secretProviders,
      env.secretProviders ?? {},
    );
    const c = env.cluster;
    if (c.type === 'self-managed' && c.connect.auth) {
      const { username, password } = c.connect.auth;
      if (fromProcessEnv(username, providers) && fromProcessEnv(password, providers)) continue;
      out.push({
        message: `'${name}' connects to Kafka Connect as '${isSecretRef(username) ? username : username.trim()}' from kcops.yaml: one identity shared by everyone who runs kcops here, not each person's or pipeline's own key.`,
        at: positionOf(['environments', name, 'cluster', 'connect', 'auth']),
        hint: HINT_SELF_MANAGED(name),
      });
    }
    if (c.type === 'confluent-cloud' && c.credentials) {
      const { apiKey, apiSecret } = c.credentials;
      if (fromProcessEnv(apiKey, providers) && fromProcessEnv(apiSecret, providers)) continue;
      out.push({
        message: `'${name}' uses the Confluent Cloud API key ${apiKey} from a secret store named in kcops.yaml: one key shared by everyone who can read it, not each person's or pipeline's own.`,
        at: positionOf(['environments', name, 'cluster', 'credentials']),
        hint: HINT_CLOUD(name),
      });
    }
  }
  return out;
}

const projectWith = (auth: string) =>
  [
    'project: shop',
    'secretProviders:',
    "  vault: { type: vault, resolvedBy: kcops, address: 'https://vault.example.internal:8200' }",
    'teams:',
    '  payments: { prefixes: [payments-] }',
    'environments:',
    '  prod:',
    '    cluster:',
    '      type: self-managed',
    '      connect:',
    "        urls: ['https://connect.example.internal:8083']",
    ...(auth ? [`        ${auth}`] : []),
    '',
  ].join('\n');

const sink = json('payments-orders-sink', {
  'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  'tasks.max': '1',
  topics: 'payments.orders',
  file: '/var/lib/connect/orders.txt',
  'errors.tolerance': 'all',
  'errors.deadletterqueue.topic.name': 'payments.orders.dlq',
});

export const sharedKeyRules: RepoRule[] = [
  repoRule({
    id: 'permission/shared-connect-key',
    category: 'permission',
    severity: 'warning',
    summary:
      'A staging or production environment connects with a key written in kcops.yaml (shared) instead of each user’s own (`kcops login`) or the CI job’s variables',
    examples: {
      failing: {
        path: 'connectors/prod/payments-orders-sink.json',
        project: projectWith("auth: { username: kcops-admin, password: '${vault:secret/prod/connect:password}' }"),
        content: sink,
      },
      passing: {
        path: 'connectors/prod/payments-orders-sink.json',
        project: projectWith(''),
        content: sink,
      },
    },
    check: (ctx) => (ctx.project.project ? check(ctx.project.project, ctx.project.positionOf) : []),
  }),
];
