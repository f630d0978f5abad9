import { z } from 'zod';
import { isSecretRef } from '../secrets/reference.js';
import { durationPattern } from '../duration.js';

/**
 * The one definition of `kcops.yaml` (ARCHITECTURE habit 6): the TypeScript types, the runtime validation (all errors
 * with their paths) and the editor JSON Schema (schemas/kcops.schema.json) are all derived from it.
 */

/** Credentials are never written in kcops.yaml: only references `${provider:path:key}` to a declared provider. */
export const secretReference = z
  .string()
  .refine(isSecretRef, { message: 'must be a secret reference ${provider:path:key}, never a literal credential' })
  .describe('A reference ${provider:path:key} to a secret provider declared under secretProviders.');

/**
 * A URL without `user:password@`: kcops.yaml is committed, so a credential in a URL would be too, and every error,
 * progress line and audit record naming the URL would print it.
 */
const credentialFreeUrl = (credentialsGoTo: string) =>
  z.url().refine((u) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(u), {
    message: `holds credentials (user:password@ in the URL; value hidden): move them to ${credentialsGoTo}, the password as a secret reference \${provider:path:key}`,
  });

const resolvedBy = z
  .enum(['worker', 'kcops'])
  .describe(
    'worker: the Connect worker resolves the reference with its own config provider (the secret never leaves it). kcops: kcops resolves it at deploy time (Confluent Cloud, or workers without that provider).',
  );

const secretProvider = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('env'),
    resolvedBy,
    allowlist: z.string().optional().describe('regular expression of variable names the worker may read'),
  }),
  z.strictObject({ type: z.literal('file'), resolvedBy, baseDir: z.string().optional() }),
  z
    .strictObject({
      type: z.literal('dev-stack'),
      resolvedBy: z.literal('kcops').default('kcops').describe('always kcops: the workers have no such provider'),
    })
    .describe(
      "the local dev stack's credentials file (0600, in KCOPS_DEV_HOME or ~/.kcops/dev), read by kcops: ${dev:connect.password}, ${dev:kafka.admin.password}",
    ),
  z.strictObject({ type: z.literal('dir'), resolvedBy, baseDir: z.string().optional() }),
  z
    .strictObject({
      type: z.literal('aws-secrets-manager'),
      resolvedBy,
      region: z.string().min(1).describe('the AWS region of the secrets, e.g. eu-west-1'),
      roleArn: z
        .string()
        .optional()
        .describe(
          'not used by kcops itself: give the role through the credential chain instead (AWS_PROFILE with role_arn, or web identity)',
        ),
      endpoint: z
        .url()
        .optional()
        .describe(
          'Secrets Manager endpoint instead of the public one, e.g. a VPC interface endpoint (https://vpce-...)',
        ),
      profile: z
        .string()
        .min(1)
        .optional()
        .describe('named profile of the AWS config files (default: the credential chain)'),
    })
    .describe(
      'AWS Secrets Manager, read by kcops with the default credential chain: ${aws-secrets-manager:NAME:json-key}, ${aws-secrets-manager:NAME#AWSPREVIOUS:json-key}, or ${aws-secrets-manager:NAME} for a plain-text secret',
    ),
  z
    .strictObject({
      type: z.literal('vault'),
      resolvedBy,
      address: credentialFreeUrl('the auth block'),
      namespace: z.string().optional().describe('Vault Enterprise / HCP namespace (X-Vault-Namespace)'),
      kvVersion: z
        .union([z.literal(1), z.literal(2)])
        .default(2)
        .describe('version of the KV secrets engine'),
      mount: z
        .string()
        .min(1)
        .optional()
        .describe('mount path of the KV engine when it has several segments (default: the first segment of the path)'),
      caFile: z.string().min(1).optional().describe('PEM file of the private CA that signed the Vault certificate'),
      auth: z
        .strictObject({
          method: z.enum(['token', 'approle', 'jwt', 'kubernetes']),
          token: secretReference.optional().describe('method token: the token (default: the VAULT_TOKEN variable)'),
          role: z.string().optional().describe('method jwt/kubernetes: the role to log in as'),
          roleId: secretReference.optional().describe('method approle: the role_id'),
          secretId: secretReference.optional().describe('method approle: the secret_id'),
          jwt: secretReference
            .optional()
            .describe('method jwt: the identity token of the CI job (e.g. ${kcops-env:CI_JOB_JWT_V2})'),
          mountPath: z.string().min(1).optional().describe('where the auth method is mounted (default: its name)'),
        })
        .optional(),
    })
    .describe(
      'HashiCorp Vault KV, read by kcops: ${vault:secret/prod/postgres:password}, ${vault:secret/prod/postgres#3:password}',
    ),
]);

const connectTls = z
  .strictObject({
    ca: z.string().min(1).optional().describe("PEM file of the CA(s) that signed the workers' certificates"),
    cert: z.string().min(1).optional().describe('client certificate PEM file, for mutual TLS'),
    key: z
      .string()
      .min(1)
      .optional()
      .describe('client private key PEM file, for mutual TLS: a path outside Git (a mounted secret), never the key'),
    insecureSkipVerify: z
      .boolean()
      .default(false)
      .describe('accept any server certificate: local experiments only, never for a shared cluster'),
  })
  .refine((t) => (t.cert === undefined) === (t.key === undefined), {
    message: 'mutual TLS needs both cert and key',
  })
  .describe('TLS for https:// worker URLs; relative paths are relative to kcops.yaml');

const selfManagedCluster = z.strictObject({
  type: z.literal('self-managed'),
  connect: z.strictObject({
    urls: z
      .array(credentialFreeUrl('cluster.connect.auth'))
      .min(1)
      .describe('Connect REST URLs of the workers; tried in order'),
    auth: z.strictObject({ username: z.string().min(1), password: secretReference }).optional(),
    tls: connectTls.optional(),
    timeout: z
      .string()
      .regex(durationPattern(['ms', 's', 'm']), 'a duration like 30s, 2m or 500ms')
      .optional()
      .describe('per-request timeout against the workers (default 30s)'),
  }),
});

const cloudDuration = z.string().regex(durationPattern(['s', 'm', 'h']), 'a duration like 90s, 30m or 2h');

const confluentCloudCluster = z.strictObject({
  type: z.literal('confluent-cloud'),
  environmentId: z.string().regex(/^env-[a-z0-9]+$/, 'looks like env-abc123'),
  kafkaClusterId: z.string().regex(/^lkc-[a-z0-9]+$/, 'looks like lkc-abc123'),
  apiEndpoint: credentialFreeUrl('cluster.credentials').default('https://api.confluent.cloud'),
  credentials: z.strictObject({ apiKey: secretReference, apiSecret: secretReference }).optional(),
  wait: z
    .strictObject({
      provisioning: cloudDuration.describe(
        'how long apply waits for a new connector to leave PROVISIONING before it reports it still pending (exit code 5; default 30m)',
      ),
      flapWindow: cloudDuration.describe(
        'FAILED or DEGRADED within this time after provisioning or an update is tolerated as a flap (default 2m)',
      ),
      updateWatch: cloudDuration.describe(
        'how long apply watches an updated connector for a late validation failure (default 60s)',
      ),
      offsets: cloudDuration.describe('how long an offsets request is polled until APPLIED (default 15m)'),
    })
    .partial()
    .optional()
    .describe('how long kcops waits for Confluent Cloud, which provisions and validates asynchronously'),
  maskedSecretOnUpdate: z
    .enum(['keep', 'refuse'])
    .optional()
    .describe(
      'keep: this Cloud keeps a stored secret when an update sends its mask back (what the Confluent CLI relies on), so a rollback may send masks where Git has no earlier revision to take the secret from; refuse (default): masks are never sent',
    ),
});

const kafkaAccess = z.union([
  z.strictObject({
    bootstrapServers: z.array(z.string().regex(/^[^\s:]+:\d+$/, 'host:port')).min(1),
    sasl: z
      .strictObject({
        mechanism: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']),
        username: z.string().min(1),
        password: secretReference,
      })
      .optional(),
  }),
  z.strictObject({
    restEndpoint: credentialFreeUrl('kafka.credentials').describe(
      'Kafka REST v3 endpoint of the Confluent Cloud cluster',
    ),
    credentials: z.strictObject({ apiKey: secretReference, apiSecret: secretReference }).optional(),
  }),
]);

export const policySchema = z.strictObject({
  severity: z
    .enum(['strict', 'advisory'])
    .optional()
    .describe(
      'strict: convention and policy findings (no DLQ, no exactly-once, a file not in the REST shape, placeholders, non-string values) are errors; advisory: they are warnings. Default: strict, except for environments named like dev, local, test, sandbox, ci or demo',
    ),
  requireDlqOnSinks: z.boolean().default(true),
  requireExactlyOnceOnSources: z.boolean().default(false),
  allowedClasses: z
    .array(z.string())
    .optional()
    .describe('connector classes allowed in this environment (all when absent)'),
  maxTasks: z.int().positive().optional(),
  namingPattern: z.string().optional().describe('regular expression every connector name must match'),
});

/** Kafka's own rule for topic names (at most 249 of these characters; `.` and `..` are reserved). */
const topicName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name: letters, digits, ".", "_" and "-", at most 249')
  .refine((t) => t !== '.' && t !== '..', { message: '"." and ".." are not topic names' });

const auditSettings = z
  .strictObject({
    topic: topicName.describe(
      "Kafka topic on this environment's cluster that receives a copy of every audit record (the JSONL file stays the source of truth and holds the chain)",
    ),
    required: z
      .boolean()
      .default(false)
      .describe(
        'true: a record that cannot be published fails the command (the change itself stays made); false: a warning',
      ),
  })
  .describe("A second audit sink: records are published with the environment's Kafka access once the file has them");

/**
 * How `apply` and `rollback` wait in this environment; a command-line flag wins over these. Production can ask for a
 * longer settle window than dev without every pipeline repeating the flag.
 */
const deploySettings = z
  .strictObject({
    settle: z
      .string()
      .regex(durationPattern(['ms', 's', 'm']), 'a duration like 2s, 30s or 1m')
      .optional()
      .describe(
        'how long each changed connector and all its tasks must stay healthy, counted from when kcops first saw it healthy (default 2s; --settle)',
      ),
    waitTimeout: z
      .string()
      .regex(durationPattern(['s', 'm', 'h']), 'a duration like 120s, 10m or 1h')
      .optional()
      .describe('how long the changed connectors may take, together, to be healthy (default 120s; --wait-timeout)'),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(256)
      .optional()
      .describe('changes sent at once (default 64; --concurrency)'),
  })
  .describe('apply/rollback waiting and concurrency for this environment (flags override)');

/**
 * Where the secrets of an environment's connector configs are resolved, beside the providers kcops resolves itself
 * (secretProviders with resolvedBy: kcops). `kcops validate` checks every reference against this (core/secrets/where.ts).
 */
const environmentSecrets = z
  .strictObject({
    worker: z
      .strictObject({
        providers: z
          .array(z.string().regex(/^[A-Za-z0-9_-]+$/))
          .describe(
            'names of secretProviders the workers of this environment have in their config.providers (worker properties config.providers.<name>.class); a reference to a worker provider not listed is an error',
          ),
      })
      .optional()
      .describe('self-managed only. Absent: the workers are taken to have every provider declared resolvedBy: worker'),
    cloud: z
      .strictObject({
        secretManager: z
          .enum(['AWS', 'AZURE', 'GCP'])
          .describe("the cloud's secret manager Confluent Cloud reads (the connector's `secret.manager`)"),
        providerIntegrationId: z
          .string()
          .regex(/^cspi-[A-Za-z0-9]+$/, 'a provider integration id like cspi-abc123')
          .describe('the Confluent provider integration with read access to that secret manager'),
        providers: z
          .array(z.string().regex(/^[A-Za-z0-9_-]+$/))
          .min(1)
          .describe(
            'secretProviders whose references Confluent Cloud resolves in this environment instead of kcops: the value sent is the secret identifier (the reference without `${<provider>:` and `}`)',
          ),
      })
      .optional()
      .describe("confluent-cloud only: the managed connectors' secret-manager integration (secret.manager.* keys)"),
  })
  .describe("Which secret providers this environment's cluster resolves (the secrets never leave it)");

const environment = z
  .strictObject({
    cluster: z.discriminatedUnion('type', [selfManagedCluster, confluentCloudCluster]),
    kafka: kafkaAccess.optional(),
    policies: policySchema.default({ requireDlqOnSinks: true, requireExactlyOnceOnSources: false }),
    audit: auditSettings.optional(),
    deploy: deploySettings.optional(),
    secretProviders: namedMap(z.string().regex(/^[A-Za-z0-9_-]+$/), secretProvider)
      .optional()
      .describe(
        'Providers as this environment sees them (another Vault address, namespace or auth, another AWS region): each entry replaces the top-level declaration of that name for this environment',
      ),
    secrets: environmentSecrets.optional(),
    schemaRegistry: z
      .strictObject({
        url: credentialFreeUrl('schemaRegistry.auth').describe(
          "Schema Registry URL (Confluent Cloud: the environment's Stream Governance endpoint)",
        ),
        auth: z
          .strictObject({
            username: z.string().min(1).describe('user, or the Schema Registry API key on Confluent Cloud'),
            password: secretReference,
          })
          .optional(),
      })
      .optional()
      .describe("the Schema Registry the connectors' converters use; `kcops doctor` checks it"),
  })
  .superRefine((e, ctx) => {
    const problem = auditAccessProblem(e.cluster.type, e.kafka, e.audit);
    if (problem) ctx.addIssue({ code: 'custom', path: ['audit', 'topic'], message: problem });
    if (e.secrets?.worker && e.cluster.type !== 'self-managed')
      ctx.addIssue({
        code: 'custom',
        path: ['secrets', 'worker'],
        message: 'Confluent Cloud workers have no custom config providers: use secrets.cloud (its secret manager)',
      });
    if (e.secrets?.cloud && e.cluster.type !== 'confluent-cloud')
      ctx.addIssue({
        code: 'custom',
        path: ['secrets', 'cloud'],
        message: "secrets.cloud is Confluent Cloud's secret manager: on self-managed workers use secrets.worker",
      });
  });

/**
 * The audit topic is written with the environment's Kafka access, so a configuration that cannot reach it is refused
 * when kcops.yaml is loaded (validate, plan, apply), not after a change has already been made.
 */
function auditAccessProblem(
  cluster: 'self-managed' | 'confluent-cloud',
  kafka: z.infer<typeof kafkaAccess> | undefined,
  audit: z.infer<typeof auditSettings> | undefined,
): string | undefined {
  if (!audit) return undefined;
  if (cluster === 'self-managed') {
    if (!kafka || !('bootstrapServers' in kafka))
      return 'the audit topic is written through the brokers: give kafka.bootstrapServers (and kafka.sasl when the brokers need it)';
    return undefined;
  }
  if (!kafka || !('restEndpoint' in kafka))
    return 'on Confluent Cloud the audit topic is written through Kafka REST v3: give kafka.restEndpoint and kafka.credentials (a Kafka cluster API key)';
  if (!kafka.credentials)
    return 'writing the audit topic through Kafka REST needs kafka.credentials (a Kafka cluster API key with WRITE on the topic)';
  return undefined;
}

const team = z.strictObject({
  prefixes: z.array(z.string().min(1)).min(1).describe('connector names of this team start with one of these'),
  serviceAccounts: z
    .array(z.string().min(1))
    .default([])
    .describe('Kafka principals (User:<name> or sa-...) the connectors run as'),
});

/**
 * A map keyed by names the user chooses (environments, teams, secret providers). The parsed value has no prototype, so
 * looking up a name such as `constructor` or `toString` finds only what kcops.yaml declares, never an Object method.
 * `prefault`, not `default`: a default is returned as is, without the transform.
 */
function namedMap<V extends z.ZodType>(key: z.ZodString, value: V) {
  return z.record(key, value).transform((r) => Object.assign(Object.create(null) as Record<string, z.output<V>>, r));
}

export const projectSchema = z
  .strictObject({
    $schema: z.string().optional(),
    project: z.string().min(1),
    secretProviders: namedMap(z.string().regex(/^[A-Za-z0-9_-]+$/), secretProvider).prefault({}),
    teams: namedMap(z.string(), team).prefault({}),
    access: z
      .strictObject({
        keyRotationDays: z
          .int()
          .positive()
          .default(90)
          .describe('`kcops access review` flags keys older than this many days (rotate them)'),
        unusedKeyDays: z
          .int()
          .positive()
          .default(90)
          .describe(
            '`kcops access review` flags keys not used for this many days (where the platform reports last use)',
          ),
        consoleUsers: z
          .array(z.string().regex(/^u-[A-Za-z0-9]+$/, 'a Confluent Cloud user id like u-abc123'))
          .default([])
          .describe(
            'Confluent Cloud users allowed console roles on the environment or cluster (REQ-SEC-002: the infrastructure team); any other user holding one is flagged',
          ),
      })
      .optional()
      .describe('The policy of the quarterly access review (`kcops access review`)'),
    audit: z
      .strictObject({
        hmacKey: secretReference.describe(
          "A reference to the key that signs the repository's audit log (HMAC-SHA256 of each record and of the head): without it nobody can rewrite records or cut the tail undetected. Resolved by kcops (env or file provider); at least 16 characters, e.g. `openssl rand -hex 32`",
        ),
      })
      .optional()
      .describe('The audit log of this repository (.kcops/audit/audit.jsonl, one chain for every environment)'),
    environments: namedMap(
      z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -'),
      environment,
    ).refine((e) => Object.keys(e).length > 0, {
      message: 'declare at least one environment',
    }),
  })
  .superRefine((p, ctx) => {
    for (const [env, e] of Object.entries(p.environments)) {
      for (const where of ['worker', 'cloud'] as const) {
        (e.secrets?.[where]?.providers ?? []).forEach((name, i) => {
          if (!Object.hasOwn(p.secretProviders, name))
            ctx.addIssue({
              code: 'custom',
              path: ['environments', env, 'secrets', where, 'providers', i],
              message: `'${name}' is not declared under secretProviders (declared: ${Object.keys(p.secretProviders).join(', ') || 'none'})`,
            });
        });
      }
    }
  })
  .describe('kcops.yaml: a Kafka Connect configuration repository');

export type Project = z.infer<typeof projectSchema>;
export type Environment = Project['environments'][string];
export type Policy = z.infer<typeof policySchema>;
export type SecretProvider = Project['secretProviders'][string];
export type EnvironmentSecrets = z.infer<typeof environmentSecrets>;

export function projectJsonSchema(): object {
  return z.toJSONSchema(projectSchema, { io: 'input' });
}
