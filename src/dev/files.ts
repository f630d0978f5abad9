import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuntimeArtifacts } from './artifacts.js';
import {
  plainJaas,
  brokerProperties,
  connectJaas,
  connectUsers,
  jmxExporterConfig,
  log4j2Properties,
  serviceAccountSecret,
  workerProperties,
  escapeProperty,
} from './configs.js';
import { writeSecretFile, type Credentials } from './credentials.js';
import { DEV_DATABASE } from './postgres.js';
import { ensureDevKeyFile } from './access.js';
import { layout, type DevSettings } from './settings.js';

/** templates/init/observability/logging/kcops-connect-log.json in the installed package. */
export function connectLogTemplate(): string {
  return join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    'templates',
    'init',
    'observability',
    'logging',
    'kcops-connect-log.json',
  );
}

/**
 * Writes every config and secret file of a dev home. Files holding secrets are 0600; configs that embed SASL
 * passwords (broker, worker) are 0600 too.
 */
export function writeStackFiles(
  s: DevSettings,
  c: Credentials,
  rt: RuntimeArtifacts,
  pg: { host: string; port: number },
  /** The access extension is enabled when its jar was built (dev up always builds it). */
  accessPluginDir?: string,
): void {
  const l = layout(s);
  for (const d of [l.configDir, l.secretsDir, l.kafkaData, l.s3Data, l.logsDir])
    mkdirSync(d, { recursive: true, mode: 0o700 });
  const cfg = (name: string) => join(l.configDir, name);

  writeSecretFile(cfg('broker.properties'), brokerProperties(s, c, l.kafkaData));
  writeFileSync(
    cfg('broker-log4j2.properties'),
    log4j2Properties(l.log('broker'), [
      ['kafka.request.logger', 'WARN'],
      ['org.apache.kafka.controller', 'INFO'],
      // Denied requests are logged at INFO: the first place to look when a connector lacks an ACL.
      ['kafka.authorizer.logger', 'INFO'],
    ]),
  );
  writeFileSync(
    cfg('tools-log4j2.properties'),
    [
      'status = warn',
      'appender.err.type = Console',
      'appender.err.name = ERR',
      'appender.err.target = SYSTEM_ERR',
      'appender.err.layout.type = PatternLayout',
      'appender.err.layout.pattern = %p %m%n',
      'rootLogger.level = WARN',
      'rootLogger.appenderRef.err.ref = ERR',
      '',
    ].join('\n'),
  );
  const usersFile = cfg('connect-users.properties');
  writeSecretFile(usersFile, connectUsers(c));
  writeFileSync(cfg('connect-jaas.conf'), connectJaas(usersFile));
  writeFileSync(cfg('jmx-connect.yaml'), jmxExporterConfig());
  // The JSON event template is the one the repository template ships (kcops init writes it to observability/).
  const eventTemplate = cfg('kcops-connect-log.json');
  if (s.logFormat === 'json') copyFileSync(connectLogTemplate(), eventTemplate);
  if (accessPluginDir) ensureDevKeyFile(l.accessKeys, c);
  ([0, 1] as const).forEach((i) => {
    const name = i === 0 ? 'worker-1' : 'worker-2';
    writeSecretFile(
      cfg(`${name}.properties`),
      workerProperties(s, c, i, {
        pluginPath: rt.plugins,
        secretsDir: l.secretsDir,
        ...(accessPluginDir ? { access: { keysFile: l.accessKeys, auditFile: l.accessAudit(name) } } : {}),
      }),
    );
    writeFileSync(
      cfg(`${name}-log4j2.properties`),
      log4j2Properties(
        l.log(name),
        [
          ['org.reflections', 'ERROR'],
          ['org.apache.kafka.clients.consumer.internals', 'WARN'],
        ],
        s.logFormat === 'json' ? { type: 'json', eventTemplate } : { type: 'text' },
      ),
    );
  });

  // Secrets connectors reference through the worker's file config provider: ${file:<path>:<key>}.
  for (const [name, id] of Object.entries(c.kafka.serviceAccounts)) {
    writeSecretFile(join(l.secretsDir, `kafka-${name}.properties`), serviceAccountSecret(id));
  }
  if (c.postgres) {
    const entries: [string, string][] = [
      ['hostname', pg.host],
      ['port', String(pg.port)],
      ['dbname', DEV_DATABASE],
      ['username', c.postgres.cdc.username],
      ['password', c.postgres.cdc.password],
    ];
    writeSecretFile(
      join(l.secretsDir, 'postgres.properties'),
      entries.map(([k, v]) => `${k}=${escapeProperty(v)}`).join('\n') + '\n',
    );
    // The same values one file per key, the layout of a mounted Kubernetes Secret, for the workers' `dir` provider
    // (DirectoryConfigProvider): ${dir:<secrets>/postgres:password}. No trailing newline: the provider reads the
    // file as is, and a newline would become part of the password.
    const dir = join(l.secretsDir, 'postgres');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const [k, v] of entries) writeSecretFile(join(dir, k), v);
  }
  if (c.s3) {
    writeSecretFile(
      join(l.secretsDir, 's3.properties'),
      `access.key.id=${c.s3.accessKeyId}\nsecret.access.key=${c.s3.secretAccessKey}\nendpoint=http://127.0.0.1:${s.ports.s3}\nbucket=${s.bucket}\n`,
    );
  }
}

/** Secrets file paths a connector can reference; part of the `dev up` result. */
export function secretFiles(s: DevSettings, c: Credentials): Record<string, string> {
  const l = layout(s);
  const out: Record<string, string> = {};
  for (const name of Object.keys(c.kafka.serviceAccounts))
    out[`kafka-${name}`] = join(l.secretsDir, `kafka-${name}.properties`);
  if (c.postgres) {
    out.postgres = join(l.secretsDir, 'postgres.properties');
    out['postgres-dir'] = join(l.secretsDir, 'postgres');
  }
  if (c.s3) out.s3 = join(l.secretsDir, 's3.properties');
  return out;
}

/**
 * The same secrets as environment variables of the worker processes, for the workers' `env` config provider
 * (allowlist `^KCOPS_.*`). Unlike file paths, `${env:KCOPS_PG_PASSWORD}` is the same on every machine, so connector
 * files in Git can use it (examples/kafka-connect-configs does).
 */
export function workerSecretEnv(c: Credentials, pg: { host: string; port: number }): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, id] of Object.entries(c.kafka.serviceAccounts)) {
    env[`KCOPS_SASL_JAAS_${name.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`] = plainJaas(id);
  }
  if (c.postgres) {
    Object.assign(env, {
      KCOPS_PG_HOST: pg.host,
      KCOPS_PG_PORT: String(pg.port),
      KCOPS_PG_DATABASE: DEV_DATABASE,
      KCOPS_PG_USER: c.postgres.cdc.username,
      KCOPS_PG_PASSWORD: c.postgres.cdc.password,
    });
  }
  if (c.s3)
    Object.assign(env, { KCOPS_S3_ACCESS_KEY_ID: c.s3.accessKeyId, KCOPS_S3_SECRET_ACCESS_KEY: c.s3.secretAccessKey });
  return env;
}
