import { CLOUD_VERBS, ROLE_TO_ASK_FOR, type CloudVerb } from '../../connect/confluent-cloud/connector-verbs.js';

/**
 * Which Confluent Cloud role bindings let a principal do what to one managed connector (issue #15 §2, the Cloud side of
 * core/auth/ownership.ts): pure, so the table below is tested exhaustively (test/unit/core/auth/cloud-roles.test.ts)
 * and documented once (docs/reference/cloud-connector-roles.md).
 *
 * Sources (read 2026-12):
 * - "Configure RBAC for Connectors in Confluent Cloud", table "RBAC role mappings for fully managed connectors":
 *   https://docs.confluent.io/cloud/current/connectors/managed-connector-rbac.html
 * - The Operator change of 2025-04-11 (pause and resume removed from Operator; ConnectManager added for them):
 *   same page's note, and https://support.confluent.io/hc/en-us/articles/36452394352020
 * - Role scopes: https://docs.confluent.io/cloud/current/access-management/access-control/rbac/predefined-rbac-roles.html
 *
 * Where the documents are silent or contradict each other the cell is `unclear`, and kcops does not refuse: a false
 * refusal blocks someone who may act, while a missed one only costs the request Cloud then refuses (403, mapped to
 * the same CONNECTOR_NOT_OWNED in src/connect/confluent-cloud/errors.ts).
 */

export { CLOUD_VERBS, ROLE_TO_ASK_FOR, type CloudVerb };

/** yes/no as the table says; `unclear` where it says nothing or two sources disagree (kcops then lets Cloud decide). */
export type Cell = 'yes' | 'no' | 'unclear';

const ALL_YES: Record<CloudVerb, Cell> = Object.fromEntries(CLOUD_VERBS.map((v) => [v, 'yes'])) as Record<
  CloudVerb,
  Cell
>;
const ALL_UNCLEAR: Record<CloudVerb, Cell> = Object.fromEntries(CLOUD_VERBS.map((v) => [v, 'unclear'])) as Record<
  CloudVerb,
  Cell
>;

/**
 * The table. Admin roles and ResourceOwner: every column Yes (older versions of the page said No to View Logs for
 * EnvironmentAdmin/CloudClusterAdmin; the current one says Yes, and Yes is the direction that does not refuse).
 * Offsets are in no column: read is `unclear` below the admins and ResourceOwner; a change is `no` only for roles the
 * page calls read-only (DeveloperRead, Operator). Operator: the table still says Yes to "Pause, Resume, and Restart",
 * the note above it says pause and resume were removed and the role is read-only: both `unclear`. DeveloperManage is
 * not in the managed-connector table ("certain roles are currently unavailable for managed connectors"): `unclear`.
 */
export const CLOUD_CONNECTOR_ROLES: Readonly<Record<string, Readonly<Record<CloudVerb, Cell>>>> = {
  OrganizationAdmin: ALL_YES,
  EnvironmentAdmin: ALL_YES,
  CloudClusterAdmin: ALL_YES,
  ResourceOwner: ALL_YES,
  ConnectManager: {
    status: 'yes',
    config: 'yes',
    logs: 'yes',
    metrics: 'yes',
    'offsets-read': 'unclear',
    'pause-resume': 'yes',
    restart: 'yes',
    configure: 'no',
    'offsets-change': 'unclear',
    delete: 'no',
    create: 'no',
  },
  DeveloperWrite: {
    status: 'yes',
    config: 'yes',
    logs: 'no',
    metrics: 'yes',
    'offsets-read': 'unclear',
    'pause-resume': 'no',
    restart: 'no',
    configure: 'yes',
    'offsets-change': 'unclear',
    delete: 'no',
    create: 'no',
  },
  DeveloperRead: {
    status: 'yes',
    config: 'yes',
    logs: 'no',
    metrics: 'yes',
    'offsets-read': 'unclear',
    'pause-resume': 'no',
    restart: 'no',
    configure: 'no',
    'offsets-change': 'no',
    delete: 'no',
    create: 'no',
  },
  Operator: {
    status: 'yes',
    config: 'no',
    logs: 'no',
    metrics: 'yes',
    'offsets-read': 'unclear',
    'pause-resume': 'unclear',
    restart: 'unclear',
    configure: 'no',
    'offsets-change': 'no',
    delete: 'no',
    create: 'no',
  },
  DeveloperManage: ALL_UNCLEAR,
};

export interface CloudBinding {
  /** `User:sa-…`, `User:u-…`, `Group:…` */
  principal: string;
  role: string;
  crn: string;
}

/** The CRNs a connector sits under: organisation, environment, Kafka cluster (all `crn://confluent.cloud/…`). */
export interface CloudScope {
  organization: string;
  environment: string;
  cluster: string;
}

export type CloudDecision =
  | { result: 'allowed'; binding: CloudBinding }
  | { result: 'unknown'; reason: string; binding?: CloudBinding }
  | { result: 'denied'; held: CloudBinding[] };

/**
 * Whether `binding` reaches connector `name`: a binding on the organisation, the environment or the cluster reaches
 * every connector beneath it; one on `<cluster>/connector=<name>` that connector, one on `connector=<prefix>*` every
 * name starting with the prefix (`connector=*`: all of them).
 */
export function reaches(binding: CloudBinding, scope: CloudScope, name: string): boolean {
  const crn = binding.crn;
  if (crn === scope.organization || crn === scope.environment || crn === scope.cluster) return true;
  const head = `${scope.cluster}/connector=`;
  if (!crn.startsWith(head)) return false;
  const p = crn.slice(head.length);
  return p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : p === name;
}

/**
 * The decision for `verb` on connector `name`, from the role bindings of the key owner (`principal`, `sa-…` or
 * `u-…`). Allowed: a binding that reaches the connector says yes. Unknown (kcops does not refuse): one says
 * `unclear`, or a role kcops has no row for is bound on the connector itself, or the owner is a user, whom an SSO
 * group mapping may give roles kcops does not read. Denied otherwise, naming what the principal does hold.
 */
export function decideCloudAccess(
  bindings: readonly CloudBinding[],
  scope: CloudScope,
  principal: string,
  name: string,
  verb: CloudVerb,
): CloudDecision {
  const mine = bindings.filter((b) => b.principal === `User:${principal}` && reaches(b, scope, name));
  for (const b of mine) if (CLOUD_CONNECTOR_ROLES[b.role]?.[verb] === 'yes') return { result: 'allowed', binding: b };
  const unclear = mine.find((b) => CLOUD_CONNECTOR_ROLES[b.role]?.[verb] === 'unclear');
  if (unclear)
    return {
      result: 'unknown',
      reason: `Confluent's table does not say whether ${unclear.role} may ${verb}`,
      binding: unclear,
    };
  const unlisted = mine.find((b) => !Object.hasOwn(CLOUD_CONNECTOR_ROLES, b.role) && b.crn.includes('/connector='));
  if (unlisted)
    return {
      result: 'unknown',
      reason: `${unlisted.role} is not in Confluent's connector table`,
      binding: unlisted,
    };
  if (principal.startsWith('u-'))
    return {
      result: 'unknown',
      reason: `user ${principal} may hold roles through an SSO group, which kcops does not read`,
    };
  return { result: 'denied', held: mine };
}
