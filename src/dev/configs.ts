/**
 * Pure renderers for every config file the dev stack writes. No I/O here, so each is unit-tested.
 * Written from the Kafka 4.3 docs and sources (not copied from upstream files).
 */
import type { Credentials, Identity } from './credentials.js';
import type { DevSettings } from './settings.js';

export const INTERNAL_TOPIC_PREFIX = '_kcops-connect-';

export function plainJaas(id: Identity): string {
  return `org.apache.kafka.common.security.plain.PlainLoginModule required username="${id.username}" password="${id.password}";`;
}

function props(entries: [string, string | number][]): string {
  return entries.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join('\n') + '\n';
}

/** java.util.Properties escaping for values (backslashes, and a leading space). */
export function escapeProperty(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/^ /, '\\ ').replace(/\n/g, '\\n');
}

/**
 * KRaft combined broker+controller. Every listener requires SASL/PLAIN, the standard authorizer enforces ACLs and
 * only the admin identity is a super user, the way Confluent Cloud treats API keys (issue #2 §3).
 */
export function brokerProperties(s: DevSettings, c: Credentials, dataDir: string): string {
  const users = [c.kafka.admin, c.kafka.worker, ...Object.values(c.kafka.serviceAccounts)];
  const userEntries = users.map((u) => `user_${u.username}="${u.password}"`).join(' ');
  const serverJaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="${c.kafka.admin.username}" password="${c.kafka.admin.password}" ${userEntries};`;
  return props([
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    ['controller.quorum.bootstrap.servers', `127.0.0.1:${s.ports.controller}`],
    ['listeners', `BROKER://127.0.0.1:${s.ports.kafka},CONTROLLER://127.0.0.1:${s.ports.controller}`],
    ['advertised.listeners', `BROKER://127.0.0.1:${s.ports.kafka}`],
    ['listener.security.protocol.map', 'BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT'],
    ['inter.broker.listener.name', 'BROKER'],
    ['controller.listener.names', 'CONTROLLER'],
    ['sasl.enabled.mechanisms', 'PLAIN'],
    ['sasl.mechanism.inter.broker.protocol', 'PLAIN'],
    ['sasl.mechanism.controller.protocol', 'PLAIN'],
    ['listener.name.broker.plain.sasl.jaas.config', serverJaas],
    ['listener.name.controller.plain.sasl.jaas.config', serverJaas],
    ['listener.name.controller.sasl.enabled.mechanisms', 'PLAIN'],
    ['authorizer.class.name', 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'],
    ['super.users', `User:${c.kafka.admin.username}`],
    ['allow.everyone.if.no.acl.found', 'false'],
    ['log.dirs', dataDir],
    ['num.partitions', 1],
    ['num.network.threads', 2],
    ['num.io.threads', 4],
    ['offsets.topic.replication.factor', 1],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['share.coordinator.state.topic.replication.factor', 1],
    ['share.coordinator.state.topic.min.isr', 1],
    // Dev and tests: no 3-second wait before the first consumer-group rebalance.
    ['group.initial.rebalance.delay.ms', 0],
    ['log.retention.hours', 24],
    ['auto.create.topics.enable', 'true'],
  ]);
}

function saslClient(prefix: string, id: Identity): [string, string][] {
  return [
    [`${prefix}security.protocol`, 'SASL_PLAINTEXT'],
    [`${prefix}sasl.mechanism`, 'PLAIN'],
    [`${prefix}sasl.jaas.config`, plainJaas(id)],
  ];
}

/**
 * A distributed worker. It authenticates as its own principal; connectors are expected to bring their team's
 * service account through `producer.override.*` / `consumer.override.*` and the file config provider, as managed
 * connectors run as a service account in Confluent Cloud.
 */
export function workerProperties(
  s: DevSettings,
  c: Credentials,
  index: 0 | 1,
  paths: {
    pluginPath: string;
    secretsDir: string;
    access?: { keysFile: string; auditFile: string };
  },
): string {
  const port = s.ports.connect[index];
  return props([
    ['bootstrap.servers', `127.0.0.1:${s.ports.kafka}`],
    ...saslClient('', c.kafka.worker),
    ...saslClient('producer.', c.kafka.worker),
    ...saslClient('consumer.', c.kafka.worker),
    ...saslClient('admin.', c.kafka.worker),
    ['group.id', s.connectGroup],
    ['config.storage.topic', `${INTERNAL_TOPIC_PREFIX}configs`],
    ['offset.storage.topic', `${INTERNAL_TOPIC_PREFIX}offsets`],
    ['status.storage.topic', `${INTERNAL_TOPIC_PREFIX}status`],
    ['config.storage.replication.factor', 1],
    ['offset.storage.replication.factor', 1],
    ['status.storage.replication.factor', 1],
    ['offset.storage.partitions', 5],
    ['status.storage.partitions', 1],
    ['key.converter', 'org.apache.kafka.connect.json.JsonConverter'],
    ['value.converter', 'org.apache.kafka.connect.json.JsonConverter'],
    ['offset.flush.interval.ms', 5000],
    ['listeners', `http://127.0.0.1:${port}`],
    ['rest.advertised.host.name', '127.0.0.1'],
    ['rest.advertised.port', port],
    // Per-user API keys, per-team authorisation and the server-side audit (extensions/connect-access, issue #15);
    // without it (no access paths) the admin identity alone gets in through Connect's basic-auth extension.
    // The extension jar is on the worker's classpath (commands.ts).
    ...((paths.access
      ? [
          ['rest.extension.classes', 'dev.kcops.connect.access.AccessRestExtension'],
          ['kcops.access.keys.file', paths.access.keysFile],
          ['kcops.access.audit.file', paths.access.auditFile],
        ]
      : [
          [
            'rest.extension.classes',
            'org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension',
          ],
        ]) as [string, string][]),
    ['plugin.path', paths.pluginPath],
    // A killed worker's tasks move after 10 s instead of the 5-minute production default.
    ['scheduled.rebalance.max.delay.ms', 10000],
    ['connector.client.config.override.policy', 'All'],
    ['config.providers', 'file,dir,env'],
    ['config.providers.file.class', 'org.apache.kafka.common.config.provider.FileConfigProvider'],
    ['config.providers.file.param.allowed.paths', paths.secretsDir],
    ['config.providers.dir.class', 'org.apache.kafka.common.config.provider.DirectoryConfigProvider'],
    ['config.providers.dir.param.allowed.paths', paths.secretsDir],
    ['config.providers.env.class', 'org.apache.kafka.common.config.provider.EnvVarConfigProvider'],
    ['config.providers.env.param.allowlist.pattern', '^KCOPS_.*'],
    // KIP-618: source tasks write records and offsets in one transaction; consumers that read_committed then see
    // each change once even when a worker dies mid-batch. Off by default (it changes every source connector).
    ...(s.exactlyOnceSource ? ([['exactly.once.source.support', 'enabled']] as [string, string][]) : []),
  ]);
}

/** The transactional id of the workers' leader (KIP-618 writes to the config topic in transactions). */
export function leaderTransactionalId(s: DevSettings): string {
  return `connect-cluster-${s.connectGroup}`;
}

/** How a worker writes its log: text lines (the pattern below) or one JSON document per event. */
export type LogLayout = { type: 'text' } | { type: 'json'; eventTemplate: string };

/**
 * Log4j2 (properties syntax) with Connect's per-connector MDC `[name|task-0]` in every line that has one. The JSON
 * layout is log4j2's JsonTemplateLayout (runtime/pom.xml) with kcops's event template
 * (templates/init/observability/logging/kcops-connect-log.json): ECS field names, the MDC context raw and split into
 * connector and scope, the stack trace inside the document, so a shipper can send line by line.
 */
export function log4j2Properties(
  logFile: string,
  extraLoggers: [string, string][] = [],
  layout: LogLayout = { type: 'text' },
): string {
  const lines = [
    'status = warn',
    'name = kcops-dev',
    'appender.file.type = RollingFile',
    'appender.file.name = FILE',
    `appender.file.fileName = ${logFile}`,
    `appender.file.filePattern = ${logFile}.%i`,
    ...(layout.type === 'json'
      ? [
          'appender.file.layout.type = JsonTemplateLayout',
          `appender.file.layout.eventTemplateUri = file:${layout.eventTemplate}`,
        ]
      : [
          'appender.file.layout.type = PatternLayout',
          'appender.file.layout.pattern = [%d] %p %X{connector.context}%m (%c:%L)%n',
        ]),
    'appender.file.policies.type = Policies',
    'appender.file.policies.size.type = SizeBasedTriggeringPolicy',
    'appender.file.policies.size.size = 50MB',
    'appender.file.strategy.type = DefaultRolloverStrategy',
    'appender.file.strategy.max = 3',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.file.ref = FILE',
  ];
  extraLoggers.forEach(([name, level], i) => {
    lines.push(`logger.l${i}.name = ${name}`, `logger.l${i}.level = ${level}`);
  });
  return lines.join('\n') + '\n';
}

export function connectJaas(usersFile: string): string {
  return `KafkaConnect {\n  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n  file="${usersFile}";\n};\n`;
}

/** The basic-auth extension's user file: java.util.Properties, `user=password`. */
export function connectUsers(c: Credentials): string {
  return props([[c.connect.username, c.connect.password]]);
}

/** Worker-side secrets, read by the file config provider as `${file:<path>:<key>}`. */
export function serviceAccountSecret(id: Identity): string {
  return props([
    ['username', id.username],
    ['password', id.password],
    ['sasl.jaas.config', plainJaas(id)],
  ]);
}

/** JMX exporter rules for Connect: per-connector and per-task metrics with connector/task labels. */
export function jmxExporterConfig(): string {
  return `lowercaseOutputName: true
lowercaseOutputLabelNames: true
rules:
  - pattern: 'kafka.connect<type=connector-task-metrics, connector=(.+), task=(.+)><>status: ([a-z-]+)'
    name: kafka_connect_task_status
    value: 1
    labels: { connector: "$1", task: "$2", status: "$3" }
    type: GAUGE
  - pattern: 'kafka.connect<type=connector-metrics, connector=(.+)><>status: ([a-z-]+)'
    name: kafka_connect_connector_status
    value: 1
    labels: { connector: "$1", status: "$2" }
    type: GAUGE
  - pattern: 'kafka.connect<type=(.+)-metrics, connector=(.+), task=(.+)><>([a-z-]+)'
    name: kafka_connect_$1_$4
    labels: { connector: "$2", task: "$3" }
    type: GAUGE
  - pattern: 'kafka.connect<type=connect-worker-metrics, connector=(.+)><>([a-z-]+)'
    name: kafka_connect_worker_connector_$2
    labels: { connector: "$1" }
    type: GAUGE
  - pattern: 'kafka.connect<type=(connect-worker-metrics|connect-worker-rebalance-metrics|connect-metrics)(, client-id=(.+))?><>([a-z-]+)'
    name: kafka_connect_$1_$4
    type: GAUGE
  - pattern: 'kafka.(producer|consumer|admin)<type=(.+), client-id=(.+)><>([a-z-]+)'
    name: kafka_$1_$2_$4
    labels: { client_id: "$3" }
    type: GAUGE
  - pattern: 'java.lang<type=(Memory|Threading|OperatingSystem)><(HeapMemoryUsage|NonHeapMemoryUsage)>(used|committed|max)'
    name: jvm_$2_$3
    type: GAUGE
`;
}
