import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../../../errors.js';
import {
  describeTransportError,
  HttpTransport,
  TransportError,
  type Method,
  type RawResponse,
} from '../../../connect/http/transport.js';
import type { SecretRef } from '../reference.js';
import { pickKey, secretFailure, splitVersion, type SecretStore } from './store.js';

/** The declaration of a `vault` provider in kcops.yaml, as this code needs it. */
export interface VaultSettings {
  address: string;
  namespace?: string | undefined;
  kvVersion: 1 | 2;
  mount?: string | undefined;
  caFile?: string | undefined;
  auth?:
    | {
        method: 'token' | 'approle' | 'jwt' | 'kubernetes';
        token?: string | undefined;
        role?: string | undefined;
        roleId?: string | undefined;
        secretId?: string | undefined;
        jwt?: string | undefined;
        mountPath?: string | undefined;
      }
    | undefined;
}

export interface VaultOptions {
  /** Resolves the references of the auth block (a token, a role_id, a CI job's JWT) with the local providers. */
  resolveLocal: (ref: string) => string;
  env: NodeJS.ProcessEnv;
  /** The clock, for token expiry (tests move it). */
  now?: () => number;
  timeoutMs?: number;
}

const KUBERNETES_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

// The shapes kcops reads (Vault HTTP API: auth/*/login, auth/token/lookup-self and renew-self, KV v1 and v2 reads).
const authBody = z.object({
  auth: z.object({ client_token: z.string(), lease_duration: z.number(), renewable: z.boolean() }),
});
const lookupBody = z.object({ data: z.object({ ttl: z.number(), renewable: z.boolean().optional() }) });
const kv2Body = z.object({
  data: z.object({
    data: z.record(z.string(), z.unknown()).nullable(),
    metadata: z.object({ version: z.number(), deletion_time: z.string().optional(), destroyed: z.boolean() }),
  }),
});
const kv1Body = z.object({ data: z.record(z.string(), z.unknown()) });
const errorsBody = z.object({ errors: z.array(z.string()) });

interface Session {
  token: string;
  /** ms since the epoch; undefined: the token does not expire (root, or a period-less non-expiring token). */
  expiresAt: number | undefined;
  ttlMs: number;
  renewable: boolean;
}

/**
 * A small typed client of Vault's HTTP API over kcops's one HTTP layer (private CA included), for reading KV secrets
 * at deploy time. No npm Vault client was chosen: the maintained ones add their own HTTP stack and do not cover
 * namespaces, JWT login and renewal together; what kcops needs is five endpoints.
 *
 * Token lifetime: the session learns its TTL (login answer, or lookup-self for a given token) and renews itself
 * (renew-self) when less than a third of it is left before a request, so a long apply does not fail half-way; a
 * non-renewable token from a login method is replaced by logging in again.
 */
export class VaultStore implements SecretStore {
  private readonly http: HttpTransport;
  private session: Promise<Session> | undefined;
  private readonly now: () => number;
  /** Calls made, by endpoint (tests count them). */
  readonly calls: string[] = [];

  constructor(
    private readonly name: string,
    private readonly settings: VaultSettings,
    private readonly o: VaultOptions,
  ) {
    let ca: string | undefined;
    if (settings.caFile) {
      try {
        ca = readFileSync(settings.caFile, 'utf8');
      } catch (e) {
        throw new UserError(
          'SECRET_PROVIDER_INVALID',
          `Secret provider '${name}': cannot read caFile ${settings.caFile} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
          { hint: 'Give the path of the PEM file of the CA that signed the Vault server certificate.' },
        );
      }
    }
    this.http = new HttpTransport({ tls: ca ? { ca } : undefined, timeoutMs: o.timeoutMs });
    this.now = o.now ?? Date.now;
  }

  cacheKey(ref: SecretRef): string {
    return ref.path ?? ref.key;
  }

  async fetch(ref: SecretRef): Promise<Record<string, unknown>> {
    const { id, version } = splitVersion(this.cacheKey(ref));
    if (version !== undefined && (this.settings.kvVersion === 1 || !/^[1-9][0-9]*$/.test(version))) {
      throw secretFailure(
        ref,
        this.describe(),
        'SECRET_REF',
        this.settings.kvVersion === 1 ? 'KV version 1 keeps no versions' : `'${version}' is not a version number`,
        'Write #N with N a version number of a KV v2 secret (`vault kv metadata get` lists them), or drop #.',
      );
    }
    const { mount, rest } = this.split(id);
    const path = this.settings.kvVersion === 2 ? `${mount}/data/${rest}` : `${mount}/${rest}`;
    const res = await this.call(ref, 'GET', path, undefined, version ? { version } : undefined);
    if (res.status === 404) {
      throw secretFailure(
        ref,
        this.describe(),
        'SECRET_NOT_FOUND',
        `no secret at ${path}${version ? ` (version ${version})` : ''}${deletedNote(res)}`,
        `Check the path (mount '${mount}', KV v${this.settings.kvVersion}: \`vault kv get -mount=${mount} ${rest}\`)${this.settings.namespace ? ` in namespace ${this.settings.namespace}` : ''}.`,
      );
    }
    this.refuse(ref, res, path);
    if (this.settings.kvVersion === 1) return this.parse(ref, res, kv1Body, path).data;
    const body = this.parse(ref, res, kv2Body, path);
    if (body.data.data === null) {
      throw secretFailure(
        ref,
        this.describe(),
        'SECRET_NOT_FOUND',
        `version ${body.data.metadata.version} of ${path} is deleted or destroyed`,
        'Undelete it (`vault kv undelete`) or reference another version.',
      );
    }
    return body.data.data;
  }

  pick(ref: SecretRef, fetched: unknown): string {
    return pickKey(ref, this.describe(), fetched, ref.key);
  }

  close(): void {
    this.http.close();
  }

  private describe(): string {
    return `vault provider '${this.name}' (${this.settings.address})`;
  }

  /** The KV mount and the path inside it: the declared mount when the path starts with it, else the first segment. */
  private split(id: string): { mount: string; rest: string } {
    const m = this.settings.mount?.replace(/^\/+|\/+$/g, '');
    const p = id.replace(/^\/+/, '');
    if (m && p.startsWith(`${m}/`)) return { mount: m, rest: p.slice(m.length + 1) };
    const i = p.indexOf('/');
    return i < 0 ? { mount: p, rest: '' } : { mount: p.slice(0, i), rest: p.slice(i + 1) };
  }

  private async call(
    ref: SecretRef,
    method: Method,
    path: string,
    body?: unknown,
    query?: Record<string, string>,
    authenticated = true,
  ): Promise<RawResponse> {
    const token = authenticated ? (await this.token(ref)).token : undefined;
    return this.send(ref, token, method, path, body, query);
  }

  /** 403 and other refusals, with the policy the token needs. */
  private refuse(ref: SecretRef, res: RawResponse, path: string): void {
    if (res.status < 300) return;
    const errs = errorsBody.safeParse(safeJson(res.text));
    const said = errs.success && errs.data.errors.length > 0 ? errs.data.errors.join('; ') : `HTTP ${res.status}`;
    if (res.status === 403) {
      throw secretFailure(
        ref,
        this.describe(),
        'SECRET_ACCESS_DENIED',
        `Vault answered 403 (${said}) for ${path}`,
        `The token's policy needs capability "read" on path "${path}"${this.settings.namespace ? ` in namespace ${this.settings.namespace}` : ''} (\`vault token capabilities ${path}\` shows what it has).`,
      );
    }
    throw secretFailure(
      ref,
      this.describe(),
      'SECRET_STORE_UNREACHABLE',
      `Vault answered HTTP ${res.status} (${said}) for ${path}`,
      'Check the state of Vault (sealed? standby?) and the provider address.',
    );
  }

  private parse<S extends z.ZodType>(ref: SecretRef, res: RawResponse, schema: S, path: string): z.infer<S> {
    const r = schema.safeParse(safeJson(res.text));
    if (!r.success) {
      throw secretFailure(
        ref,
        this.describe(),
        'SECRET_STORE_UNREACHABLE',
        `the answer for ${path} does not have the shape of a Vault ${path.startsWith('auth/') ? 'login' : `KV v${this.settings.kvVersion}`} answer`,
        `Check kvVersion (${this.settings.kvVersion}) and the mount of the provider, and that the address is Vault's.`,
      );
    }
    return r.data;
  }

  /** A valid token: logged in once per run, renewed (or logged in again) when it nears its end. */
  private async token(ref: SecretRef): Promise<Session> {
    this.session ??= this.login(ref);
    let s: Session;
    try {
      s = await this.session;
    } catch (e) {
      this.session = undefined;
      throw e;
    }
    if (s.expiresAt === undefined || s.expiresAt - this.now() > s.ttlMs / 3) return s;
    const method = this.settings.auth?.method ?? 'token';
    this.session = s.renewable ? this.renew(ref, s) : method === 'token' ? Promise.resolve(s) : this.login(ref);
    return this.session;
  }

  private async renew(ref: SecretRef, s: Session): Promise<Session> {
    const res = await this.send(ref, s.token, 'POST', 'auth/token/renew-self', {});
    if (res.status >= 300 && (this.settings.auth?.method ?? 'token') !== 'token') return this.login(ref);
    this.refuse(ref, res, 'auth/token/renew-self');
    return this.sessionFrom(this.parse(ref, res, authBody, 'auth/token/renew-self').auth);
  }

  private async login(ref: SecretRef): Promise<Session> {
    const a = this.settings.auth ?? { method: 'token' as const };
    if (a.method === 'token') {
      const token = a.token ? this.o.resolveLocal(a.token) : this.o.env.VAULT_TOKEN;
      if (!token) {
        throw secretFailure(
          ref,
          this.describe(),
          'SECRET_ACCESS_DENIED',
          'no Vault token (auth.token is not set and VAULT_TOKEN is empty)',
          'Set VAULT_TOKEN, or give auth.token as a reference, or use auth.method approle/jwt.',
        );
      }
      const res = await this.send(ref, token, 'GET', 'auth/token/lookup-self');
      if (res.status === 403) {
        throw secretFailure(
          ref,
          this.describe(),
          'SECRET_ACCESS_DENIED',
          'Vault does not accept the token (expired, revoked, or from another namespace)',
          'Log in again (`vault login`) and set VAULT_TOKEN, or use auth.method approle/jwt so kcops logs in itself.',
        );
      }
      this.refuse(ref, res, 'auth/token/lookup-self');
      const d = this.parse(ref, res, lookupBody, 'auth/token/lookup-self').data;
      return this.sessionFrom({ client_token: token, lease_duration: d.ttl, renewable: d.renewable ?? false });
    }
    const mountPath = (a.mountPath ?? a.method).replace(/^\/+|\/+$/g, '');
    let body: Record<string, string>;
    if (a.method === 'approle') {
      if (!a.roleId || !a.secretId) throw this.authMissing(ref, 'auth.roleId and auth.secretId');
      body = { role_id: this.o.resolveLocal(a.roleId), secret_id: this.o.resolveLocal(a.secretId) };
    } else {
      if (!a.role) throw this.authMissing(ref, 'auth.role');
      const jwt = a.jwt ? this.o.resolveLocal(a.jwt) : a.method === 'kubernetes' ? readKubernetesToken() : undefined;
      if (!jwt) throw this.authMissing(ref, 'auth.jwt (a reference to the identity token of the CI job)');
      body = { role: a.role, jwt };
    }
    const path = `auth/${mountPath}/login`;
    const res = await this.call(ref, 'POST', path, body, undefined, false);
    if (res.status === 400 || res.status === 403) {
      const errs = errorsBody.safeParse(safeJson(res.text));
      throw secretFailure(
        ref,
        this.describe(),
        'SECRET_ACCESS_DENIED',
        `Vault refused the ${a.method} login at ${path} (HTTP ${res.status}${errs.success ? `: ${errs.data.errors.join('; ')}` : ''})`,
        a.method === 'approle'
          ? 'Check the role_id and secret_id (a secret_id expires and may be single-use).'
          : `Check the role '${a.role}' of the ${a.method} auth method: its bound claims (audience, subject, project/branch) must match the token.`,
      );
    }
    this.refuse(ref, res, path);
    return this.sessionFrom(this.parse(ref, res, authBody, path).auth);
  }

  private authMissing(ref: SecretRef, what: string): UserError {
    return secretFailure(
      ref,
      this.describe(),
      'SECRET_PROVIDER_INVALID',
      `auth.method ${this.settings.auth?.method} needs ${what}`,
      'Complete the auth block of the provider in kcops.yaml.',
    );
  }

  private async send(
    ref: SecretRef,
    token: string | undefined,
    method: Method,
    path: string,
    body?: unknown,
    query?: Record<string, string>,
  ): Promise<RawResponse> {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers['x-vault-token'] = token;
    if (this.settings.namespace) headers['x-vault-namespace'] = this.settings.namespace;
    const url = new URL(`/v1/${path}`, this.settings.address);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    this.calls.push(`${method} ${path}`);
    try {
      return await this.http.send({ method, url, headers, ...(body === undefined ? {} : { body }) });
    } catch (e) {
      if (e instanceof TransportError) {
        throw secretFailure(
          ref,
          this.describe(),
          'SECRET_STORE_UNREACHABLE',
          `Vault ${describeTransportError(e)}`,
          e.kind === 'tls'
            ? 'Give the CA that signed the Vault certificate as caFile of the provider.'
            : 'Check the address of the provider (the VAULT_ADDR of your shell is not read) and the network path to it.',
        );
      }
      throw e;
    }
  }

  private sessionFrom(a: { client_token: string; lease_duration: number; renewable: boolean }): Session {
    const ttlMs = a.lease_duration * 1000;
    return {
      token: a.client_token,
      ttlMs,
      renewable: a.renewable,
      expiresAt: ttlMs > 0 ? this.now() + ttlMs : undefined,
    };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function deletedNote(res: RawResponse): string {
  const b = safeJson(res.text) as { data?: { metadata?: { deletion_time?: string } } } | undefined;
  const t = b?.data?.metadata?.deletion_time;
  return t ? ` (deleted at ${t})` : '';
}

function readKubernetesToken(): string | undefined {
  try {
    return readFileSync(KUBERNETES_TOKEN, 'utf8').trim();
  } catch {
    return undefined;
  }
}
