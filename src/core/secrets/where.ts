import type { Environment, Project, SecretProvider } from '../project/schema.js';

/**
 * Where a reference in a connector config of an environment is resolved: the one answer `validate` checks against
 * and `plan`/`apply` act on, so an environment that cannot resolve a reference is found before anything is deployed.
 *
 * - `worker`: the reference is sent as written; the self-managed workers' config provider resolves it.
 * - `kcops`: kcops resolves it at deploy time and sends the value (Confluent Cloud only: on self-managed, connector
 *   configs go to the workers as written, so a kcops-resolved reference there would reach Connect unresolved).
 * - `cloud-secret-manager`: Confluent Cloud's secret-manager integration resolves it; kcops sends the identifier.
 */
export type Resolution =
  | { by: 'worker' | 'kcops'; provider: SecretProvider }
  | { by: 'cloud-secret-manager'; provider: SecretProvider; identifier: string }
  | { by: 'nobody'; why: string; hint: string };

/** Provider types kcops itself can read (the client-side providers). */
export const KCOPS_PROVIDER_TYPES: ReadonlySet<SecretProvider['type']> = new Set([
  'env',
  'file',
  'dir',
  'dev-stack',
  'aws-secrets-manager',
  'vault',
]);

export interface RefParts {
  provider: string;
  path: string | undefined;
  key: string;
}

export function whereResolved(
  ref: RefParts,
  project: Pick<Project, 'secretProviders'>,
  envName: string,
  env: Environment,
): Resolution | undefined {
  const p = Object.hasOwn(project.secretProviders, ref.provider) ? project.secretProviders[ref.provider] : undefined;
  // Undeclared providers are secret/unknown-provider's finding, not this one.
  if (!p) return undefined;
  const secrets = env.secrets;
  if (env.cluster.type === 'confluent-cloud') {
    if (secrets?.cloud?.providers.includes(ref.provider))
      return { by: 'cloud-secret-manager', provider: p, identifier: ref.path ? `${ref.path}:${ref.key}` : ref.key };
    if (p.resolvedBy === 'worker')
      return {
        by: 'nobody',
        why: `provider '${ref.provider}' is resolved by the worker, but Confluent Cloud workers have no custom config providers`,
        hint: `Declare '${ref.provider}' with resolvedBy: kcops, or list it in environments.${envName}.secrets.cloud.providers so Confluent Cloud's secret manager resolves it.`,
      };
    if (!KCOPS_PROVIDER_TYPES.has(p.type))
      return {
        by: 'nobody',
        why: `kcops cannot read providers of type '${p.type}'`,
        hint: 'Use an env, file, dir, aws-secrets-manager or vault provider.',
      };
    return { by: 'kcops', provider: p };
  }
  const onWorkers = secrets?.worker ? secrets.worker.providers.includes(ref.provider) : p.resolvedBy === 'worker';
  if (onWorkers) return { by: 'worker', provider: p };
  if (p.resolvedBy === 'worker')
    return {
      by: 'nobody',
      why: `provider '${ref.provider}' is resolved by the worker, but environments.${envName}.secrets.worker.providers does not list it (the workers of '${envName}' have no such config provider)`,
      hint: `Configure config.providers.${ref.provider}.class on the workers of '${envName}' and add '${ref.provider}' to environments.${envName}.secrets.worker.providers, or use a provider they have.`,
    };
  return {
    by: 'nobody',
    why: `provider '${ref.provider}' is resolved by kcops, but on a self-managed cluster connector configs reach the workers as written, so no one would resolve it`,
    hint: `Give the workers of '${envName}' a config provider named '${ref.provider}' (and list it in environments.${envName}.secrets.worker.providers), or reference a provider they have.`,
  };
}
