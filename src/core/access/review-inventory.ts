/**
 * What a platform says about who may do what (issue #15 §3), as the backend collected it: the input of the access
 * review. Self-managed: the Connect access extension's key store (`GET /kcops/keys`) and the Kafka ACLs; Confluent
 * Cloud: IAM v2 API keys, service accounts and users, role bindings and the cluster's ACLs (Kafka REST v3).
 */
export interface AccessInventory {
  platform: 'self-managed' | 'confluent-cloud';
  /** Team → the connector name prefixes it owns, as the platform enforces them (the extension's key store). */
  platformTeams: Record<string, { prefixes: string[] }>;
  principals: InventoryPrincipal[];
  keys: InventoryKey[];
  acls: InventoryAcl[];
  roleBindings: InventoryRoleBinding[];
  /** Connectors on the cluster (what a right may touch is counted against these). */
  connectors: string[];
  /** Topics on the cluster; undefined when they could not be listed (rights are then shown as patterns only). */
  topics?: string[];
  /** Confluent Cloud: the CRNs of the organisation, environment and cluster under review. */
  scope?: { organization: string; environment: string; cluster: string };
  /** Whether the platform reports when a key was last used (Confluent Cloud's IAM API does not). */
  usageReported: boolean;
  /** What could not be read, and why (no Kafka access: ACLs not reviewed). Shown with the review. */
  notes: string[];
}

export interface InventoryPrincipal {
  /** The id rights are granted to: a key principal (self-managed), `User:sa-…`/`User:u-…` or a Kafka principal. */
  id: string;
  kind: 'user' | 'service-account' | 'key-principal' | 'kafka-principal';
  displayName?: string;
  email?: string;
}

export interface InventoryKey {
  id: string;
  /** The principal id of its owner (same space as InventoryPrincipal.id). */
  owner: string;
  createdAt?: string;
  createdBy?: string;
  description?: string;
  /** ISO time of the last use; null: never used; undefined: the platform does not say. */
  lastUsedAt?: string | null;
  status: 'active' | 'revoked';
  revokedAt?: string;
  /** Self-managed: role per team (`*` = global admin). */
  roles?: Record<string, string>;
  /** Confluent Cloud: what the key is for (`cloud`, or a cluster id such as lkc-…). */
  resource?: string;
}

export interface InventoryAcl {
  principal: string;
  resourceType: string;
  resourceName: string;
  patternType: string;
  operation: string;
  permission: string;
  host: string;
}

export interface InventoryRoleBinding {
  id?: string;
  principal: string;
  role: string;
  crn: string;
}

/** A backend that can say who may do what on its platform (Backend.access). */
export interface AccessInventorySource {
  inventory(): Promise<AccessInventory>;
}
