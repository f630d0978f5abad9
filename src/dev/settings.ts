import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { devHome } from '../core/dev-stack/home.js';

/**
 * Default ports sit in the 28000/29000 ranges so they never meet the services this kind of machine runs
 * (PostgreSQL 5432, MariaDB 3306, Redis 6379, RabbitMQ 5672, Mosquitto 1883, NATS 4222). All can be changed.
 */
export const DEFAULT_PORTS = {
  kafka: 29092,
  controller: 29093,
  connect: [28083, 28084] as [number, number],
  metrics: [29404, 29405] as [number, number],
  s3: 29090,
  s3Https: 29191,
  postgres: 25432,
};

export type DevPorts = typeof DEFAULT_PORTS;

/** `shipper` (rsyslog, `dev up --ship-logs`) runs only when asked. */
export const COMPONENTS = ['broker', 'worker-1', 'worker-2', 's3', 'postgres', 'shipper'] as const;
export type Component = (typeof COMPONENTS)[number];

export interface DevSettings {
  /** Everything the stack writes: configs, data, logs, credentials, state. */
  home: string;
  /** Maven-resolved artifacts, shared by every dev home (keyed by the runtime POM's hash). */
  cacheDir: string;
  ports: DevPorts;
  /** An existing PostgreSQL to use instead of starting one (must have wal_level=logical). */
  postgresUrl?: string;
  bucket: string;
  connectGroup: string;
  javaHome?: string;
  /**
   * KIP-618 exactly-once source support on both workers (`exactly.once.source.support=enabled`). Undefined: keep what
   * the dev home was started with (state.json), off for a new one.
   */
  exactlyOnceSource?: boolean;
  /** How the workers log: text lines (default) or JSON documents (`dev up --log-format json`). */
  logFormat?: LogFormat;
  /** `dev up --ship-logs`: rsyslog sends the workers' logs to this Elasticsearch / OpenSearch URL. */
  shipLogsTo?: string;
}

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface SettingsInput {
  home?: string;
  cacheDir?: string;
  ports?: Partial<Omit<DevPorts, 'connect' | 'metrics'>> & { connect?: number[]; metrics?: number[] };
  postgresUrl?: string;
  exactlyOnceSource?: boolean;
  logFormat?: LogFormat;
  shipLogsTo?: string;
  env?: NodeJS.ProcessEnv;
}

export function resolveSettings(input: SettingsInput = {}): DevSettings {
  const env = input.env ?? process.env;
  const home = input.home !== undefined ? resolve(input.home) : devHome(env);
  const cacheDir = resolve(input.cacheDir ?? env.KCOPS_CACHE_DIR ?? join(homedir(), '.cache', 'kcops'));
  const p = input.ports ?? {};
  const ports: DevPorts = {
    kafka: p.kafka ?? DEFAULT_PORTS.kafka,
    controller: p.controller ?? DEFAULT_PORTS.controller,
    connect: [p.connect?.[0] ?? DEFAULT_PORTS.connect[0], p.connect?.[1] ?? DEFAULT_PORTS.connect[1]],
    metrics: [p.metrics?.[0] ?? DEFAULT_PORTS.metrics[0], p.metrics?.[1] ?? DEFAULT_PORTS.metrics[1]],
    s3: p.s3 ?? DEFAULT_PORTS.s3,
    s3Https: p.s3Https ?? DEFAULT_PORTS.s3Https,
    postgres: p.postgres ?? DEFAULT_PORTS.postgres,
  };
  const settings: DevSettings = { home, cacheDir, ports, bucket: 'kcops-dev', connectGroup: 'kcops-dev-connect' };
  const pgUrl = input.postgresUrl ?? env.KCOPS_DEV_POSTGRES_URL;
  if (pgUrl) settings.postgresUrl = pgUrl;
  if (env.JAVA_HOME) settings.javaHome = env.JAVA_HOME;
  if (input.exactlyOnceSource !== undefined) settings.exactlyOnceSource = input.exactlyOnceSource;
  if (input.logFormat) settings.logFormat = input.logFormat;
  if (input.shipLogsTo) settings.shipLogsTo = input.shipLogsTo;
  return settings;
}

/** Where each file of a dev home lives; one place so up, down, status and logs agree. */
export function layout(s: DevSettings) {
  const h = s.home;
  return {
    state: join(h, 'state.json'),
    credentials: join(h, 'credentials.json'),
    configDir: join(h, 'config'),
    secretsDir: join(h, 'secrets'),
    dataDir: join(h, 'data'),
    kafkaData: join(h, 'data', 'kafka'),
    s3Data: join(h, 'data', 's3'),
    logsDir: join(h, 'logs'),
    /** The API key file the workers' access extension reads and `kcops access keys` writes. */
    accessKeys: join(h, 'config', 'connect-access-keys.json'),
    /** One server-side audit file per worker (JSON lines), written by the access extension. */
    accessAudit: (worker: 'worker-1' | 'worker-2') => join(h, 'logs', `${worker}-access-audit.jsonl`),
    log: (c: Component) => join(h, 'logs', `${c}.log`),
    /** The shipper's rsyslog configuration (also its process marker), state directory and rejected documents. */
    shipperConfig: join(h, 'config', 'rsyslog-ship.conf'),
    shipperWorkDir: join(h, 'data', 'shipper'),
    shipperRejected: join(h, 'logs', 'shipper-rejected.json'),
    /** stdout/stderr of the process itself: where a JVM that dies before logging says why. */
    console: (c: Component) => join(h, 'logs', `${c}.out`),
  };
}

/**
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` OS user, which cannot enter a root-only
 * home (/root is 0700). Its data then lives under the system temp dir, one per dev home.
 */
export function postgresDataDir(s: DevSettings, runningAsRoot: boolean): string {
  if (!runningAsRoot) return join(s.home, 'data', 'postgres');
  const tag = createHash('sha256').update(s.home).digest('hex').slice(0, 12);
  return join(tmpdir(), `kcops-dev-postgres-${tag}`);
}

export function connectUrls(s: DevSettings): string[] {
  return s.ports.connect.map((p) => `http://127.0.0.1:${p}`);
}

export function metricsUrls(s: DevSettings): string[] {
  return s.ports.metrics.map((p) => `http://127.0.0.1:${p}/metrics`);
}
