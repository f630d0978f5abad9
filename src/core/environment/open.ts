import { InternalError } from '../../errors.js';
import { logSourceFor } from '../observe/log-sources.js';
import type { OpsTarget, TargetInput } from '../observe/target.js';
import { resolveTarget } from './resolve.js';
import type { Backend, BackendProvider, OpenOptions } from './backend.js';

/**
 * Providers by `cluster.type`, loaded when an environment of that type is opened: start-up loads no client that the
 * command does not use.
 */
const providers = new Map<string, () => Promise<BackendProvider>>([
  ['self-managed', async () => (await import('./providers/self-managed.js')).selfManaged],
  ['confluent-cloud', async () => (await import('./providers/confluent-cloud.js')).confluentCloud],
]);

export function registerBackendProvider(clusterType: string, load: () => Promise<BackendProvider>): void {
  providers.set(clusterType, load);
}

/** `--env E` of the repository at `cwd` (or `--config`), or the local stack: the one place an environment becomes a Backend. */
export async function openEnvironment(i: TargetInput, o: OpenOptions = {}): Promise<Backend> {
  return openBackend(resolveTarget(i), o);
}

/** The Backend of an environment already resolved (a command that needed the target first, e.g. to pick a flag). */
export async function openBackend(target: OpsTarget, o: OpenOptions = {}): Promise<Backend> {
  const load = providers.get(target.clusterType);
  if (!load) {
    // The project schema only admits registered types: reaching this is a bug.
    throw new InternalError(
      `no backend provider for cluster type '${target.clusterType}' (environment '${target.env}')`,
    );
  }
  const parts = (await load()).open(target, o);
  return {
    target,
    get connect() {
      return parts.connect();
    },
    ...(parts.kafka ? { kafka: parts.kafka } : {}),
    logs: (source) => logSourceFor(target, o.reporter, parts.defaultLogs, source),
    ...(parts.metrics ? { metrics: parts.metrics } : {}),
    probes: (p, options) => parts.probes(p, options),
    access: parts.access,
    ...(parts.cloudRoles ? { cloudRoles: parts.cloudRoles } : {}),
    close: () => parts.close(),
  };
}

/** Runs `use` with the environment's backend and closes it afterwards, whatever happens. */
export async function withBackend<T>(backend: Backend, use: (b: Backend) => Promise<T>): Promise<T> {
  try {
    return await use(backend);
  } finally {
    await backend.close();
  }
}
