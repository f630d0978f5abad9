import type { ConnectorContext } from '../rule.js';

/**
 * A setting written the way the finding's own file writes it, so that a hint can be pasted: `key=value` in a
 * .properties file, `key: value` under a Strimzi resource's spec.config, `"key" = "value"` in Terraform, and
 * `"key": "value"` in JSON.
 */
export function setting(ctx: ConnectorContext, key: string, value: string): string {
  switch (ctx.file.shape) {
    case 'properties':
      return `${key}=${value}`;
    case 'strimzi':
      return `${key}: ${value}`;
    case 'terraform':
      return `"${key}" = "${value}"`;
    default:
      return `"${key}": "${value}"`;
  }
}

/** A key name as the file writes it: quoted in JSON and Terraform, bare in .properties and YAML. */
export function keyName(ctx: ConnectorContext, key: string): string {
  return ctx.file.shape === 'properties' || ctx.file.shape === 'strimzi' ? key : `"${key}"`;
}
