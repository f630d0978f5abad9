/**
 * What Confluent Cloud adds to a stored connector config, so neither shows as drift (ARCHITECTURE habit 3).
 * The list is the one the Confluent Terraform provider ignores when diffing (research/ccloud.md §1).
 */
export const CLOUD_SERVER_KEYS: readonly string[] = [
  'cloud.environment',
  'cloud.provider',
  'connector.crn',
  'kafka.endpoint',
  'kafka.region',
  'kafka.dedicated',
  'kafka.max.partition.validation.disable',
  'schema.registry.url',
  'valid.kafka.api.key',
  'confluent.custom.plugin.type',
  'confluent.resource.connector.tier',
];

/** Keys Cloud keeps for itself under this prefix. */
const INTERNAL_PREFIX = 'config.internal.';

/** Cloud masks secrets as asterisks (`****************`); two or more is a mask, as in the Terraform provider. */
export function isMaskedValue(value: string): boolean {
  return /^\*{2,}$/.test(value);
}

/**
 * The stored config as the planner should see it: unchanged except for what exists only on Cloud's side and cannot
 * be expressed by a ClusterTraits key list — `config.internal.*` keys, and the Kafka API key Cloud mints (and shows
 * masked) for a connector in SERVICE_ACCOUNT mode, which Git never holds.
 */
export function cloudStoredConfig(config: Record<string, string>): Record<string, string> {
  const serviceAccount = config['kafka.auth.mode'] === 'SERVICE_ACCOUNT';
  // fromEntries defines properties, so a config key named `__proto__` stays a key (assignment would drop it).
  return Object.fromEntries(
    Object.entries(config).filter(
      ([k, v]) =>
        !k.startsWith(INTERNAL_PREFIX) &&
        !(serviceAccount && (k === 'kafka.api.key' || k === 'kafka.api.secret') && isMaskedValue(v)),
    ),
  );
}
