import type { AccessInventory, InventoryAcl, InventoryKey, InventoryRoleBinding } from './review-inventory.js';

/**
 * The quarterly access review (§6.2 "quarterly review of API key access", §8.4 least privilege): pure, from what
 * the platform says (AccessInventory) and what kcops.yaml declares (teams, the access policy) to every principal
 * with its keys and rights, and the findings. No I/O, no clock: `now` is given.
 */

export interface ReviewPolicy {
  /** A key older than this must be rotated (kcops.yaml `access.keyRotationDays`, default 90). */
  keyRotationDays: number;
  /** A key not used for this long is flagged (`access.unusedKeyDays`, default 90: unused since the last review). */
  unusedKeyDays: number;
  /** A key never used is flagged once it is this old (a key handed out yesterday is not yet suspicious). */
  neverUsedGraceDays: number;
  /** Confluent Cloud users allowed console roles (REQ-SEC-002: the infrastructure team), e.g. `u-abc123`. */
  consoleUsers: string[];
}

export const DEFAULT_REVIEW_POLICY: ReviewPolicy = {
  keyRotationDays: 90,
  unusedKeyDays: 90,
  neverUsedGraceDays: 7,
  consoleUsers: [],
};

/** A team as kcops.yaml declares it: the connector prefixes it owns and the principals its connectors run as. */
export interface DeclaredTeam {
  prefixes: string[];
  serviceAccounts: string[];
}

export type FindingKind = 'key-rotation-overdue' | 'key-unused' | 'right-too-broad' | 'console-role';

export interface AccessFinding {
  kind: FindingKind;
  principal: string;
  key?: string;
  /** The right in question, as shown in the principal's rights. */
  right?: string;
  message: string;
}

export interface ReviewedKey {
  id: string;
  owner: string;
  ownerName?: string;
  status: 'active' | 'revoked';
  createdAt: string | null;
  ageDays: number | null;
  /** null: never used, or (lastUsedKnown false) the platform does not say. */
  lastUsedAt: string | null;
  lastUsedKnown: boolean;
  roles?: Record<string, string>;
  resource?: string;
  description?: string;
}

export interface ReviewedPrincipal {
  id: string;
  kind: AccessInventory['principals'][number]['kind'];
  name?: string;
  email?: string;
  team?: string;
  keys: string[];
  /** Roles, role bindings and ACLs, one line each (e.g. `payments=operator`, `ALLOW ALL TOPIC payments.*`). */
  rights: string[];
  /** Connectors on the cluster it may read or change. */
  connectors: string[];
  /** Topics on the cluster its rights reach (empty when the topics could not be listed: see topicPatterns). */
  topics: string[];
  topicPatterns: string[];
  findings: number;
}

export interface AccessReview {
  platform: AccessInventory['platform'];
  reviewedAt: string;
  policy: ReviewPolicy;
  principals: ReviewedPrincipal[];
  keys: ReviewedKey[];
  findings: AccessFinding[];
  notes: string[];
}

const DAY_MS = 86_400_000;

export function reviewAccess(input: {
  inventory: AccessInventory;
  teams: Record<string, DeclaredTeam>;
  policy: ReviewPolicy;
  now: Date;
}): AccessReview {
  const { inventory: inv, policy, now } = input;
  const findings: AccessFinding[] = [];
  const ownership = teamOwnership(input.teams, inv.platformTeams);
  const teamOf = principalTeams(input.teams, Object.keys(ownership));
  const names = new Map(inv.principals.map((p) => [p.id, p.displayName ?? p.email]));

  const keys = inv.keys.map((k) => reviewKey(k, names.get(k.owner), now));
  for (const k of inv.keys) findings.push(...keyFindings(k, policy, inv.usageReported, now));
  for (const k of inv.keys) findings.push(...keyRoleFindings(k, inv.platformTeams, input.teams));

  const byPrincipal = new Map<string, ReviewedPrincipal>();
  const principal = (id: string): ReviewedPrincipal => {
    let p = byPrincipal.get(id);
    if (!p) {
      const known = inv.principals.find((x) => x.id === id);
      p = {
        id,
        kind: known?.kind ?? (inv.platform === 'self-managed' ? 'kafka-principal' : kindOfCloudId(id)),
        ...(known?.displayName ? { name: known.displayName } : {}),
        ...(known?.email ? { email: known.email } : {}),
        ...(teamOf(id) ? { team: teamOf(id) } : {}),
        keys: [],
        rights: [],
        connectors: [],
        topics: [],
        topicPatterns: [],
        findings: 0,
      };
      byPrincipal.set(id, p);
    }
    return p;
  };
  for (const p of inv.principals) principal(p.id);

  const connectorSets = new Map<string, Set<string>>();
  const topicPatternSets = new Map<string, Set<string>>();
  const addConnectors = (id: string, names: string[]) => {
    const s = connectorSets.get(id) ?? new Set<string>();
    for (const n of names) s.add(n);
    connectorSets.set(id, s);
  };
  const addTopicPattern = (id: string, pattern: string) => {
    const s = topicPatternSets.get(id) ?? new Set<string>();
    s.add(pattern);
    topicPatternSets.set(id, s);
  };

  // Keys of the Connect access extension: roles per team, connectors through the teams' prefixes.
  for (const k of inv.keys) {
    const p = principal(k.owner);
    p.keys.push(k.id);
    if (k.status !== 'active' || !k.roles) continue;
    const keyTeams = Object.keys(k.roles).filter((t) => t !== '*');
    if (!p.team && keyTeams.length === 1 && !k.roles['*']) p.team = keyTeams[0]!;
    for (const [team, role] of Object.entries(k.roles)) {
      const right = team === '*' ? `${role} (all teams)` : `${team}=${role}`;
      if (!p.rights.includes(right)) p.rights.push(right);
      addConnectors(
        k.owner,
        team === '*' ? inv.connectors : inv.connectors.filter((c) => ownerTeam(inv.platformTeams, c) === team),
      );
    }
  }

  // Kafka ACLs: topics through the topic patterns; too broad when on `*` or outside the team's prefixes.
  for (const a of inv.acls) {
    const p = principal(a.principal);
    const right = aclText(a);
    if (!p.rights.includes(right)) p.rights.push(right);
    if (a.permission !== 'ALLOW') continue;
    if (a.resourceType === 'TOPIC') addTopicPattern(a.principal, patternText(a.resourceName, a.patternType));
    const broad = aclBreadth(a, p.team ? ownership[p.team] : undefined);
    if (broad) findings.push({ kind: 'right-too-broad', principal: a.principal, right, message: broad });
  }

  // Confluent Cloud role bindings in this environment (and the organisation's), never another environment's.
  if (inv.scope) {
    for (const b of inv.roleBindings) {
      const at = bindingScope(b.crn, inv.scope);
      if (!at) continue;
      const p = principal(b.principal);
      const right = `${b.role} on ${at.label}`;
      if (!p.rights.includes(right)) p.rights.push(right);
      if (at.level !== 'resource') {
        addConnectors(b.principal, inv.connectors);
        addTopicPattern(b.principal, '*');
      } else if (at.connector !== undefined) {
        addConnectors(b.principal, inv.connectors.filter(matcher(at.connector)));
      } else if (at.topic !== undefined) {
        addTopicPattern(b.principal, at.topic);
      }
      findings.push(...bindingFindings(b, at, p, ownership, policy));
    }
  }

  for (const p of byPrincipal.values()) {
    p.connectors = [...(connectorSets.get(p.id) ?? [])].sort();
    p.topicPatterns = [...(topicPatternSets.get(p.id) ?? [])].sort();
    p.topics = inv.topics ? inv.topics.filter((t) => p.topicPatterns.some((pat) => matcher(pat)(t))).sort() : [];
    p.findings = findings.filter((f) => f.principal === p.id).length;
    p.keys.sort();
  }

  return {
    platform: inv.platform,
    reviewedAt: now.toISOString(),
    policy,
    principals: [...byPrincipal.values()].sort((a, b) => a.id.localeCompare(b.id)),
    keys: keys.sort((a, b) => a.owner.localeCompare(b.owner) || a.id.localeCompare(b.id)),
    findings: findings.sort(
      (a, b) =>
        a.principal.localeCompare(b.principal) ||
        a.kind.localeCompare(b.kind) ||
        (a.key ?? '').localeCompare(b.key ?? ''),
    ),
    notes: inv.usageReported
      ? inv.notes
      : [
          ...inv.notes,
          'This platform does not report when a key was last used: unused keys cannot be flagged (check its audit logs).',
        ],
  };
}

function reviewKey(k: InventoryKey, ownerName: string | undefined, now: Date): ReviewedKey {
  const created = k.createdAt ? Date.parse(k.createdAt) : NaN;
  return {
    id: k.id,
    owner: k.owner,
    ...(ownerName ? { ownerName } : {}),
    status: k.status,
    createdAt: k.createdAt ?? null,
    ageDays: Number.isNaN(created) ? null : Math.floor((now.getTime() - created) / DAY_MS),
    lastUsedAt: k.lastUsedAt ?? null,
    lastUsedKnown: k.lastUsedAt !== undefined,
    ...(k.roles ? { roles: k.roles } : {}),
    ...(k.resource ? { resource: k.resource } : {}),
    ...(k.description ? { description: k.description } : {}),
  };
}

function keyFindings(k: InventoryKey, policy: ReviewPolicy, usageReported: boolean, now: Date): AccessFinding[] {
  if (k.status !== 'active') return [];
  const out: AccessFinding[] = [];
  const created = k.createdAt ? Date.parse(k.createdAt) : NaN;
  const age = Number.isNaN(created) ? undefined : (now.getTime() - created) / DAY_MS;
  if (age !== undefined && age > policy.keyRotationDays)
    out.push({
      kind: 'key-rotation-overdue',
      principal: k.owner,
      key: k.id,
      message: `key ${k.id} is ${Math.floor(age)} days old (rotation policy: ${policy.keyRotationDays} days)`,
    });
  if (!usageReported || k.lastUsedAt === undefined) return out;
  if (k.lastUsedAt === null) {
    if (age !== undefined && age > policy.neverUsedGraceDays)
      out.push({
        kind: 'key-unused',
        principal: k.owner,
        key: k.id,
        message: `key ${k.id} was never used in the ${Math.floor(age)} days since it was created: revoke it if nobody needs it`,
      });
    return out;
  }
  const idle = (now.getTime() - Date.parse(k.lastUsedAt)) / DAY_MS;
  if (idle > policy.unusedKeyDays)
    out.push({
      kind: 'key-unused',
      principal: k.owner,
      key: k.id,
      message: `key ${k.id} was last used ${Math.floor(idle)} days ago (policy: ${policy.unusedKeyDays} days)`,
    });
  return out;
}

/** A key's role on a team whose enforced prefixes reach beyond what kcops.yaml gives that team. */
function keyRoleFindings(
  k: InventoryKey,
  platformTeams: AccessInventory['platformTeams'],
  declared: Record<string, DeclaredTeam>,
): AccessFinding[] {
  if (k.status !== 'active' || !k.roles) return [];
  const out: AccessFinding[] = [];
  for (const [team, role] of Object.entries(k.roles)) {
    if (team === '*') continue;
    const enforced = platformTeams[team]?.prefixes ?? [];
    const owned = Object.hasOwn(declared, team) ? declared[team]!.prefixes : undefined;
    if (!owned) continue;
    const wider = enforced.filter((p) => !owned.some((o) => p.startsWith(o)));
    if (wider.length > 0)
      out.push({
        kind: 'right-too-broad',
        principal: k.owner,
        key: k.id,
        right: `${team}=${role}`,
        message: `team ${team} is enforced on the workers with prefix ${wider.map((w) => `"${w}"`).join(', ')}, wider than kcops.yaml's ${owned.map((o) => `"${o}"`).join(', ')}`,
      });
  }
  return out;
}

/** Team → its connector prefixes: kcops.yaml's declaration wins (it is the ownership), else what the workers enforce. */
function teamOwnership(
  declared: Record<string, DeclaredTeam>,
  platform: AccessInventory['platformTeams'],
): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [t, v] of Object.entries(platform)) out[t] = v.prefixes;
  for (const [t, v] of Object.entries(declared)) out[t] = v.prefixes;
  return out;
}

/** A principal's team: kcops.yaml's serviceAccounts, else the convention `sa-<team>` (the dev stack's accounts). */
function principalTeams(declared: Record<string, DeclaredTeam>, teams: string[]): (id: string) => string | undefined {
  const map = new Map<string, string>();
  for (const t of teams) map.set(`User:sa-${t}`, t);
  for (const [t, v] of Object.entries(declared))
    for (const sa of v.serviceAccounts) map.set(sa.startsWith('User:') ? sa : `User:${sa}`, t);
  return (id) => map.get(id) ?? map.get(`User:${id}`);
}

function kindOfCloudId(id: string): ReviewedPrincipal['kind'] {
  const bare = id.replace(/^User:/, '');
  if (bare.startsWith('u-')) return 'user';
  if (bare.startsWith('sa-')) return 'service-account';
  return 'kafka-principal';
}

/** The team owning a connector name: the longest matching prefix (as the extension decides). */
function ownerTeam(teams: AccessInventory['platformTeams'], connector: string): string | undefined {
  let best: string | undefined;
  let len = -1;
  for (const [t, v] of Object.entries(teams))
    for (const p of v.prefixes)
      if (connector.startsWith(p) && p.length > len) {
        best = t;
        len = p.length;
      }
  return best;
}

const aclText = (a: InventoryAcl) =>
  `${a.permission} ${a.operation} ${a.resourceType} ${patternText(a.resourceName, a.patternType)}${a.host && a.host !== '*' ? ` from ${a.host}` : ''}`;

function patternText(name: string, patternType: string): string {
  if (name === '*') return '*';
  return patternType === 'PREFIXED' ? `${name}*` : name;
}

/** `payments.*` matches names starting with `payments.`; `*` everything; anything else itself. */
function matcher(pattern: string): (name: string) => boolean {
  if (pattern === '*') return () => true;
  if (pattern.endsWith('*')) {
    const p = pattern.slice(0, -1);
    return (n) => n.startsWith(p);
  }
  return (n) => n === pattern;
}

/** Connector prefixes without their separator: `payments-` → `payments`, the stem of the team's Kafka resources. */
const stems = (prefixes: string[]) => prefixes.map((p) => p.replace(/[-._]+$/, '')).filter((s) => s.length > 0);

/** Cluster operations any connector principal needs (idempotent producers, metadata): never "too broad". */
const HARMLESS_CLUSTER_OPS = new Set(['DESCRIBE', 'DESCRIBE_CONFIGS', 'IDEMPOTENT_WRITE']);

/**
 * Why an ALLOW ACL reaches beyond what its principal needs, or undefined. A wildcard (`*`, or an empty prefix) is too
 * broad for anyone. For a team's principal, a topic, group or transactional id is within the team when its name (or
 * prefix) starts with the stem of one of the team's prefixes — groups and transactional ids also after a `-`
 * (Connect names them `connect-<connector>` and `<group>-<connector>-<task>`); a shorter prefix is wider than the
 * team's ownership.
 */
function aclBreadth(a: InventoryAcl, teamPrefixes: string[] | undefined): string | undefined {
  const wildcard = a.resourceName === '*' || (a.patternType === 'PREFIXED' && a.resourceName === '');
  if (wildcard && a.resourceType !== 'CLUSTER')
    return `${a.operation} on every ${a.resourceType.toLowerCase()} (ACL on "*"): grant the team's prefix instead`;
  if (!teamPrefixes) return undefined;
  if (a.resourceType === 'CLUSTER')
    return HARMLESS_CLUSTER_OPS.has(a.operation)
      ? undefined
      : `${a.operation} on the cluster lets a team principal act beyond its own resources`;
  if (!['TOPIC', 'GROUP', 'TRANSACTIONAL_ID'].includes(a.resourceType)) return undefined;
  const s = stems(teamPrefixes);
  const candidates = [a.resourceName];
  if (a.resourceType !== 'TOPIC')
    for (let i = a.resourceName.indexOf('-'); i >= 0; i = a.resourceName.indexOf('-', i + 1))
      candidates.push(a.resourceName.slice(i + 1));
  if (candidates.some((c) => s.some((stem) => c.startsWith(stem)))) return undefined;
  const wider = a.patternType === 'PREFIXED' && s.some((stem) => stem.startsWith(a.resourceName));
  return wider
    ? `prefix "${a.resourceName}" is wider than the team's ${s.map((x) => `"${x}"`).join(', ')}`
    : `"${a.resourceName}" is outside the team's prefixes (${s.map((x) => `"${x}"`).join(', ')})`;
}

interface BindingScope {
  level: 'organization' | 'environment' | 'cluster' | 'resource';
  label: string;
  /** Connector name or `prefix*` pattern of a connector binding on this cluster. */
  connector?: string;
  /** Topic name or `prefix*` pattern of a topic binding on this cluster. */
  topic?: string;
}

const ADMIN_ROLES = new Set(['OrganizationAdmin', 'EnvironmentAdmin', 'CloudClusterAdmin']);

/** Where a binding applies relative to the environment under review; undefined for another environment's. */
function bindingScope(crn: string, scope: NonNullable<AccessInventory['scope']>): BindingScope | undefined {
  if (crn === scope.organization) return { level: 'organization', label: 'the organization' };
  if (crn === scope.environment) return { level: 'environment', label: 'the environment' };
  if (crn === scope.cluster) return { level: 'cluster', label: 'the cluster' };
  if (!crn.startsWith(scope.environment + '/')) return undefined;
  const rest = crn.startsWith(scope.cluster + '/')
    ? crn.slice(scope.cluster.length + 1)
    : crn.slice(scope.environment.length + 1);
  const connector = /^connector=(.+)$/.exec(rest)?.[1];
  if (connector !== undefined) return { level: 'resource', label: `connector=${connector}`, connector };
  const topic = /^kafka=[^/]+\/topic=(.+)$/.exec(rest)?.[1];
  if (topic !== undefined) return { level: 'resource', label: `topic=${topic}`, topic };
  if (/^kafka=[^/]+$/.test(rest)) return { level: 'cluster', label: 'the cluster (kafka)' };
  return { level: 'resource', label: rest };
}

function bindingFindings(
  b: InventoryRoleBinding,
  at: BindingScope,
  p: ReviewedPrincipal,
  ownership: Record<string, string[]>,
  policy: ReviewPolicy,
): AccessFinding[] {
  const right = `${b.role} on ${at.label}`;
  const bare = b.principal.replace(/^User:/, '');
  if (p.kind === 'user' || bare.startsWith('u-')) {
    if (at.level === 'resource' || policy.consoleUsers.includes(bare)) return [];
    return [
      {
        kind: 'console-role',
        principal: b.principal,
        right,
        message: `end user ${bare} holds ${b.role} on ${at.label}, which opens the Confluent Cloud console (REQ-SEC-002): grant connector-level roles for the CLI instead, or list the user in access.consoleUsers`,
      },
    ];
  }
  const prefixes = p.team ? ownership[p.team] : undefined;
  if (!prefixes) return [];
  if (at.level !== 'resource' || ADMIN_ROLES.has(b.role))
    return [
      {
        kind: 'right-too-broad',
        principal: b.principal,
        right,
        message: `${b.role} on ${at.label} reaches every connector and topic, beyond team ${p.team}'s prefixes`,
      },
    ];
  const pattern = at.connector ?? at.topic;
  if (pattern === undefined) return [];
  const within =
    at.connector !== undefined
      ? prefixes.some((pre) => pattern.replace(/\*$/, '').startsWith(pre))
      : stems(prefixes).some((s) => pattern.startsWith(s));
  if (within) return [];
  return [
    {
      kind: 'right-too-broad',
      principal: b.principal,
      right,
      message: `${b.role} on ${at.label} is wider than team ${p.team}'s prefixes (${prefixes.map((x) => `"${x}"`).join(', ')})`,
    },
  ];
}
