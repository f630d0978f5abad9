import type { SchemaRegistryAccess } from '../operate/schema-registry-check.js';
import type { OpsTarget } from '../observe/target.js';

/** The environment's Schema Registry with its password resolved (only doctor needs it). */
export function schemaRegistryAccess(t: OpsTarget): SchemaRegistryAccess | undefined {
  const sr = t.schemaRegistry;
  if (!sr) return undefined;
  if (!sr.auth) return { url: sr.url };
  const password = t.resolveSecret ? t.resolveSecret(sr.auth.passwordRef) : sr.auth.passwordRef;
  return { url: sr.url, auth: { username: sr.auth.username, password }, credentialRef: sr.auth.passwordRef };
}
