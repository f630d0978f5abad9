import { UserError } from '../../errors.js';
import { isMaskedValue } from './normalise.js';

/** References resolved (secret stores are read over the network, hence async); the values go to Cloud only. */
export async function resolveAll(
  config: Record<string, string>,
  resolve: ((value: string) => string | Promise<string>) | undefined,
): Promise<Record<string, string>> {
  const entries = Object.entries(config);
  const values = resolve ? await Promise.all(entries.map(([, v]) => resolve(v))) : entries.map(([, v]) => v);
  // fromEntries defines properties, so a config key named `__proto__` stays a key (assignment would drop it).
  return Object.fromEntries(entries.map(([k], i) => [k, values[i] ?? '']));
}

/** What is sent on create/update: the name Cloud requires, and never a mask in place of a secret. */
export async function outgoingConfig(
  name: string,
  config: Record<string, string>,
  resolve: ((value: string) => string | Promise<string>) | undefined,
  maskAllowed = false,
): Promise<Record<string, string>> {
  const masked = Object.entries(config)
    .filter(([, v]) => isMaskedValue(v))
    .map(([k]) => k);
  if (masked.length > 0 && !maskAllowed) {
    throw new UserError(
      'CCLOUD_MASKED_VALUE',
      `Refusing to send masked values for ${masked.join(', ')} of ${name}: Confluent Cloud never returns secrets, so they cannot be restored from what it stored.`,
      {
        hint: 'Apply the configuration from Git instead (its secret references are resolved at apply time), or set cluster.maskedSecretOnUpdate: keep in kcops.yaml if this Cloud keeps stored secrets on a masked update.',
      },
    );
  }
  return { ...(await resolveAll(config, resolve)), name };
}
