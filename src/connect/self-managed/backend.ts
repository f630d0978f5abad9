import type { ConnectCluster } from '../cluster.js';
import { SelfManagedCluster, type SelfManagedOptions } from './client.js';
import type { AccessKeyStore } from './schemas.js';

export type { AccessKeyStore, SelfManagedOptions };

/** What self-managed Connect offers beyond ConnectCluster: the access extension's key store (access review). */
export interface SelfManagedConnect extends ConnectCluster {
  accessKeys(): Promise<AccessKeyStore | undefined>;
}

/** The REST client of a self-managed Connect cluster; code outside this folder names the interface, never the class. */
export function openSelfManagedConnect(o: SelfManagedOptions): SelfManagedConnect {
  return new SelfManagedCluster(o);
}
