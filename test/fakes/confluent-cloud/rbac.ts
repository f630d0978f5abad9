import type { FakeConfluentCloud } from './server.js';

/**
 * Role bindings enforced on the Connect v1 endpoints of one connector, when `enforceRoleBindings` is on (SPEC.md,
 * "Role bindings on connectors"). Written from Confluent's table for fully managed connectors
 * (https://docs.confluent.io/cloud/current/connectors/managed-connector-rbac.html) with the 2025-04-11 note applied
 * (Operator is read-only: no pause, resume or restart), independently of kcops's own reading of it
 * (src/core/auth/cloud-roles.ts), so a pre-check that lets through what Cloud refuses shows up as a 403 here.
 */

type Kind = 'status' | 'config' | 'pause' | 'restart' | 'configure' | 'delete' | 'offsets-read' | 'offsets-change';

const ALL: readonly Kind[] = [
  'status',
  'config',
  'pause',
  'restart',
  'configure',
  'delete',
  'offsets-read',
  'offsets-change',
];

/** What each role may do on a connector it reaches. Offsets are in no column: read with Read Configuration, change as Delete. */
const MAY: Record<string, readonly Kind[]> = {
  OrganizationAdmin: ALL,
  EnvironmentAdmin: ALL,
  CloudClusterAdmin: ALL,
  ResourceOwner: ALL,
  ConnectManager: ['status', 'config', 'pause', 'restart', 'offsets-read'],
  DeveloperWrite: ['status', 'config', 'configure', 'offsets-read'],
  DeveloperRead: ['status', 'config', 'offsets-read'],
  Operator: ['status'],
};

function kindOf(method: string, rest: string): Kind {
  if (method === 'DELETE' && rest === '') return 'delete';
  if (method === 'PUT' && (rest === 'pause' || rest === 'resume')) return 'pause';
  if (method === 'POST' && rest.endsWith('restart')) return 'restart';
  if (method === 'PUT' && rest === 'config') return 'configure';
  if (method === 'POST' && rest === 'offsets/request') return 'offsets-change';
  if (rest.startsWith('offsets')) return 'offsets-read';
  if (rest === 'status' || rest.startsWith('tasks')) return 'status';
  return 'config';
}

/**
 * Whether the owner of the stand-in's Cloud key (`apiKeys`) may make this request about connector `name`; a key IAM
 * does not know may do nothing while enforcement is on.
 */
export function mayTouchConnector(cloud: FakeConfluentCloud, method: string, name: string, rest: string): boolean {
  const owner = cloud.apiKeys.get(cloud.apiKey)?.owner;
  if (!owner) return false;
  const kind = kindOf(method, rest);
  const org = `crn://confluent.cloud/organization=${cloud.organizationId}`;
  const env = `${org}/environment=${cloud.environmentId}`;
  const cluster = cloud.clusterCrn;
  return cloud.roleBindings.some((b) => {
    if (b.principal !== `User:${owner}` || !(MAY[b.role_name] ?? []).includes(kind)) return false;
    if (b.crn_pattern === org || b.crn_pattern === env || b.crn_pattern === cluster) return true;
    const head = `${cluster}/connector=`;
    if (!b.crn_pattern.startsWith(head)) return false;
    const p = b.crn_pattern.slice(head.length);
    return p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : p === name;
  });
}
