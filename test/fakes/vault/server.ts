import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A KV v2 version: data (null once deleted/destroyed) and its metadata. */
interface KvVersion {
  data: Record<string, unknown> | null;
  created: string;
  deletion: string;
  destroyed: boolean;
}

interface Token {
  id: string;
  policies: string[];
  /** Seconds; 0: never expires (root). */
  ttl: number;
  issuedAt: number;
  renewable: boolean;
  namespace: string;
}

/** A policy: path globs (Vault's trailing `*`) allowed the read capability. */
export type Policy = string[];

export interface VaultCall {
  method: string;
  path: string;
  namespace: string;
  status: number;
}

/**
 * A stand-in of HashiCorp Vault's HTTP API for what kcops reads (behaviour in SPEC.md beside it): KV v2 and KV v1
 * reads, AppRole and JWT/Kubernetes login, token lookup-self and renew-self, namespaces (X-Vault-Namespace), and
 * Vault's 403 "permission denied" for a path the token's policies do not grant.
 */
export class FakeVault {
  readonly calls: VaultCall[] = [];
  /** namespace ('' = root) → mount → { version, secrets: path → versions (KV v2) or data (KV v1) } */
  private readonly mounts = new Map<string, Map<string, { version: 1 | 2; secrets: Map<string, KvVersion[]> }>>();
  private readonly tokens = new Map<string, Token>();
  readonly policies = new Map<string, Policy>();
  /** AppRole roles: role_id → { secretId, policies, ttl, renewable }. */
  readonly approles = new Map<string, { secretId: string; policies: string[]; ttl: number; renewable: boolean }>();
  /** JWT (and kubernetes) roles: role → { jwt accepted, policies, ttl }. */
  readonly jwtRoles = new Map<string, { jwt: string; policies: string[]; ttl: number; renewable: boolean }>();
  /** The clock (seconds), moved by the tests to expire tokens. */
  now = () => Math.floor(Date.now() / 1000);
  private server: Server | undefined;

  mount(path: string, version: 1 | 2, namespace = ''): void {
    let ns = this.mounts.get(namespace);
    if (!ns) this.mounts.set(namespace, (ns = new Map()));
    ns.set(path, { version, secrets: new Map() });
  }

  /** Writes a secret: a new version on KV v2, a replacement on KV v1. Returns the version number. */
  write(mount: string, path: string, data: Record<string, unknown>, namespace = ''): number {
    const m = this.mounts.get(namespace)?.get(mount);
    if (!m) throw new Error(`no mount ${mount} in namespace '${namespace}'`);
    const versions = m.secrets.get(path) ?? [];
    const v: KvVersion = { data, created: new Date().toISOString(), deletion: '', destroyed: false };
    if (m.version === 1) versions.splice(0, versions.length, v);
    else versions.push(v);
    m.secrets.set(path, versions);
    return versions.length;
  }

  deleteVersion(mount: string, path: string, version: number, namespace = ''): void {
    const v = this.mounts.get(namespace)?.get(mount)?.secrets.get(path)?.[version - 1];
    if (v) {
      v.data = null;
      v.deletion = new Date().toISOString();
    }
  }

  token(o: { policies: string[]; ttl?: number; renewable?: boolean; namespace?: string }): string {
    const id = `hvs.${randomUUID().replace(/-/g, '')}`;
    this.tokens.set(id, {
      id,
      policies: o.policies,
      ttl: o.ttl ?? 0,
      issuedAt: this.now(),
      renewable: o.renewable ?? false,
      namespace: o.namespace ?? '',
    });
    return id;
  }

  count(prefix: string): number {
    return this.calls.filter((c) => `${c.method} ${c.path}`.startsWith(prefix)).length;
  }

  /** Listens on 127.0.0.1 (HTTPS with the given server certificate, as a Vault with a private CA). */
  async start(tls?: { key: string; cert: string }): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://vault');
        const namespace = String(req.headers['x-vault-namespace'] ?? '').replace(/^\/+|\/+$/g, '');
        const path = url.pathname.replace(/^\/v1\//, '');
        const send = (status: number, body?: unknown) => {
          this.calls.push({ method: req.method ?? '', path, namespace, status });
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(body === undefined ? '' : JSON.stringify(body));
        };
        if (!url.pathname.startsWith('/v1/')) return send(404, { errors: [] });
        let body: Record<string, unknown> = {};
        try {
          if (chunks.length) body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          return send(400, { errors: ['failed to parse JSON input'] });
        }
        this.route(
          req.method ?? 'GET',
          path,
          url.searchParams,
          namespace,
          String(req.headers['x-vault-token'] ?? ''),
          body,
          send,
        );
      });
    };
    this.server = tls ? createTlsServer(tls, handler) : createServer(handler);
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `${tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections();
  }

  private envelope(extra: Record<string, unknown>) {
    return {
      request_id: randomUUID(),
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      wrap_info: null,
      warnings: null,
      auth: null,
      ...extra,
    };
  }

  private authAnswer(t: Token) {
    return this.envelope({
      auth: {
        client_token: t.id,
        accessor: randomUUID(),
        policies: ['default', ...t.policies],
        token_policies: ['default', ...t.policies],
        metadata: {},
        lease_duration: t.ttl,
        renewable: t.renewable,
        entity_id: '',
        token_type: 'service',
        orphan: true,
      },
    });
  }

  private live(id: string, namespace: string): Token | undefined {
    const t = this.tokens.get(id);
    if (!t) return undefined;
    if (t.ttl > 0 && this.now() >= t.issuedAt + t.ttl) return undefined;
    // A token belongs to the namespace it was made in (and its children); the root one sees all here.
    if (t.namespace !== '' && t.namespace !== namespace) return undefined;
    return t;
  }

  private allowed(t: Token, path: string): boolean {
    return t.policies.some((p) =>
      p === 'root'
        ? true
        : (this.policies.get(p) ?? []).some((g) => (g.endsWith('*') ? path.startsWith(g.slice(0, -1)) : g === path)),
    );
  }

  private route(
    method: string,
    path: string,
    query: URLSearchParams,
    namespace: string,
    tokenId: string,
    body: Record<string, unknown>,
    send: (status: number, body?: unknown) => void,
  ): void {
    const denied = () => send(403, { errors: ['permission denied'] });
    // Logins need no token.
    const login = /^auth\/([^/]+)\/login$/.exec(path);
    if (login && method === 'POST') {
      const mountPath = login[1]!;
      if (typeof body.role_id === 'string' || mountPath === 'approle') {
        const r = this.approles.get(String(body.role_id ?? ''));
        if (!r || r.secretId !== body.secret_id) return send(400, { errors: ['invalid role or secret ID'] });
        return send(
          200,
          this.authAnswer(
            this.tokens.get(this.token({ policies: r.policies, ttl: r.ttl, renewable: r.renewable, namespace }))!,
          ),
        );
      }
      const r = this.jwtRoles.get(String(body.role ?? ''));
      if (!r) return send(400, { errors: [`role "${String(body.role)}" could not be found`] });
      if (r.jwt !== body.jwt) return send(400, { errors: ['error validating token: invalid audience (aud) claim'] });
      return send(
        200,
        this.authAnswer(
          this.tokens.get(this.token({ policies: r.policies, ttl: r.ttl, renewable: r.renewable, namespace }))!,
        ),
      );
    }
    const t = this.live(tokenId, namespace);
    if (!t) return denied();
    if (path === 'auth/token/lookup-self' && method === 'GET') {
      const left = t.ttl === 0 ? 0 : Math.max(0, t.issuedAt + t.ttl - this.now());
      return send(
        200,
        this.envelope({
          data: {
            id: t.id,
            policies: ['default', ...t.policies],
            ttl: left,
            creation_ttl: t.ttl,
            renewable: t.renewable,
            namespace_path: namespace ? `${namespace}/` : '',
          },
        }),
      );
    }
    if (path === 'auth/token/renew-self' && method === 'POST') {
      if (!t.renewable) return send(400, { errors: ['lease is not renewable'] });
      t.issuedAt = this.now();
      return send(200, this.authAnswer(t));
    }
    if (method !== 'GET') return send(405, { errors: [] });
    const ns = this.mounts.get(namespace);
    const mountName = [...(ns?.keys() ?? [])].find((m) => path.startsWith(`${m}/`));
    if (!ns || !mountName) return this.allowed(t, path) ? send(404, { errors: [] }) : denied();
    if (!this.allowed(t, path)) return denied();
    const m = ns.get(mountName)!;
    const rest = path.slice(mountName.length + 1);
    if (m.version === 1) {
      const v = m.secrets.get(rest)?.[0];
      return v?.data ? send(200, this.envelope({ lease_duration: 2764800, data: v.data })) : send(404, { errors: [] });
    }
    if (rest.startsWith('data/')) {
      const versions = m.secrets.get(rest.slice(5));
      const n =
        query.has('version') && query.get('version') !== '0' ? Number(query.get('version')) : (versions?.length ?? 0);
      const v = versions?.[n - 1];
      if (!v) return send(404, { errors: [] });
      const metadata = {
        created_time: v.created,
        custom_metadata: null,
        deletion_time: v.deletion,
        destroyed: v.destroyed,
        version: n,
      };
      // Vault answers a deleted version with 404 and the metadata (data null), so the client can tell why.
      if (!v.data) return send(404, this.envelope({ data: { data: null, metadata } }));
      return send(200, this.envelope({ data: { data: v.data, metadata } }));
    }
    if (rest.startsWith('metadata/')) {
      const versions = m.secrets.get(rest.slice(9));
      if (!versions) return send(404, { errors: [] });
      return send(
        200,
        this.envelope({
          data: {
            current_version: versions.length,
            oldest_version: 1,
            max_versions: 0,
            versions: Object.fromEntries(
              versions.map((v, i) => [
                String(i + 1),
                { created_time: v.created, deletion_time: v.deletion, destroyed: v.destroyed },
              ]),
            ),
          },
        }),
      );
    }
    return send(404, { errors: [] });
  }
}
