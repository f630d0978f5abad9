import type { z } from 'zod';
import { UserError } from '../../errors.js';
import { isServiceNotFound, lenientBody } from '../http/response.js';
import type { RawResponse } from '../http/transport.js';
import { fromCloudStatus, type CloudErrorContext } from './errors.js';
import { environmentSchema, roleBindingsSchema } from './schemas.js';

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
    let path: string | undefined =
      `/iam/v2/role-bindings?principal=${encodeURIComponent(principal)}&crn_pattern=${encodeURIComponent(org)}`;
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

  private orgCrn: string | undefined;
  /** `crn://confluent.cloud/organization=<id>`: named by the environment resource (org v2), read once. */
  async organizationCrn(): Promise<string> {
    if (!this.orgCrn) {
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
      this.orgCrn = org;
    }
    return this.orgCrn;
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
