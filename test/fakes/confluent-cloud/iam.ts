import type { FakeConfluentCloud } from './server.js';

/** IAM v2 service accounts, role bindings (mds v2) and the org v2 environment of the stand-in (SPEC.md). */

/** org v2: GET /org/v2/environments/{id}; its resource_name carries the organisation id. */
export function orgEnvironment(
  cloud: FakeConfluentCloud,
  method: string,
  url: URL,
  authorization: string | undefined,
  answer: (status: number, payload?: unknown) => void,
): void {
  const failure = (status: number, title: string) => answer(status, { errors: [{ status: String(status), title }] });
  if (!cloud.cloudAuthorized(authorization)) return failure(401, 'Unauthorized');
  const id = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  if (method !== 'GET' || id !== cloud.environmentId) return failure(404, 'Not Found');
  answer(200, {
    api_version: 'org/v2',
    kind: 'Environment',
    id,
    metadata: {
      self: `${cloud.url}/org/v2/environments/${id}`,
      resource_name: `crn://confluent.cloud/organization=${cloud.organizationId}/environment=${id}`,
    },
    display_name: 'prod',
  });
}

/**
 * mds v2 list: exact `principal`/`role_name` filters; `crn_pattern` (required) names a scope: alone, the bindings on
 * exactly that scope; ending in `/*`, that scope and everything beneath it. That is how the Confluent CLI asks for
 * nested scopes (`iam rbac role-binding list --inclusive` appends `/*`: confluentinc/cli
 * internal/iam/command_rbac_role_binding_list.go); the exact reading of a pattern without it is an assumption (SPEC.md).
 */
export function roleBindingList(
  cloud: FakeConfluentCloud,
  method: string,
  url: URL,
  authorization: string | undefined,
  answer: (status: number, payload?: unknown) => void,
): void {
  const failure = (status: number, title: string) => answer(status, { errors: [{ status: String(status), title }] });
  if (!cloud.cloudAuthorized(authorization)) return failure(401, 'Unauthorized');
  const q = url.searchParams;
  const pattern = q.get('crn_pattern');
  if (method !== 'GET') return failure(404, 'Not Found');
  if (!pattern) return failure(400, 'crn_pattern is required');
  if (cloud.roleBindingsForbidden) return failure(403, 'Forbidden');
  const inclusive = pattern.endsWith('/*');
  const scope = inclusive ? pattern.slice(0, -2) : pattern;
  const data = cloud.roleBindings
    .map((b, i) => ({ b, i }))
    .filter(
      ({ b }) =>
        (!q.get('principal') || q.get('principal') === b.principal) &&
        (!q.get('role_name') || q.get('role_name') === b.role_name) &&
        (b.crn_pattern === scope || (inclusive && b.crn_pattern.startsWith(scope + '/'))),
    )
    .map(({ b, i }) => ({
      api_version: 'iam/v2',
      kind: 'RoleBinding',
      id: `rb-${i}`,
      metadata: { self: `${cloud.url}/iam/v2/role-bindings/rb-${i}` },
      ...b,
    }));
  answer(200, page(cloud, url, 'RoleBindingList', data));
}

/** A page of a list (page_size, default 10, at most 100; page_token = the offset), `metadata.next` while more remain. */
function page(cloud: FakeConfluentCloud, url: URL, kind: string, all: unknown[]): Record<string, unknown> {
  const size = Math.min(100, Number(url.searchParams.get('page_size') ?? 10) || 10);
  const from = Number(url.searchParams.get('page_token') ?? 0) || 0;
  const next = new URL(`${cloud.url}${url.pathname}${url.search}`);
  next.searchParams.set('page_token', String(from + size));
  return {
    api_version: 'iam/v2',
    kind,
    metadata: {
      first: `${cloud.url}${url.pathname}`,
      ...(from + size < all.length ? { next: next.toString() } : {}),
      total_size: all.length,
    },
    data: all.slice(from, from + size),
  };
}

/**
 * IAM v2 with the Cloud key: service accounts (`serviceAccounts`), users (`users`) and API keys (`apiKeys`), each
 * listed (paged) and read by id; an unknown id is 404.
 */
export function iam(
  cloud: FakeConfluentCloud,
  method: string,
  url: URL,
  authorization: string | undefined,
  answer: (status: number, payload?: unknown) => void,
): void {
  const failure = (status: number, title: string) =>
    answer(status, { errors: [{ id: `req-${cloud.exchanges.length}`, status: String(status), title }] });
  const expected = 'Basic ' + Buffer.from(`${cloud.apiKey}:${cloud.apiSecret}`).toString('base64');
  if (authorization !== expected) return failure(401, 'Unauthorized');
  const m = /^\/iam\/v2\/(service-accounts|users|api-keys)(?:\/([^/]+))?$/.exec(url.pathname);
  if (method !== 'GET' || !m) return failure(404, 'Not Found');
  const [, collection, rawId] = m as unknown as [string, 'service-accounts' | 'users' | 'api-keys', string | undefined];
  const id = rawId === undefined ? undefined : decodeURIComponent(rawId);
  const render = (x: string) =>
    collection === 'service-accounts'
      ? serviceAccount(cloud, x)
      : collection === 'users'
        ? user(cloud, x)
        : apiKey(cloud, x);
  const store: Map<string, unknown> =
    collection === 'service-accounts' ? cloud.serviceAccounts : collection === 'users' ? cloud.users : cloud.apiKeys;
  if (id !== undefined) return store.has(id) ? answer(200, render(id)) : failure(404, 'Not Found');
  let ids = [...store.keys()].sort();
  if (collection === 'api-keys') {
    const owner = url.searchParams.get('spec.owner');
    const resource = url.searchParams.get('spec.resource');
    ids = ids.filter(
      (k) =>
        (!owner || cloud.apiKeys.get(k)!.owner === owner) &&
        (!resource || (cloud.apiKeys.get(k)!.resource ?? 'cloud') === resource),
    );
  }
  const kind =
    collection === 'service-accounts' ? 'ServiceAccountList' : collection === 'users' ? 'UserList' : 'ApiKeyList';
  answer(200, page(cloud, url, kind, ids.map(render)));
}

function serviceAccount(cloud: FakeConfluentCloud, id: string) {
  return {
    api_version: 'iam/v2',
    kind: 'ServiceAccount',
    id,
    metadata: {
      self: `${cloud.url}/iam/v2/service-accounts/${id}`,
      resource_name: `crn://confluent.cloud/organization=${cloud.organizationId}/service-account=${id}`,
      created_at: '2026-01-01T00:00:00Z',
    },
    display_name: cloud.serviceAccounts.get(id)!,
    description: '',
  };
}

function user(cloud: FakeConfluentCloud, id: string) {
  const u = cloud.users.get(id)!;
  return {
    api_version: 'iam/v2',
    kind: 'User',
    id,
    metadata: {
      self: `${cloud.url}/iam/v2/users/${id}`,
      resource_name: `crn://confluent.cloud/organization=${cloud.organizationId}/user=${id}`,
      created_at: '2026-01-01T00:00:00Z',
    },
    email: u.email,
    full_name: u.fullName ?? '',
    auth_type: 'AUTH_TYPE_LOCAL',
  };
}

/** An API key as IAM v2 shows it: owner and resource references, never the secret (only create returns that). */
function apiKey(cloud: FakeConfluentCloud, id: string) {
  const k = cloud.apiKeys.get(id)!;
  const ownerKind = k.owner.startsWith('u-') ? 'User' : 'ServiceAccount';
  const ownerPath = k.owner.startsWith('u-') ? 'users' : 'service-accounts';
  const resource = k.resource ?? 'cloud';
  const org = `crn://confluent.cloud/organization=${cloud.organizationId}`;
  return {
    api_version: 'iam/v2',
    kind: 'ApiKey',
    id,
    metadata: {
      self: `${cloud.url}/iam/v2/api-keys/${id}`,
      resource_name: `${org}/api-key=${id}`,
      created_at: k.createdAt,
    },
    spec: {
      display_name: k.displayName ?? '',
      description: k.description ?? '',
      owner: {
        id: k.owner,
        related: `${cloud.url}/iam/v2/${ownerPath}/${k.owner}`,
        resource_name: `${org}/${ownerPath.slice(0, -1)}=${k.owner}`,
        api_version: 'iam/v2',
        kind: ownerKind,
      },
      resource:
        resource === 'cloud'
          ? { id: 'cloud', related: `${cloud.url}/`, resource_name: 'crn://confluent.cloud/', kind: 'Cloud' }
          : {
              id: resource,
              related: `${cloud.url}/cmk/v2/clusters/${resource}`,
              resource_name: `${org}/environment=${cloud.environmentId}/cloud-cluster=${resource}`,
              api_version: 'cmk/v2',
              kind: 'Cluster',
            },
    },
  };
}
