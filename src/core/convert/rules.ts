import mappings from './managed-mappings.json' with { type: 'json' };

/**
 * The managed ⇄ worker key mappings of Confluent's fully-managed connector templates, generated into
 * managed-mappings.json by scripts/gen-managed-mappings.mjs. A rule says how one worker (self-managed) key is made
 * from the user-facing managed keys.
 */
export interface MappingRule {
  to: string;
  /** Fixed value; may name user keys as `${key}` (e.g. `jdbc:postgresql://${connection.host}:...`). */
  value?: string;
  /** The worker value is chosen by the managed key `switch`'s value (`DEFAULT` when none matches). */
  switch?: string;
  cases?: Record<string, string>;
  /** A mapper implemented in Confluent's code, not in the template. */
  dynamic?: string;
}

export interface ManagedKey {
  type?: string;
  required?: boolean;
  default?: string;
}

export interface PluginMapping {
  workerClass: string;
  type?: string;
  keys: Record<string, ManagedKey>;
  rules: MappingRule[];
  /** SMT classes Confluent Cloud accepts for this plugin. */
  allowedTransforms: string[];
}

export const MANAGED_PLUGINS = mappings.plugins as unknown as Record<string, PluginMapping>;

/**
 * The worker class to write for a managed plugin. Confluent's Debezium "v2" classes run only in Confluent Cloud;
 * their open-source equivalents take the same keys.
 */
export const SELF_MANAGED_CLASS: Record<string, string> = {
  PostgresCdcSourceV2: 'io.debezium.connector.postgresql.PostgresConnector',
  MySqlCdcSourceV2: 'io.debezium.connector.mysql.MySqlConnector',
};

/**
 * Worker keys that exist only inside Confluent Cloud's own deployment (its Kafka endpoint and TLS, secret mounts,
 * egress control, metrics tags, Cloud-only classes): never written to a self-managed config, and, when a
 * self-managed config has them, they have no managed counterpart.
 */
const CLOUD_ONLY_KEY =
  /(bootstrap\.servers$|security\.protocol$|sasl\.|\.ssl\.|egress|^connector\.(endpoint|target\.region|thread\.name\.pattern)$|^custom\.metric\.tags$|credentials\.provider\.|basic\.auth\.|schema\.registry\.url$|^jdbc\.creds\.provider\.|^guardrail\.|^transforms|^connect\.meta\.data$|^database\.server\.id$|^confluent\.topic|\.confluent\.|^trim\.sensitive\.log$|^topic\.creation\.default\.|^errors\.(retry|log)\.|rule\.executors|latest\.cache\.ttl|^slot\.seek\.to\.known\.offset\.on\.start$|ignore\.modern\.dialects|^max\.write\.duration\.ms$|^connection\.disallow\.)/;
const CLOUD_ONLY_VALUE =
  /(\{\{|\/mnt\/|io\.confluent\.cloud\.|io\.confluent\.provider\.integration\.|cctransforms|io\.confluent\.kafka\.security\.fips)/;

export function isCloudOnly(rule: MappingRule, value?: string): boolean {
  return CLOUD_ONLY_KEY.test(rule.to) || (value !== undefined && CLOUD_ONLY_VALUE.test(value));
}

/** `${name}` placeholders of a template value. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]!);
}

/** Which managed plugin a self-managed config corresponds to (undefined when none). */
export function managedPluginFor(config: Record<string, string>): string | undefined {
  const cls = config['connector.class'] ?? '';
  const url = config['connection.url'] ?? '';
  const db = /^jdbc:postgresql:/.test(url) ? 'Postgres' : /^jdbc:mysql:/.test(url) ? 'MySql' : undefined;
  switch (cls) {
    case 'io.debezium.connector.postgresql.PostgresConnector':
    case 'io.debezium.connector.v2.postgresql.PostgresConnectorV2':
      return 'PostgresCdcSourceV2';
    case 'io.debezium.connector.mysql.MySqlConnector':
    case 'io.debezium.connector.v2.mysql.MySqlConnectorV2':
      return 'MySqlCdcSourceV2';
    case 'io.confluent.connect.s3.S3SinkConnector':
      return 'S3_SINK';
    case 'io.confluent.connect.aws.dynamodb.DynamoDbSinkConnector':
      return 'DynamoDbSink';
    case 'io.confluent.connect.dynamodb.DynamoDBSourceConnector':
      return 'DynamoDbCdcSource';
    case 'io.confluent.connect.jdbc.JdbcSourceConnector':
      return db ? `${db}Source` : undefined;
    case 'io.confluent.connect.jdbc.JdbcSinkConnector':
      return db ? `${db}Sink` : undefined;
    default:
      return undefined;
  }
}
