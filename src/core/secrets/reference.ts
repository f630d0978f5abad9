/**
 * Kafka Connect's config-provider reference syntax `${provider:[path:]key}` (the pattern of Connect's
 * ConfigTransformer). Anything else that looks like `${...}` is a template variable, not a reference.
 */
export const SECRET_REF = /\$\{([^}:]*?):(?:([^}]*?):)?([^}]*?)\}/g;

export interface SecretRef {
  provider: string;
  path: string | undefined;
  key: string;
  text: string;
}

export function findSecretRefs(value: string): SecretRef[] {
  const out: SecretRef[] = [];
  for (const m of value.matchAll(SECRET_REF)) {
    out.push({ provider: m[1] ?? '', path: m[2] || undefined, key: m[3] ?? '', text: m[0] });
  }
  return out;
}

/** True when the whole value is exactly one reference. */
export function isSecretRef(value: string): boolean {
  const refs = findSecretRefs(value.trim());
  return refs.length === 1 && refs[0]?.text === value.trim();
}
