import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { credentialsSchema } from '../../dev/credentials.js';
import { layout, resolveSettings } from '../../dev/settings.js';
import { readState } from '../../dev/state.js';
import type { TlsOptions } from '../../connect/self-managed/transport.js';
import { environmentOf, unknownEnvironment } from '../project/environments.js';
import { findProjectFile, loadProject } from '../project/load-project.js';
import { loadConnectTls, timeoutMs } from './connect-tls.js';
import { secretReference } from '../project/schema.js';
import { alertsSchema } from '../monitor/alert-config.js';
import { findSecretRefs, SECRET_REF } from '../secrets/reference.js';
import { resolveLocally } from '../secrets/resolve.js';

/**
 * Where an environment's logs and metrics are. Meant for `environments.<env>.observability` in kcops.yaml; until the
 * project schema declares it, it is read from `kcops.observability.yaml` beside kcops.yaml (same shape, keyed by
 * environment) and, for the dev stack, derived from its home.
 */
export const observabilitySchema = z.strictObject({
  logs: z
    .discriminatedUnion('type', [
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
          .union([z.string().regex(/^\d+(m|h|d)$/, 'a duration such as 90m, 6h or 2d'), z.literal('never')])
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
          .describe(
            'keyword field with the connector name, if a pipeline extracts it; default kafka.connect.connector',
          ),
        hostField: z.string().optional().describe('which worker wrote the entry; default host.name'),
        tiebreakerField: z.string().optional().describe('second sort key for search_after paging; default log.offset'),
        auth: z
          .union([
            z.strictObject({ username: z.string().min(1), password: secretReference }),
            z.strictObject({ apiKey: secretReference.describe('the encoded API key (id:key in base64)') }),
          ])
          .optional(),
      }),
    ])
    .optional(),
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
});
export type Observability = z.infer<typeof observabilitySchema>;
export type LogSourceConfig = NonNullable<Observability['logs']>;

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
  /** Confluent Cloud environments: where the cluster is and the Cloud API key (resolved from its references). */
  cloud?: CloudTarget;
  /** Schema Registry of the environment; its password stays a reference until a command needs it (doctor). */
  schemaRegistry?: { url: string; auth?: { username: string; passwordRef: string } };
  /** Resolves a `${provider:path:key}` reference with the repository's secret providers (log source credentials). */
  resolveSecret?: (ref: string) => string;
}

export interface CloudTarget {
  environmentId: string;
  kafkaClusterId: string;
  apiEndpoint: string;
  apiKey?: string;
  apiSecret?: string;
  /** The reference the secret came from, for error hints. */
  credentialRef?: string;
  /** Resolves `${provider:path:key}` references in a connector value: on Cloud there is no worker to do it. */
  resolveValue: (value: string) => string;
  /** The cluster's Kafka REST endpoint and Kafka cluster key, when kcops.yaml gives them (`kafka.restEndpoint`). */
  kafkaRest?: { restEndpoint: string; apiKey: string; apiSecret: string; credentialRef: string };
}

export interface TargetInput {
  cwd: string;
  env?: string;
  config?: string;
  processEnv: NodeJS.ProcessEnv;
}

/**
 * The environment a day-2 command acts on: `--env E` of the repository's kcops.yaml, or, outside a repository (or
 * with `--env dev` when the repository has no `dev`), the local dev stack of `kcops dev up`.
 */
export function resolveTarget(i: TargetInput): OpsTarget {
  const file = i.config ? resolve(i.cwd, i.config) : findProjectFile(i.cwd);
  if (file && existsSync(file)) {
    const loaded = loadProject(file);
    const p = loaded.project;
    if (!p) {
      throw new UserError('PROJECT_INVALID', `${file} is not valid (${loaded.issues.length} problem(s)).`, {
        hint: 'Run `kcops validate` to see them.',
        details: loaded.issues.slice(0, 5).map((x) => `${x.path || '(root)'}: ${x.message}`),
      });
    }
    const names = Object.keys(p.environments);
    const env = i.env ?? (names.length === 1 ? names[0] : undefined);
    if (env === undefined) {
      throw new UserError('ENV_REQUIRED', `${file} declares ${names.length} environments; say which one with --env.`, {
        hint: `e.g. --env ${names[0]} (one of ${names.join(', ')}).`,
        exitCode: 2,
      });
    }
    const e = environmentOf(p, env);
    if (!e) {
      if (env === 'dev') return devTarget(i.processEnv);
      throw unknownEnvironment(p, env, file);
    }
    const obs = readObservability(loaded.root, env);
    const sr = e.schemaRegistry
      ? {
          schemaRegistry: {
            url: e.schemaRegistry.url,
            ...(e.schemaRegistry.auth
              ? { auth: { username: e.schemaRegistry.auth.username, passwordRef: e.schemaRegistry.auth.password } }
              : {}),
          },
        }
      : {};
    if (e.cluster.type !== 'self-managed') {
      const cc = e.cluster;
      const resolve = (ref: string) => resolveLocally(ref, p.secretProviders, i.processEnv);
      return {
        env,
        isDev: false,
        clusterType: 'confluent-cloud',
        connect: { urls: [cc.apiEndpoint] },
        observability: obs,
        projectRoot: loaded.root,
        resolveSecret: resolve,
        ...sr,
        cloud: {
          environmentId: cc.environmentId,
          kafkaClusterId: cc.kafkaClusterId,
          apiEndpoint: cc.apiEndpoint,
          ...(cc.credentials
            ? {
                apiKey: resolve(cc.credentials.apiKey),
                apiSecret: resolve(cc.credentials.apiSecret),
                credentialRef: cc.credentials.apiSecret,
              }
            : {}),
          resolveValue: (v) => (findSecretRefs(v).length > 0 ? v.replace(SECRET_REF, (ref) => resolve(ref)) : v),
          ...(e.kafka && 'restEndpoint' in e.kafka && e.kafka.credentials
            ? {
                kafkaRest: {
                  restEndpoint: e.kafka.restEndpoint,
                  apiKey: resolve(e.kafka.credentials.apiKey),
                  apiSecret: resolve(e.kafka.credentials.apiSecret),
                  credentialRef: e.kafka.credentials.apiSecret,
                },
              }
            : {}),
        },
      };
    }
    const c = e.cluster.connect;
    const target: OpsTarget = {
      env,
      isDev: env === 'dev',
      clusterType: 'self-managed',
      connect: { urls: c.urls },
      observability: obs,
      projectRoot: loaded.root,
      resolveSecret: (ref) => resolveLocally(ref, p.secretProviders, i.processEnv),
      ...sr,
    };
    if (c.tls) target.connect.tls = loadConnectTls(loaded.root, env, c.tls);
    if (c.timeout) target.connect.timeoutMs = timeoutMs(c.timeout);
    if (c.auth) {
      target.connect.auth = {
        username: c.auth.username,
        password: resolveLocally(c.auth.password, p.secretProviders, i.processEnv),
      };
      target.connect.credentialRef = c.auth.password;
    }
    const k = e.kafka;
    if (k && 'bootstrapServers' in k && k.sasl) {
      target.kafka = {
        bootstrap: k.bootstrapServers[0] ?? '',
        username: k.sasl.username,
        password: resolveLocally(k.sasl.password, p.secretProviders, i.processEnv),
        mechanism: k.sasl.mechanism,
      };
    }
    return target;
  }
  if (i.env !== undefined && i.env !== 'dev') {
    throw new UserError(
      'PROJECT_NOT_FOUND',
      `No kcops.yaml here or above ${i.cwd}, so there is no environment '${i.env}'.`,
      {
        hint: 'Run the command inside a configuration repository (or pass --config), or use the local stack with --env dev.',
        exitCode: 2,
      },
    );
  }
  return devTarget(i.processEnv);
}

/** The local stack of `kcops dev up` (its home: KCOPS_DEV_HOME or ~/.kcops/dev). */
export function devTarget(processEnv: NodeJS.ProcessEnv): OpsTarget {
  const s = resolveSettings({ env: processEnv });
  const l = layout(s);
  if (!existsSync(l.credentials)) {
    throw new UserError('DEV_NOT_RUNNING', `No kcops.yaml here and no dev stack in ${s.home}.`, {
      hint: 'Start the local stack with `kcops dev up` (or set KCOPS_DEV_HOME), or run inside a configuration repository with --env.',
    });
  }
  const creds = credentialsSchema.parse(JSON.parse(readFileSync(l.credentials, 'utf8')));
  const ports = readState(l.state)?.ports ?? s.ports;
  return {
    env: 'dev',
    isDev: true,
    clusterType: 'self-managed',
    connect: {
      urls: ports.connect.map((p) => `http://127.0.0.1:${p}`),
      auth: creds.connect,
      credentialRef: `${l.credentials}:connect`,
    },
    kafka: { bootstrap: `127.0.0.1:${ports.kafka}`, ...creds.kafka.admin, mechanism: 'PLAIN' },
    observability: {
      logs: { type: 'files', files: ['worker-1', 'worker-2'].map((w) => join(l.logsDir, `${w}.log`)) },
      metrics: { prometheusUrls: ports.metrics.map((p) => `http://127.0.0.1:${p}/metrics`) },
    },
  };
}

function readObservability(root: string, env: string): Observability {
  const file = join(root, 'kcops.observability.yaml');
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    // maxAliasCount: aliases that expand without bound ("billion laughs") are refused, not followed.
    raw = parseYaml(readFileSync(file, 'utf8'), { maxAliasCount: 100 });
  } catch (e) {
    throw new UserError(
      'OBSERVABILITY_INVALID',
      `${file} cannot be read as YAML: ${(e as Error).message.split('\n')[0]}`,
      {
        hint: 'Fix the file (see docs/episodes/03-operate-connectors.md for its shape).',
      },
    );
  }
  const all = z.record(z.string(), observabilitySchema).safeParse(raw ?? {});
  if (!all.success) {
    throw new UserError('OBSERVABILITY_INVALID', `${file} is not valid.`, {
      details: all.error.issues.slice(0, 5).map((x) => `${x.path.join('.')}: ${x.message}`),
      hint: 'See docs/episodes/03-operate-connectors.md for its shape.',
    });
  }
  const o = (Object.hasOwn(all.data, env) ? all.data[env] : undefined) ?? {};
  if (o.logs?.type === 'files') o.logs.files = o.logs.files.map((f) => (isAbsolute(f) ? f : join(root, f)));
  return o;
}
