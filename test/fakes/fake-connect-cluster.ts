import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * An in-memory Kafka Connect REST server: the stand-in the executor and the self-managed client are tested against
 * (the CDK's FakeCloudFormation idea). Served over real HTTP on 127.0.0.1 so the real client, its retries and its
 * error mapping are exercised too.
 *
 * Behaviour spec (each point is checked in test/unit/fakes/fake-connect-cluster.test.ts):
 * 1. Connectors live in memory. `POST /connectors {name, config, initial_state?}` creates (201) or answers 409
 *    "already exists"; `PUT /connectors/{n}/config` creates (201) or replaces (200); a `name` differing from the URL
 *    is a 400. The stored config always carries `name` (as Connect does).
 * 2. A connector is UNASSIGNED for `startDelayMs` after it is created, reconfigured, resumed or restarted; then it is
 *    in its target state. RUNNING and PAUSED connectors have `tasks.max` tasks (default 1) in the same state; STOPPED
 *    connectors have no tasks. `PUT pause|resume|stop` answer 202 and set the target.
 * 3. A task-failure rule (`failTasks`) makes the tasks of matching connectors FAILED, with a trace, once they have
 *    been running for `afterMs`; a restart or a new config starts the clock again.
 * 4. `GET /connectors?expand=status&expand=info` returns `{name: {status, info}}` for all connectors in one answer.
 * 5. Offsets: GET works on any connector; PATCH/DELETE need STOPPED (400 otherwise), as KIP-875 says.
 * 6. Faults (`inject`): the next `times` requests matching method and path get the given status (409, 500, ...), with
 *    a JSON body or a `raw` body of any content type (an HTML login page of a proxy, a truncated body), or
 *    no answer at all (`timeout`: the socket stays open until the client gives up or the server closes), or are
 *    carried out and then the connection is cut before any answer (`crash-after`: a worker dying mid-request).
 * 7. Basic auth, when `auth` is set: anything else gets 401.
 * 8. Every request is recorded in `requests` (method and path) so tests can count them.
 * 9. `GET /` answers the worker's version, commit and Kafka cluster id, as Connect does.
 * 10. Hooks (`before`): a function run once just before the next request matching method and path is handled, e.g.
 *    someone else creating a connector between a plan's snapshot and the apply's POST.
 * 11. Start failures (`failStart`): the connector itself is FAILED with the given trace (no tasks) for its next `starts`
 *    starts; each `POST /connectors/{n}/restart` is a new start.
 * 12. The kcops access extension's identity, when `identity` is set: `GET /kcops/whoami` answers it, and every answer
 *    carries it as the `Kcops-Identity` header (base64url JSON), as extensions/connect-access IdentityHeader does.
 */
export interface FakeOptions {
  startDelayMs?: number;
  auth?: { username: string; password: string };
  identity?: { principal: string; keyId?: string; admin: boolean; roles: Record<string, string> };
}

export interface Fault {
  method?: string;
  path?: RegExp;
  times: number;
  respond: Answer | 'timeout' | 'crash-after';
}

/** A JSON body, or `raw` text sent as is with `contentType` (default text/html). */
export interface Answer {
  status: number;
  body?: unknown;
  raw?: string;
  contentType?: string;
}

export interface TaskFailureRule {
  match: (name: string, config: Record<string, string>) => boolean;
  afterMs: number;
  trace: string;
}

interface FakeConnector {
  config: Record<string, string>;
  target: 'RUNNING' | 'PAUSED' | 'STOPPED';
  since: number;
  offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[];
  failStart?: { trace: string; starts: number };
}

export class FakeConnect {
  readonly connectors = new Map<string, FakeConnector>();
  readonly requests: { method: string; path: string }[] = [];
  private readonly faults: Fault[] = [];
  private readonly failures: TaskFailureRule[] = [];
  private readonly hooks: { method?: string; path?: RegExp; run: () => void }[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly startDelayMs: number;

  constructor(private readonly opts: FakeOptions = {}) {
    this.startDelayMs = opts.startDelayMs ?? 20;
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault });
  }
  failTasks(rule: TaskFailureRule): void {
    this.failures.push(rule);
  }
  failStart(name: string, trace: string, starts = 1): void {
    this.connectors.get(name)!.failStart = { trace, starts };
  }
  before(match: { method?: string; path?: RegExp }, run: () => void): void {
    this.hooks.push({ ...match, run });
  }

  /** Puts a connector in place directly (as if someone created it long ago), bypassing faults and request counts. */
  seed(name: string, config: Record<string, string>, target: FakeConnector['target'] = 'RUNNING'): void {
    this.connectors.set(name, { config: { ...config, name }, target, since: Date.now() - 60_000, offsets: [] });
  }

  status(name: string) {
    const c = this.connectors.get(name);
    if (!c) return undefined;
    const age = Date.now() - c.since;
    const starting = age < this.startDelayMs;
    if (!starting && c.failStart && c.failStart.starts > 0) {
      const type = /sink/i.test(c.config['connector.class'] ?? '') ? 'sink' : 'source';
      return {
        name,
        connector: { state: 'FAILED', worker_id: 'fake:8083', trace: c.failStart.trace },
        tasks: [],
        type,
      };
    }
    const state = starting ? 'UNASSIGNED' : c.target;
    const failure = this.failures.find((f) => f.match(name, c.config));
    const count = c.target === 'STOPPED' || starting ? 0 : Math.max(1, Number(c.config['tasks.max'] ?? '1') || 1);
    const tasks = Array.from({ length: count }, (_, id) => {
      const failed = failure && c.target === 'RUNNING' && age >= this.startDelayMs + failure.afterMs;
      return failed
        ? { id, state: 'FAILED', worker_id: 'fake:8083', trace: failure.trace }
        : { id, state: c.target, worker_id: 'fake:8083' };
    });
    const type = /sink/i.test(c.config['connector.class'] ?? '') ? 'sink' : 'source';
    return { name, connector: { state, worker_id: 'fake:8083' }, tasks, type };
  }

  handle(method: string, rawPath: string, body: unknown, authorization?: string): Answer | 'timeout' | 'crash' {
    this.requests.push({ method, path: rawPath });
    if (this.opts.auth) {
      const expected =
        'Basic ' + Buffer.from(`${this.opts.auth.username}:${this.opts.auth.password}`).toString('base64');
      if (authorization !== expected)
        return { status: 401, body: { error_code: 401, message: 'User cannot access the resource.' } };
    }
    const hook = this.hooks.findIndex((h) => (!h.method || h.method === method) && (!h.path || h.path.test(rawPath)));
    if (hook >= 0) this.hooks.splice(hook, 1)[0]!.run();
    const fault = this.faults.find(
      (f) => f.times > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(rawPath)),
    );
    if (fault) {
      fault.times--;
      if (fault.respond !== 'crash-after') return fault.respond;
      // Carried out as if no fault applied (not through handle again: that would take this fault's remaining
      // counts, or the next fault, for the same request), then the connection is cut.
      this.carryOut(method, rawPath, body);
      return 'crash';
    }
    return this.carryOut(method, rawPath, body);
  }

  /** What the worker does with a request that reached it: the routes, without auth, hooks or faults. */
  private carryOut(method: string, rawPath: string, body: unknown): Answer {
    const url = new URL(rawPath, 'http://fake');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const notFound = (n: string) => ({ status: 404, body: { error_code: 404, message: `Connector ${n} not found` } });

    if (parts.length === 0 && method === 'GET')
      return { status: 200, body: { version: '4.3.1', commit: 'fake', kafka_cluster_id: 'fake-cluster' } };
    if (parts[0] === 'connector-plugins') {
      if (method === 'GET')
        return {
          status: 200,
          body: [{ class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink', version: 'fake' }],
        };
      return { status: 200, body: { name: parts[1], error_count: 0, configs: [] } };
    }
    if (this.opts.identity && parts[0] === 'kcops' && parts[1] === 'whoami' && method === 'GET')
      return { status: 200, body: this.opts.identity };
    if (parts[0] !== 'connectors') return { status: 404, body: { error_code: 404, message: 'HTTP 404 Not Found' } };

    if (parts.length === 1 && method === 'GET') {
      const expand = url.searchParams.getAll('expand');
      if (expand.length === 0) return { status: 200, body: [...this.connectors.keys()] };
      const out: Record<string, unknown> = {};
      for (const [n, c] of this.connectors) {
        const e: Record<string, unknown> = {};
        if (expand.includes('status')) e.status = this.status(n);
        if (expand.includes('info')) e.info = { name: n, config: c.config, tasks: [], type: this.status(n)?.type };
        out[n] = e;
      }
      return { status: 200, body: out };
    }
    if (parts.length === 1 && method === 'POST') {
      const b = body as { name?: string; config?: Record<string, string>; initial_state?: string };
      if (!b?.name || !b.config) return { status: 400, body: { error_code: 400, message: 'name and config required' } };
      if (this.connectors.has(b.name))
        return { status: 409, body: { error_code: 409, message: `Connector ${b.name} already exists` } };
      const target = (b.initial_state ?? 'RUNNING') as FakeConnector['target'];
      this.connectors.set(b.name, { config: { ...b.config, name: b.name }, target, since: Date.now(), offsets: [] });
      return { status: 201, body: { name: b.name, config: b.config, tasks: [] } };
    }

    const name = parts[1]!;
    const c = this.connectors.get(name);
    const sub = parts.slice(2).join('/');
    if (sub === 'config' && method === 'PUT') {
      const cfg = body as Record<string, string>;
      if (cfg.name !== undefined && cfg.name !== name)
        return {
          status: 400,
          body: { error_code: 400, message: 'Connector name configuration must match connector name in request URL' },
        };
      this.connectors.set(name, {
        config: { ...cfg, name },
        target: c?.target ?? 'RUNNING',
        since: Date.now(),
        offsets: c?.offsets ?? [],
      });
      return { status: c ? 200 : 201, body: { name, config: cfg } };
    }
    if (!c) return notFound(name);
    switch (`${method} ${sub}`) {
      case 'GET ':
        return { status: 200, body: { name, config: c.config, tasks: [] } };
      case 'GET config':
        return { status: 200, body: c.config };
      case 'GET status':
        return { status: 200, body: this.status(name) };
      case 'DELETE ':
        this.connectors.delete(name);
        return { status: 204 };
      case 'PUT pause':
        c.target = 'PAUSED';
        return { status: 202 };
      case 'PUT resume':
        if (c.target !== 'RUNNING') c.since = Date.now();
        c.target = 'RUNNING';
        return { status: 202 };
      case 'PUT stop':
        c.target = 'STOPPED';
        return { status: 204 };
      case 'POST restart':
        c.since = Date.now();
        if (c.failStart) c.failStart.starts--;
        return { status: 204 };
      case 'GET offsets':
        return { status: 200, body: { offsets: c.offsets } };
      case 'PATCH offsets':
      case 'DELETE offsets': {
        if (c.target !== 'STOPPED')
          return {
            status: 400,
            body: {
              error_code: 400,
              message: 'Connectors must be in the STOPPED state before their offsets can be modified',
            },
          };
        c.offsets = method === 'DELETE' ? [] : ((body as { offsets: FakeConnector['offsets'] }).offsets ?? []);
        return { status: 200, body: { message: 'done' } };
      }
    }
    if (method === 'POST' && /^tasks\/\d+\/restart$/.test(sub)) {
      c.since = Date.now();
      return { status: 204 };
    }
    return { status: 405, body: { error_code: 405, message: 'HTTP 405 Method Not Allowed' } };
  }

  /** Serves on a free port of 127.0.0.1; with `tls`, over HTTPS (and with `requestCert`, mutual TLS). */
  async listen(tls?: { key: string; cert: string; ca?: string; requestCert?: boolean }): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.serve(req, res);
    this.server = tls
      ? createHttpsServer({ ...tls, rejectUnauthorized: tls.requestCert === true }, handler)
      : createServer(handler);
    this.server.on(tls ? 'secureConnection' : 'connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `${tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const out = this.handle(
      req.method ?? 'GET',
      req.url ?? '/',
      text ? JSON.parse(text) : undefined,
      req.headers.authorization,
    );
    if (out === 'timeout') return; // never answered: the client's timeout fires
    if (out === 'crash') return void req.socket.destroy();
    if (this.opts.identity)
      res.setHeader('kcops-identity', Buffer.from(JSON.stringify(this.opts.identity)).toString('base64url'));
    if (out.raw !== undefined) {
      res.writeHead(out.status, { 'content-type': out.contentType ?? 'text/html; charset=utf-8' });
      return void res.end(out.raw);
    }
    res.writeHead(out.status, { 'content-type': 'application/json' });
    res.end(out.body === undefined ? '' : JSON.stringify(out.body));
  }
}
