import type { z } from 'zod';
import { UserError } from '../../errors.js';
import { isServiceNotFound, lenientBody } from '../http/response.js';
import type { RawResponse } from '../http/transport.js';
import { fromCloudStatus, type CloudErrorContext } from './errors.js';
import {
  apiKeyListSchema,
  apiKeySchema,
  environmentSchema,
  roleBindingListSchema,
  roleBindingsSchema,
  serviceAccountListSchema,
  serviceAccountSchema,
  userListSchema,
  userSchema,
} from './schemas.js';

/** An API key as IAM v2 lists it (never its secret). */
export interface CloudApiKey {
  id: string;
  /** sa-… or u-… */
  owner: string;
  /** `cloud` for a Cloud API key, else the cluster id (lkc-…) it is for. */
  resource: string;
  createdAt?: string;
  displayName?: string;
  description?: string;
}

export interface CloudRoleBinding {
  id?: string;
  /** `User:sa-…`, `User:u-…` or `Group:…` */
  principal: string;
  role: string;
  crn: string;
}

/** Who owns an API key: its id and, when the key may read it, the account's name. */
export interface CloudKeyOwner {
  id: string;
  kind: 'user' | 'service-account';
  displayName?: string;
}

/** Lists are read page by page up to this many pages (100 items each): 5,000 keys or bindings. */
const MAX_PAGES = 50;

/** What the IAM reads need of the Connect client: its key, endpoint, retry policy and error context. */
export interface CloudRootAccess {
  /** GET on the API endpoint (outside the Connect base path), parsed with `schema`; errors mapped. */
  get<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>>;
  /** GET whose status the caller judges. */
  status(path: string): Promise<RawResponse>;
  context(method: string, path: string): CloudErrorContext;
}

/**
 * Confluent Cloud's identity side as online validation and the logs CRN need it: IAM v2 service accounts, role
 * bindings (mds v2) under the organisation CRN, and the organisation id itself (org v2 environment). Same endpoint
 * and Cloud API key as the Connect v1 client, which owns the HTTP policy.
 */
export class CloudIamApi {
  constructor(
    private readonly http: CloudRootAccess,
    private readonly ids: { environmentId: string; kafkaClusterId: string },
  ) {}

  /** Whether an IAM service account (sa-…) exists in the organisation of the Cloud API key (IAM v2). */
  async serviceAccountExists(id: string): Promise<boolean> {
    const path = `/iam/v2/service-accounts/${encodeURIComponent(id)}`;
    const res = await this.http.status(path);
    if (res.status === 200) return true;
    if (isServiceNotFound(res)) return false;
    throw fromCloudStatus(this.http.context('GET', path), res.status, lenientBody(res));
  }

  /**
   * The roles `principal` holds that cover connector `name` of this cluster: ResourceOwner / ConnectManager (and the
   * other connector roles) on `…/cloud-cluster=<lkc>/connector=<name or prefix*>`, or an admin role on the cluster,
   * environment or organisation. Role bindings are listed (mds v2) under the organisation CRN, which the environment
   * resource (org v2) names.
   */
  async connectorRoles(principal: string, name: string): Promise<string[]> {
    const org = await this.organizationCrn();
    const env = `${org}/environment=${this.ids.environmentId}`;
    const cluster = `${env}/cloud-cluster=${this.ids.kafkaClusterId}`;
    const roles: string[] = [];
    // `/*`: the organisation and every scope beneath it (without it, only organisation-level bindings are listed).
    let path: string | undefined =
      `/iam/v2/role-bindings?principal=${encodeURIComponent(principal)}&crn_pattern=${encodeURIComponent(`${org}/*`)}`;
    for (let page = 0; path && page < 20; page++) {
      const body: z.infer<typeof roleBindingsSchema> = await this.http.get(path, roleBindingsSchema);
      for (const b of body.data)
        if (covers(b.role_name, b.crn_pattern, { org, env, cluster, name })) roles.push(b.role_name);
      path = body.metadata?.next
        ? new URL(body.metadata.next).pathname + new URL(body.metadata.next).search
        : undefined;
    }
    return [...new Set(roles)];
  }

  /** The owner of API key `id` (IAM v2 `GET /iam/v2/api-keys/{id}`), with its name when the key may read it. */
  async apiKeyOwner(id: string): Promise<CloudKeyOwner | undefined> {
    const path = `/iam/v2/api-keys/${encodeURIComponent(id)}`;
    const res = await this.http.status(path);
    if (isServiceNotFound(res)) return undefined;
    if (res.status !== 200) throw fromCloudStatus(this.http.context('GET', path), res.status, lenientBody(res));
    const key = apiKeySchema.safeParse(lenientBody(res));
    if (!key.success) return undefined;
    const owner = key.data.spec.owner.id;
    const kind = owner.startsWith('u-') ? 'user' : 'service-account';
    const name = await this.displayName(owner).catch(() => undefined);
    return { id: owner, kind, ...(name ? { displayName: name } : {}) };
  }

  /** A service account's display name or a user's e-mail; undefined when it cannot be read (not allowed, gone). */
  private async displayName(id: string): Promise<string | undefined> {
    if (id.startsWith('u-')) {
      const u = await this.http.get(`/iam/v2/users/${encodeURIComponent(id)}`, userSchema);
      return u.email || u.full_name || undefined;
    }
    const sa = await this.http.get(`/iam/v2/service-accounts/${encodeURIComponent(id)}`, serviceAccountSchema);
    return sa.display_name || undefined;
  }

  async listApiKeys(): Promise<CloudApiKey[]> {
    const items = await this.listAll('/iam/v2/api-keys', apiKeyListSchema);
    return items.map((k) => ({
      id: k.id,
      owner: k.spec.owner.id,
      resource: k.spec.resource?.id ?? 'cloud',
      ...(k.metadata?.created_at ? { createdAt: k.metadata.created_at } : {}),
      ...(k.spec.display_name ? { displayName: k.spec.display_name } : {}),
      ...(k.spec.description ? { description: k.spec.description } : {}),
    }));
  }

  async listServiceAccounts(): Promise<{ id: string; displayName?: string }[]> {
    const items = await this.listAll('/iam/v2/service-accounts', serviceAccountListSchema);
    return items.map((s) => ({ id: s.id, ...(s.display_name ? { displayName: s.display_name } : {}) }));
  }

  async listUsers(): Promise<{ id: string; email?: string; fullName?: string }[]> {
    const items = await this.listAll('/iam/v2/users', userListSchema);
    return items.map((u) => ({
      id: u.id,
      ...(u.email ? { email: u.email } : {}),
      ...(u.full_name ? { fullName: u.full_name } : {}),
    }));
  }

  /**
   * Role bindings that matter to this environment: the organisation's own (OrganizationAdmin, …) and those on the
   * environment and beneath it (`<env>/*`, as the Confluent CLI's `--inclusive` asks).
   */
  async environmentRoleBindings(): Promise<CloudRoleBinding[]> {
    const { organization, environment } = await this.scope();
    const lists = await Promise.all(
      [organization, `${environment}/*`].map((p) =>
        this.listAll(`/iam/v2/role-bindings?crn_pattern=${encodeURIComponent(p)}`, roleBindingListSchema),
      ),
    );
    return distinctBindings(lists.flat());
  }

  /**
   * Every role binding of `principal` (`User:sa-…`) in the organisation: those on the organisation itself and those
   * beneath it (`<org>/*`), every page. The day-2 pre-check on Cloud reads these once per command.
   */
  async principalRoleBindings(principal: string): Promise<CloudRoleBinding[]> {
    const organization = await this.organizationCrn();
    const p = encodeURIComponent(principal);
    const lists = await Promise.all(
      [organization, `${organization}/*`].map((crn) =>
        this.listAll(
          `/iam/v2/role-bindings?principal=${p}&crn_pattern=${encodeURIComponent(crn)}`,
          roleBindingListSchema,
        ),
      ),
    );
    return distinctBindings(lists.flat());
  }

  /** The CRNs of the organisation, this environment and this cluster. */
  async scope(): Promise<{ organization: string; environment: string; cluster: string }> {
    const organization = await this.organizationCrn();
    const environment = `${organization}/environment=${this.ids.environmentId}`;
    return { organization, environment, cluster: `${environment}/cloud-cluster=${this.ids.kafkaClusterId}` };
  }

  /** Every page of a list (page_size 100), bounded; the next page's URL comes from `metadata.next`. */
  private async listAll<S extends z.ZodType<{ data: unknown[]; metadata?: { next?: string | null } | undefined }>>(
    first: string,
    schema: S,
  ): Promise<z.infer<S>['data']> {
    const out: z.infer<S>['data'] = [];
    let path: string | undefined = `${first}${first.includes('?') ? '&' : '?'}page_size=100`;
    for (let page = 0; path; page++) {
      if (page >= MAX_PAGES)
        throw new UserError(
          'CCLOUD_LIST_TOO_LONG',
          `Confluent Cloud listed more than ${MAX_PAGES} pages of ${first}.`,
          {
            hint: 'Review a smaller scope, or report this: kcops stops rather than loop on a listing that never ends.',
          },
        );
      const body: z.infer<S> = await this.http.get(path, schema);
      out.push(...body.data);
      const next = body.metadata?.next;
      path = next ? new URL(next).pathname + new URL(next).search : undefined;
    }
    return out;
  }

  private orgCrn: Promise<string> | undefined;
  /**
   * `crn://confluent.cloud/organization=<id>`: named by the environment resource (org v2), read once (the promise is
   * kept, so calls made together share one request).
   */
  organizationCrn(): Promise<string> {
    this.orgCrn ??= this.readOrganizationCrn().catch((e: unknown) => {
      this.orgCrn = undefined;
      throw e;
    });
    return this.orgCrn;
  }

  private async readOrganizationCrn(): Promise<string> {
    const env = await this.http.get(
      `/org/v2/environments/${encodeURIComponent(this.ids.environmentId)}`,
      environmentSchema,
    );
    const crn = env.metadata?.resource_name ?? '';
    const org = /^(crn:\/\/confluent\.cloud\/organization=[^/]+)/.exec(crn)?.[1];
    if (!org)
      throw new UserError(
        'CCLOUD_NO_ORGANIZATION',
        `Confluent Cloud did not name the organisation of ${this.ids.environmentId}.`,
        { hint: 'Check cluster.environmentId in kcops.yaml.' },
      );
    return org;
  }
}

const CONNECTOR_ROLES = new Set([
  'ResourceOwner',
  'ConnectManager',
  'DeveloperManage',
  'DeveloperWrite',
  'DeveloperRead',
  'Operator',
]);
const ADMIN_ROLES: Record<string, 'org' | 'env' | 'cluster'> = {
  OrganizationAdmin: 'org',
  EnvironmentAdmin: 'env',
  CloudClusterAdmin: 'cluster',
};

function covers(
  role: string,
  pattern: string,
  scope: { org: string; env: string; cluster: string; name: string },
): boolean {
  const admin = ADMIN_ROLES[role];
  if (admin) return pattern === scope[admin];
  if (!CONNECTOR_ROLES.has(role) || !pattern.startsWith(`${scope.cluster}/connector=`)) return false;
  const p = pattern.slice(`${scope.cluster}/connector=`.length);
  return p.endsWith('*') ? scope.name.startsWith(p.slice(0, -1)) : p === scope.name;
}

/** Bindings read through overlapping CRN patterns, each once (by id, or by what it grants when it has none). */
function distinctBindings(
  all: { id?: string | undefined; principal: string; role_name: string; crn_pattern: string }[],
): CloudRoleBinding[] {
  const seen = new Set<string>();
  return all
    .filter((b) => {
      const k = b.id ?? `${b.principal}|${b.role_name}|${b.crn_pattern}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .map((b) => ({ ...(b.id ? { id: b.id } : {}), principal: b.principal, role: b.role_name, crn: b.crn_pattern }));
}
