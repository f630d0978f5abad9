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

/**
 * Credentials inside a JAAS config: the value is a whole login-module line, only its password/secret options matter.
 * Returns the option values, or the whole value when it holds none.
 */
export function jaasSecrets(value: string): string[] {
  const found = [...value.matchAll(/\b(password|secret|clientSecret|token)\s*=\s*"([^"]*)"/gi)].map((m) => m[2] ?? '');
  return found.length > 0 ? found : [];
}

export interface UrlCredential {
  what: string;
  value: string;
}

/** user:password@ or password=/secret=/token= in a URL (JDBC URLs put them in the query or after `;`). */
export function credentialsInUrl(value: string): UrlCredential[] {
  const out: UrlCredential[] = [];
  const userinfo = /^[a-z][a-z0-9+.:-]*:\/\/([^/@\s:]+):([^/@\s]+)@/i.exec(value);
  if (userinfo?.[2]) out.push({ what: 'user:password@ in the URL', value: decodeSafe(userinfo[2]) });
  for (const m of value.matchAll(
    /[?&;]((?:[a-z]*\.)?(password|pwd|secret|token|sessionToken|accessKey|secretKey))=([^&;\s]*)/gi,
  )) {
    out.push({ what: `${m[1] ?? 'password'}= in the URL`, value: decodeSafe(m[3] ?? '') });
  }
  return out.filter((c) => c.value.length > 0 && classifySecretValue(c.value) !== 'reference');
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
