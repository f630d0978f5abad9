import type { ConnectCluster } from '../cluster.js';
import { ConfluentCloudCluster, type ConfluentCloudOptions } from './client.js';
import type { CloudApiKey, CloudKeyOwner, CloudRoleBinding } from './iam.js';

export type { CloudApiKey, CloudKeyOwner, CloudRoleBinding };

/**
 * What Confluent Cloud offers beyond the ConnectCluster interface: connector ids and CRNs (metrics, logs) and the
 * IAM/RBAC reads of online validation. Code outside this folder names this interface, never the class.
 */
export interface CloudIam {
  serviceAccountExists(id: string): Promise<boolean>;
  connectorRoles(principal: string, name: string): Promise<string[]>;
  /** The access review's reads (IAM v2, mds v2): keys, accounts, users, this environment's role bindings. */
  listApiKeys(): Promise<CloudApiKey[]>;
  listServiceAccounts(): Promise<{ id: string; displayName?: string }[]>;
  listUsers(): Promise<{ id: string; email?: string; fullName?: string }[]>;
  environmentRoleBindings(): Promise<CloudRoleBinding[]>;
  scope(): Promise<{ organization: string; environment: string; cluster: string }>;
}

export interface CloudConnect extends ConnectCluster, CloudIam {
  /** The lcc- id of a connector; undefined when it does not exist. */
  connectorId(name: string): Promise<string | undefined>;
  connectorCrn(name: string): Promise<string | undefined>;
}

export type { ConfluentCloudOptions };

/** The Connect v1 client of one Confluent Cloud cluster. */
export function openCloudConnect(o: ConfluentCloudOptions): CloudConnect {
  return new ConfluentCloudCluster(o);
}
