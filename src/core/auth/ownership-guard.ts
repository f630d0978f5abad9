import type {
  ConnectCluster,
  ConnectorOffset,
  RestartOptions,
  TargetState,
  ClusterIdentity,
} from '../../connect/cluster.js';
import { connectorNotOwned } from '../../connect/not-owned.js';
import { clusterIdentity } from '../audit/principal.js';
import { decideOwnership, type Access, type Ownership } from './ownership.js';

export interface GuardOptions {
  /** Team -> prefixes the decision reads (kcops.yaml `teams`, or the dev stack's key file). */
  ownership: Ownership;
  /** Where the key came from, for the refusal's hint. */
  credentialSource?: string | undefined;
}

/**
 * The cluster as day-2 commands see it: every call about one connector first asks `decideOwnership` with the key's
 * identity (one `GET /kcops/whoami` per run, shared with the audit actor), and a refusal is thrown before the call is
 * made, so a connector outside the key's teams costs no request to it, and the workers' audit files get no record.
 * Calls that are not about one connector (list, plugins, server info) pass through: the workers filter lists.
 */
export function guardOwnership(inner: ConnectCluster, o: GuardOptions): ConnectCluster {
  const check = async (connector: string, access: Access): Promise<void> => {
    const who = await clusterIdentity(inner);
    const d = decideOwnership(who, o.ownership, connector, access);
    if (!d || d.allowed) return;
    throw connectorNotOwned({
      connector,
      access,
      owner: d.owner,
      held: d.held,
      keyId: who?.keyId ?? inner.credentialKeyId,
      principal: who?.principal,
      credentialSource: o.credentialSource,
      decidedBy: 'kcops',
    });
  };
  const read =
    <A extends unknown[], R>(f: (name: string, ...a: A) => Promise<R>) =>
    async (name: string, ...a: A): Promise<R> => {
      await check(name, 'read');
      return f.call(inner, name, ...a);
    };
  const change =
    <A extends unknown[], R>(f: (name: string, ...a: A) => Promise<R>) =>
    async (name: string, ...a: A): Promise<R> => {
      await check(name, 'change');
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
    status: read(inner.status),
    create: change<[Record<string, string>, TargetState?], void>(inner.create),
    updateConfig: change<[Record<string, string>], void>(inner.updateConfig),
    delete: change<[], void>(inner.delete),
    pause: change<[], void>(inner.pause),
    resume: change<[], void>(inner.resume),
    stop: change<[], void>(inner.stop),
    restart: change<[RestartOptions?], void>(inner.restart),
    restartTask: change<[number], void>(inner.restartTask),
    plugins: () => inner.plugins(),
    validateConfig: (cls, config) => inner.validateConfig(cls, config),
    getOffsets: read(inner.getOffsets),
    alterOffsets: change<[ConnectorOffset[]], void>(inner.alterOffsets),
    resetOffsets: change<[], void>(inner.resetOffsets),
    serverInfo: () => inner.serverInfo(),
    connectorConfig: read(inner.connectorConfig),
    connectorTopics: read(inner.connectorTopics),
    pluginConfig: (cls) => inner.pluginConfig(cls),
    ...(inner.whoami ? { whoami: (): Promise<ClusterIdentity | undefined> => clusterIdentity(inner) } : {}),
    close: () => inner.close(),
  };
}
