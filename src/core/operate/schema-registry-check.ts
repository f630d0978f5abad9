import type { Check, Probes } from './check.js';

export interface SchemaRegistryAccess {
  url: string;
  auth?: { username: string; password: string };
  /** The reference the password came from, for hints (never the value). */
  credentialRef?: string;
}

/**
 * Schema Registry as the connectors' converters will use it (REQ-SUP-002): reachable, and the credentials accepted
 * and allowed to read subjects. `GET /subjects` is the cheapest call that needs both authentication and read
 * permission, on Confluent Platform and on Confluent Cloud alike.
 */
export async function checkSchemaRegistry(
  checks: Check[],
  p: Pick<Probes, 'http'>,
  sr: SchemaRegistryAccess | undefined,
): Promise<void> {
  if (!sr) {
    checks.push({
      id: 'schema-registry',
      target: '-',
      status: 'skip',
      detail: 'no schemaRegistry for this environment',
    });
    return;
  }
  const target = sr.url;
  const who = sr.auth ? `${sr.auth.username}${sr.credentialRef ? ` (secret ${sr.credentialRef})` : ''}` : 'anonymous';
  try {
    const r = await p.http(sr.url.replace(/\/+$/, '') + '/subjects', sr.auth);
    if (r.status === 200 && Array.isArray(r.body)) {
      checks.push({
        id: 'schema-registry',
        target,
        status: 'pass',
        detail: `${r.body.length} subject(s) readable as ${who}`,
      });
      return;
    }
    const message = (r.body as { message?: string } | undefined)?.message;
    const detail = `GET /subjects answered ${r.status}${message ? `: ${message}` : ''}`;
    const hint =
      r.status === 401
        ? `Schema Registry does not accept ${who}. On Confluent Cloud it needs a Schema Registry API key (a Kafka cluster key is refused); check schemaRegistry.auth in kcops.yaml.`
        : r.status === 403
          ? `${who} is authenticated but may not read subjects: grant it DeveloperRead on the subjects the connectors use (Cloud RBAC) or the registry's read ACL.`
          : r.status === 200
            ? 'This URL answers, but not like a Schema Registry: check the path (no /subjects suffix, no UI URL).'
            : 'Schema Registry answered with an error: check its health and logs.';
    checks.push({ id: 'schema-registry', target, status: 'fail', detail, hint });
  } catch (e) {
    checks.push({
      id: 'schema-registry',
      target,
      status: 'fail',
      detail: e instanceof Error ? e.message : String(e),
      hint: 'The registry did not answer over HTTP: check the URL (http vs https), DNS and the network path from here.',
    });
  }
}
