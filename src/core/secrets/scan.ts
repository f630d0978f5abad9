import { findSecretRefs } from './reference.js';

/** Which config keys carry credentials: the one definition lives in sensitive.ts (catalog PASSWORD types are added by the caller). */
export { isSensitiveKey as isSecretKey } from './sensitive.js';

export type SecretValueKind = 'empty' | 'reference' | 'placeholder' | 'literal';

const PLACEHOLDER = [
  /^<[^>]*>$/, // <CCLOUD_API_SECRET>
  /^your[_-]/i, // YOUR_AWS_KEY_ID
  /^(.)\1{3,}$/, // xxxx, yyyy, ****
  /redacted/i,
  /^\*{2,}/, // ***REDACTED***, masked values
  /^\$[A-Za-z_][A-Za-z0-9_]*$/, // $CLOUD_SECRET (shell)
  /^\$\{[^}:]+\}$/, // ${db_password} (Terraform / envsubst template variable, not a Connect reference)
  /^%\{?[A-Za-z_]+\}?%?$/,
  /^\{\{.*\}\}$/, // {{ password }} (Jinja/Helm)
  /^(changeme|change[_-]me|replace[_-]?me|todo|tbd|secret|password|placeholder)$/i,
  /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/, // SCHEMA_AUTH: an all-caps token that a script substitutes
];

export function classifySecretValue(value: string): SecretValueKind {
  const v = value.trim();
  if (v.length === 0) return 'empty';
  const refs = findSecretRefs(v);
  if (refs.length > 0 && refs[0]?.text === v) return 'reference';
  if (PLACEHOLDER.some((r) => r.test(v))) return 'placeholder';
  return 'literal';
}
