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

/** mds v2 list: exact principal/role_name filters, `crn_pattern` (required) a partial (substring) search. */
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
  const data = cloud.roleBindings
    .filter(
      (b) =>
        (!q.get('principal') || q.get('principal') === b.principal) &&
        (!q.get('role_name') || q.get('role_name') === b.role_name) &&
        b.crn_pattern.includes(pattern),
    )
    .map((b, i) => ({
      api_version: 'iam/v2',
      kind: 'RoleBinding',
      id: `rb-${i}`,
      metadata: { self: `${cloud.url}/iam/v2/role-bindings/rb-${i}` },
      ...b,
    }));
  answer(200, {
    api_version: 'iam/v2',
    kind: 'RoleBindingList',
    metadata: { first: `${cloud.url}/iam/v2/role-bindings` },
    data,
  });
}

/** IAM v2: GET /iam/v2/service-accounts/{id} with the Cloud key. */
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
  const id = /^\/iam\/v2\/service-accounts\/([^/]+)$/.exec(url.pathname)?.[1];
  if (method !== 'GET' || !id) return failure(404, 'Not Found');
  const name = cloud.serviceAccounts.get(decodeURIComponent(id));
  if (name === undefined) return failure(404, 'Not Found');
  answer(200, {
    api_version: 'iam/v2',
    kind: 'ServiceAccount',
    id,
    metadata: {
      self: `${cloud.url}/iam/v2/service-accounts/${id}`,
      resource_name: `crn://confluent.cloud/service-account=${id}`,
      created_at: '2026-01-01T00:00:00Z',
    },
    display_name: name,
    description: '',
  });
}
