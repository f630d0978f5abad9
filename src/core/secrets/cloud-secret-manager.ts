import type { Environment, Project } from '../project/schema.js';
import type { DesiredConnector } from '../plan/types.js';
import { findSecretRefs, isSecretRef } from './reference.js';
import { whereResolved } from './where.js';

/**
 * Confluent Cloud's secret-manager integration (managed connector keys `secret.manager.*`, from the connector
 * templates in specs/managed-connectors): for references the environment lists under `secrets.cloud.providers`, the
 * value sent is the secret identifier and the connector is told which keys Cloud fetches and through which provider
 * integration. The secret never passes through kcops. Other references are left for kcops to resolve.
 *
 * Confluent's pages describe the identifier only as "the string you enter into the field"; kcops sends what follows
 * `${<provider>:` in the reference (e.g. `${aws:prod/payments/db}` → `prod/payments/db`).
 */
export function withCloudSecretManager(
  desired: readonly DesiredConnector[],
  project: Pick<Project, 'secretProviders'>,
  envName: string,
  env: Environment,
): DesiredConnector[] {
  const sm = env.secrets?.cloud;
  if (!sm || env.cluster.type !== 'confluent-cloud') return [...desired];
  return desired.map((d) => {
    const managed: string[] = [];
    const config = Object.assign(Object.create(null) as Record<string, string>, d.config);
    for (const [key, value] of Object.entries(d.config)) {
      // Only a value that is exactly one reference: Cloud fetches whole values, it does not splice them into text.
      if (!isSecretRef(value)) continue;
      const ref = findSecretRefs(value.trim())[0];
      if (!ref) continue;
      const where = whereResolved(ref, project, envName, env);
      if (where?.by !== 'cloud-secret-manager') continue;
      config[key] = where.identifier;
      managed.push(key);
    }
    if (managed.length === 0) return d;
    config['secret.manager.enabled'] = 'true';
    config['secret.manager'] = sm.secretManager;
    config['secret.manager.provider.integration.id'] = sm.providerIntegrationId;
    config['secret.manager.managed.configs'] = managed.sort().join(',');
    return { ...d, config };
  });
}
