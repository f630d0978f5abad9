import type {
  ClusterIdentity,
  ConnectCluster,
  ConnectorOffset,
  RestartOptions,
  TargetState,
} from '../../connect/cluster.js';
import { accessOf, type CloudVerb } from '../../connect/confluent-cloud/connector-verbs.js';
import { clusterIdentity } from '../audit/principal.js';

/**
 * What a call does to one connector, in the words of Confluent's managed-connector role table (the finest split any
 * backend needs); the self-managed ownership rules fold it into read or change (`accessOf`).
 */
export type ConnectorVerb = CloudVerb;

/** Refuses (throws) before the call is sent, or lets it through. */
export type ConnectorCheck = (connector: string, verb: ConnectorVerb) => Promise<void>;

export { accessOf };

/**
 * The day-2 cluster with `check` in front of every call about one connector, so a refusal costs no request to it.
 * Calls that are not about one connector (list, plugins, server info) pass through: the workers and Cloud filter
 * lists themselves. One wrapper for every backend: a ConnectCluster method added later is guarded in one place.
 */
export function guardConnectorCalls(inner: ConnectCluster, check: ConnectorCheck): ConnectCluster {
  const as =
    <A extends unknown[], R>(verb: ConnectorVerb, f: (name: string, ...a: A) => Promise<R>) =>
    async (name: string, ...a: A): Promise<R> => {
      await check(name, verb);
      return f.call(inner, name, ...a);
    };
  return {
    get id() {
      return inner.id;
    },
    get credentialKeyId() {
      return inner.credentialKeyId;
    },
    get traits() {
      return inner.traits;
    },
    collect: () => inner.collect(),
    status: as('status', inner.status),
    create: as<[Record<string, string>, TargetState?], void>('create', inner.create),
    updateConfig: as<[Record<string, string>], void>('configure', inner.updateConfig),
    delete: as<[], void>('delete', inner.delete),
    pause: as<[], void>('pause-resume', inner.pause),
    resume: as<[], void>('pause-resume', inner.resume),
    stop: as<[], void>('pause-resume', inner.stop),
    restart: as<[RestartOptions?], void>('restart', inner.restart),
    restartTask: as<[number], void>('restart', inner.restartTask),
    plugins: () => inner.plugins(),
    validateConfig: (cls, config) => inner.validateConfig(cls, config),
    getOffsets: as('offsets-read', inner.getOffsets),
    alterOffsets: as<[ConnectorOffset[]], void>('offsets-change', inner.alterOffsets),
    resetOffsets: as<[], void>('offsets-change', inner.resetOffsets),
    serverInfo: () => inner.serverInfo(),
    connectorConfig: as('config', inner.connectorConfig),
    connectorTopics: as('config', inner.connectorTopics),
    pluginConfig: (cls) => inner.pluginConfig(cls),
    ...(inner.whoami ? { whoami: (): Promise<ClusterIdentity | undefined> => clusterIdentity(inner) } : {}),
    close: () => inner.close(),
  };
}
