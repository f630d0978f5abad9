import { z } from 'zod';
import type { TlsOptions } from '../../connect/self-managed/transport.js';
import { secretReference, type Project } from '../project/schema.js';
import { alertsSchema } from '../monitor/alert-config.js';
import { durationPattern } from '../duration.js';
import { devStackLogs, devStackServerAudit } from '../dev-stack/logs.js';
import type { Ownership } from '../auth/ownership.js';

/** One log source of an environment. */
const logSourceSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('files'),
    files: z.array(z.string()).min(1).describe('worker log files readable from this machine'),
    utcOffsetMinutes: z
      .int()
      .optional()
      .describe('time zone of the workers (log4j %d is local time); default: this machine'),
  }),
  z.strictObject({
    type: z.literal('cloudwatch'),
    region: z.string(),
    logGroup: z.string(),
    logStreamPrefix: z.string().optional(),
    endpoint: z.url().optional().describe('only for stand-ins and VPC endpoints'),
    insightsAbove: z
      .union([
        z.string().regex(durationPattern(['m', 'h', 'd']), 'a duration such as 90m, 6h or 2d'),
        z.literal('never'),
      ])
      .optional()
      .describe(
        'windows longer than this are read with Logs Insights (billed per GB scanned) instead of FilterLogEvents; default 1h',
      ),
  }),
  z.strictObject({
    type: z.literal('elasticsearch'),
    url: z.url(),
    index: z.string().optional().describe('index, alias, data stream or pattern; default filebeat-*'),
    messageField: z.string().optional().describe('the log4j line with its stack trace; default message'),
    timestampField: z.string().optional().describe('a date field; default @timestamp'),
    connectorField: z
      .string()
      .optional()
      .describe('keyword field with the connector name, if a pipeline extracts it; default kafka.connect.connector'),
    hostField: z.string().optional().describe('which worker wrote the entry; default host.name'),
    tiebreakerField: z.string().optional().describe('second sort key for search_after paging; default log.offset'),
    auth: z
      .union([
        z.strictObject({ username: z.string().min(1), password: secretReference }),
        z.strictObject({ apiKey: secretReference.describe('the encoded API key (id:key in base64)') }),
      ])
      .optional(),
  }),
]);

const LOGS_DESCRIPTION =
  "where the workers' logs are: one source, or a list of them (the first is the default; `kcops connect logs --source <type>` picks another)";

/**
 * Where an environment's logs and metrics are. Meant for `environments.<env>.observability` in kcops.yaml; until the
 * project schema declares it, it is read from `kcops.observability.yaml` beside kcops.yaml (same shape, keyed by
 * environment) and, for the dev stack, derived from its home.
 */
export const observabilitySchema = z.strictObject({
  logs: z
    .union([logSourceSchema, z.array(logSourceSchema).min(1)])
    .optional()
    .describe(LOGS_DESCRIPTION),
  metrics: z
    .strictObject({ prometheusUrls: z.array(z.url()).min(1).describe("the workers' JMX exporter /metrics endpoints") })
    .optional(),
  expect: z
    .strictObject({
      workerVersion: z.string().optional().describe('Connect version the workers must run, e.g. 4.3.1'),
      plugins: z.record(z.string(), z.string()).optional().describe('connector class → version the repository expects'),
    })
    .optional(),
  alerts: alertsSchema.optional().describe('`kcops alerts check`: which failures alert whom'),
  serverAudit: z
    .strictObject({
      files: z
        .array(z.string())
        .min(1)
        .describe(
          "the workers' access-extension audit files (their kcops.access.audit.file), readable from this machine (a shared volume, a log collector's copy); relative paths are relative to kcops.yaml",
        ),
    })
    .optional()
    .describe('`kcops history` / `kcops audit`: where the records of requests made to the workers directly (curl) are'),
});
export type Observability = z.infer<typeof observabilitySchema>;

/**
 * The file as written: `logs` and `serverAudit` may also be `{ type: dev-stack }`, read as the dev stack's worker log
 * files and access audit files.
 */
const logSourceFileSchema = z.discriminatedUnion('type', [...logSourceSchema.options, devStackLogs]);
export const observabilityFileSchema = observabilitySchema.extend({
  logs: z
    .union([logSourceFileSchema, z.array(logSourceFileSchema).min(1)])
    .optional()
    .describe(LOGS_DESCRIPTION),
  serverAudit: z.union([observabilitySchema.shape.serverAudit.unwrap(), devStackServerAudit]).optional(),
});
export type LogSourceConfig = z.infer<typeof logSourceSchema>;

/** The environment's log sources, the default first (`logs` as one source or as a list). */
export function configuredLogSources(o: Observability): LogSourceConfig[] {
  return o.logs === undefined ? [] : Array.isArray(o.logs) ? o.logs : [o.logs];
}

export interface OpsTarget {
  /** Environment name ('dev' for the local stack). */
  env: string;
  /** The local dev stack: mutations need no Git change and warn about no drift. */
  isDev: boolean;
  clusterType: 'self-managed' | 'confluent-cloud';
  connect: {
    urls: string[];
    auth?: { username: string; password: string };
    credentialRef?: string;
    tls?: TlsOptions;
    timeoutMs?: number;
  };
  kafka?: {
    bootstrap: string;
    username: string;
    password: string;
    mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  };
  observability: Observability;
  /** Root of the configuration repository, when there is one. */
  projectRoot?: string;
  /** Its kcops.yaml, parsed once here (GitOps commands read ownership and the audit topic from it). */
  project?: Project;
  /**
   * Connector ownership by name prefix where no kcops.yaml declares `teams`: the dev stack's key file (the same table
   * its workers enforce).
   */
  teams?: Ownership;
  /** Confluent Cloud environments: where the cluster is and the Cloud API key (resolved from its references). */
  cloud?: CloudTarget;
  /** Schema Registry of the environment; its password stays a reference until a command needs it (doctor). */
  schemaRegistry?: { url: string; auth?: { username: string; passwordRef: string } };
  /** Resolves a `${provider:path:key}` reference with the repository's secret providers (log source credentials). */
  resolveSecret?: (ref: string) => string;
  /**
   * The same for connector-config references kcops resolves itself, which may live in Vault or AWS Secrets Manager
   * (network, hence async), through the target's one resolver: one store request per secret per run.
   */
  resolveSecretAsync?: (ref: string) => Promise<string>;
}

export interface CloudWait {
  provisioningMs?: number;
  flapWindowMs?: number;
  updateWatchMs?: number;
  offsetsMs?: number;
}

export interface CloudTarget {
  environmentId: string;
  kafkaClusterId: string;
  apiEndpoint: string;
  apiKey?: string;
  apiSecret?: string;
  /** The reference the secret came from, for error hints. */
  credentialRef?: string;
  /** kcops.yaml `cluster.wait`: how long to wait for provisioning, flaps, late rejections and offsets. */
  wait?: CloudWait;
  /** kcops.yaml `cluster.maskedSecretOnUpdate: keep`: an update may send a mask back (rollback only). */
  keepsSecretOnMask?: boolean;
  /**
   * Resolves `${provider:path:key}` references in a connector value: on Cloud there is no worker to do it. Async:
   * Vault and AWS Secrets Manager are read over the network (one request per secret per run).
   */
  resolveValue: (value: string) => string | Promise<string>;
  /** The cluster's Kafka REST endpoint and Kafka cluster key, when kcops.yaml gives them (`kafka.restEndpoint`). */
  kafkaRest?: { restEndpoint: string; apiKey: string; apiSecret: string; credentialRef: string };
}

export interface TargetInput {
  cwd: string;
  env?: string;
  config?: string;
  processEnv: NodeJS.ProcessEnv;
}
