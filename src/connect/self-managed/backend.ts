import type { ConnectCluster } from '../cluster.js';
import { SelfManagedCluster, type SelfManagedOptions } from './client.js';

export type { SelfManagedOptions };

/** The REST client of a self-managed Connect cluster; code outside this folder names the interface, never the class. */
export function openSelfManagedConnect(o: SelfManagedOptions): ConnectCluster {
  return new SelfManagedCluster(o);
}
