import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/**
 * Stand-ins for the services `kcops alerts check` talks to, strict about the request shapes their vendors document:
 * 1. Slack incoming webhook: POST JSON with a non-empty `text` and/or a `blocks` array → 200 "ok"; anything else →
 *    400 "invalid_payload" (Slack's answer).
 * 2. Teams webhook: POST JSON that is either a Workflows message (`type: "message"`, `attachments` with
 *    contentType application/vnd.microsoft.card.adaptive and an AdaptiveCard `content`) or a legacy MessageCard
 *    (`@type: "MessageCard"` with `summary` or `text`) → 202; otherwise 400.
 * 3. PagerDuty Events API v2 (POST /v2/enqueue): routing_key of 32 characters, event_action trigger|acknowledge|
 *    resolve, dedup_key required for acknowledge/resolve, and for trigger a payload with summary (≤1024), source and
 *    severity critical|error|warning|info → 202 {status:"success", message:"Event processed", dedup_key}; otherwise
 *    400 {status:"invalid event", message:"Event object is invalid", errors:[...]}.
 * 4. Opsgenie Alert API v2 (docs.opsgenie.com, "Alert API"): `Authorization: GenieKey <key>` (else 401 "Could not
 *    authenticate"); POST /v2/alerts with `message` (1–130 characters) and, when present, alias ≤ 512, description
 *    ≤ 15000, entity ≤ 512, source ≤ 100, tags (≤ 20, each ≤ 50), details a map of strings, priority P1–P5,
 *    responders `{type: team|user|escalation|schedule, name|id|username}`; POST /v2/alerts/{id}/close with
 *    `identifierType` id|tiny|alias (default id). Valid requests → 202 {result: "Request will be processed", took,
 *    requestId} (processing is asynchronous, so closing an unknown alias is accepted too); invalid → 422
 *    {message: "Request body is not processable", errors: {...}}. Open alerts are kept by alias, a repeated create
 *    with an open alias adds to its count, as Opsgenie de-duplicates.
 * 5. `down = true` makes a receiver answer 500 (Slack/Teams) or 503 (PagerDuty, Opsgenie) without looking at the
 *    request.
 * Every accepted request is kept in `received`.
 */
abstract class JsonReceiver {
  readonly received: unknown[] = [];
  down = false;
  private server: Server | undefined;

  async listen(path = '/'): Promise<string> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const answer =
      req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/json')
        ? { status: 400, body: 'invalid_payload' }
        : this.down
          ? { status: this.downStatus, body: 'unavailable' }
          : this.answer(body, req.url ?? '/', req.headers);
    if (answer.status < 300) this.received.push(body);
    res.writeHead(answer.status, {
      'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
    });
    res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  }

  protected downStatus = 500;
  protected abstract answer(
    body: unknown,
    path: string,
    headers: IncomingMessage['headers'],
  ): { status: number; body: unknown };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export class FakeSlack extends JsonReceiver {
  protected answer(b: unknown) {
    const ok =
      isObject(b) &&
      ((typeof b.text === 'string' && b.text.length > 0) || (Array.isArray(b.blocks) && b.blocks.length > 0)) &&
      (b.blocks === undefined ||
        (Array.isArray(b.blocks) && b.blocks.every((x) => isObject(x) && typeof x.type === 'string')));
    return ok ? { status: 200, body: 'ok' } : { status: 400, body: 'invalid_payload' };
  }
}

export class FakeTeams extends JsonReceiver {
  protected answer(b: unknown) {
    const adaptive =
      isObject(b) &&
      b.type === 'message' &&
      Array.isArray(b.attachments) &&
      b.attachments.length > 0 &&
      b.attachments.every(
        (a) =>
          isObject(a) &&
          a.contentType === 'application/vnd.microsoft.card.adaptive' &&
          isObject(a.content) &&
          a.content.type === 'AdaptiveCard' &&
          typeof a.content.version === 'string' &&
          Array.isArray(a.content.body),
      );
    const messageCard =
      isObject(b) && b['@type'] === 'MessageCard' && (typeof b.summary === 'string' || typeof b.text === 'string');
    return adaptive || messageCard ? { status: 202, body: '' } : { status: 400, body: 'Bad payload' };
  }
}

export class FakePagerDuty extends JsonReceiver {
  protected override downStatus = 503;
  protected answer(b: unknown, path: string) {
    const errors: string[] = [];
    if (path !== '/v2/enqueue') return { status: 404, body: { status: 'not found' } };
    if (!isObject(b)) errors.push('Event object is invalid');
    else {
      if (typeof b.routing_key !== 'string' || b.routing_key.length !== 32) errors.push("'routing_key' is invalid");
      if (!['trigger', 'acknowledge', 'resolve'].includes(String(b.event_action)))
        errors.push("'event_action' is invalid");
      if (b.event_action !== 'trigger' && typeof b.dedup_key !== 'string') errors.push("'dedup_key' is missing");
      if (b.event_action === 'trigger') {
        const p = b.payload;
        if (!isObject(p)) errors.push("'payload' is missing");
        else {
          if (typeof p.summary !== 'string' || p.summary.length === 0 || p.summary.length > 1024)
            errors.push("'payload.summary' is invalid");
          if (typeof p.source !== 'string' || p.source.length === 0) errors.push("'payload.source' is missing");
          if (!['critical', 'error', 'warning', 'info'].includes(String(p.severity)))
            errors.push("'payload.severity' is invalid");
        }
      }
    }
    if (errors.length)
      return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } };
    const dedup = (b as Json).dedup_key ?? 'generated-by-fake';
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: dedup } };
  }
}

export class FakeOpsgenie extends JsonReceiver {
  readonly key: string;
  /** Open alerts by alias, with how many creates de-duplicated into each. */
  readonly open = new Map<string, { count: number; body: Json }>();
  protected override downStatus = 503;

  constructor(key: string) {
    super();
    this.key = key;
  }

  protected answer(b: unknown, path: string, headers: IncomingMessage['headers']) {
    const took = 0.01;
    const requestId = `req-${this.received.length + 1}`;
    if (headers.authorization !== `GenieKey ${this.key}`)
      return { status: 401, body: { message: 'Could not authenticate', took, requestId } };
    const url = new URL(path, 'http://x');
    const errors: Record<string, string> = {};
    const str = (v: unknown, max: number, field: string, required = false) => {
      if (v === undefined && !required) return;
      if (typeof v !== 'string' || v.length === 0 || v.length > max)
        errors[field] = `${field} must be a non-empty string of at most ${max} characters`;
    };
    if (!isObject(b)) return { status: 422, body: { message: 'Request body is not processable', took, requestId } };
    const close = /^\/v2\/alerts\/([^/]+)\/close$/.exec(url.pathname);
    if (url.pathname === '/v2/alerts') {
      str(b.message, 130, 'message', true);
      str(b.alias, 512, 'alias');
      str(b.description, 15_000, 'description');
      str(b.entity, 512, 'entity');
      str(b.source, 100, 'source');
      if (b.priority !== undefined && !['P1', 'P2', 'P3', 'P4', 'P5'].includes(String(b.priority)))
        errors.priority = 'priority must be one of P1, P2, P3, P4, P5';
      if (
        b.tags !== undefined &&
        !(
          Array.isArray(b.tags) &&
          b.tags.length <= 20 &&
          b.tags.every((t) => typeof t === 'string' && t.length > 0 && t.length <= 50)
        )
      )
        errors.tags = 'tags must be at most 20 strings of at most 50 characters';
      if (
        b.details !== undefined &&
        !(isObject(b.details) && Object.values(b.details).every((v) => typeof v === 'string'))
      )
        errors.details = 'details must be a map of strings';
      if (
        b.responders !== undefined &&
        !(
          Array.isArray(b.responders) &&
          b.responders.every(
            (r) =>
              isObject(r) &&
              ['team', 'user', 'escalation', 'schedule'].includes(String(r.type)) &&
              (typeof r.name === 'string' || typeof r.id === 'string' || typeof r.username === 'string'),
          )
        )
      )
        errors.responders = 'responders must be {type, name|id|username} objects';
      const unknown = Object.keys(b).filter(
        (k) =>
          ![
            'message',
            'alias',
            'description',
            'responders',
            'visibleTo',
            'actions',
            'tags',
            'details',
            'entity',
            'source',
            'priority',
            'user',
            'note',
          ].includes(k),
      );
      if (unknown.length) errors.body = `unknown fields: ${unknown.join(', ')}`;
      if (Object.keys(errors).length)
        return { status: 422, body: { message: 'Request body is not processable', errors, took, requestId } };
      const alias = typeof b.alias === 'string' ? b.alias : String(b.message);
      const was = this.open.get(alias);
      this.open.set(alias, { count: (was?.count ?? 0) + 1, body: b });
    } else if (close) {
      const type = url.searchParams.get('identifierType') ?? 'id';
      if (!['id', 'tiny', 'alias'].includes(type))
        return { status: 422, body: { message: 'identifierType is not valid', took, requestId } };
      str(b.source, 100, 'source');
      str(b.note, 25_000, 'note');
      str(b.user, 100, 'user');
      if (Object.keys(errors).length)
        return { status: 422, body: { message: 'Request body is not processable', errors, took, requestId } };
      if (type === 'alias') this.open.delete(decodeURIComponent(close[1]!));
    } else return { status: 404, body: { message: 'Not found', took, requestId } };
    return { status: 202, body: { result: 'Request will be processed', took, requestId } };
  }
}

/** A real SMTP server (smtp-server) on a free port; every accepted mail is parsed with mailparser. */
export class FakeSmtp {
  readonly mails: ParsedMail[] = [];
  readonly logins: { username: string; password: string }[] = [];
  private readonly server: SMTPServer;

  constructor(auth?: { username: string; password: string }) {
    this.server = new SMTPServer({
      disabledCommands: ['STARTTLS', ...(auth ? [] : ['AUTH'])],
      allowInsecureAuth: true,
      authOptional: !auth,
      logger: false,
      onAuth: (a, _session, cb) => {
        this.logins.push({ username: a.username ?? '', password: a.password ?? '' });
        if (auth && a.username === auth.username && a.password === auth.password) cb(null, { user: a.username });
        else cb(new Error('Invalid username or password'));
      },
      onData: (stream, _session, cb) => {
        simpleParser(stream)
          .then((m) => {
            this.mails.push(m);
            cb();
          })
          .catch((e: Error) => cb(e));
      },
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
