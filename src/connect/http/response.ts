import type { z } from 'zod';
import { UserError } from '../../errors.js';
import { safeUrl, type Method, type RawResponse } from './transport.js';

/**
 * Every body kcops acts on is checked against the shape its endpoint returns. A 200 that is an HTML login page of a
 * proxy, a truncated body, `[]` where a map is due, or `null` entries must stop the command before anything is
 * changed: taken at face value, an empty or garbled snapshot makes apply create what exists and roll back by deleting
 * it.
 */
export interface Where {
  method: Method;
  url: URL | string;
  /** Who answered, for the message: "Kafka Connect", "Confluent Cloud". */
  service: string;
}

export function parseBody<S extends z.ZodType>(res: RawResponse, schema: S, where: Where): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    // Not the parser's message: it quotes the body unescaped and unmasked.
    throw badResponse(res, where, res.text.length === 0 ? 'an empty body' : 'not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length > 0 ? `at ${issue.path.map(String).join('.')}: ` : '';
    throw badResponse(res, where, `not the shape this endpoint returns (${at}${issue.message})`);
  }
  return parsed.data;
}

/** The body of an error answer, for its message: JSON when it is JSON, else the text. */
export function lenientBody(res: RawResponse): unknown {
  if (res.text.length === 0) return undefined;
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    return res.text;
  }
}

/** A 404 that is the service's own (a JSON object), not a proxy's page: only then does "not found" mean absent. */
export function isServiceNotFound(res: RawResponse): boolean {
  const b = lenientBody(res);
  return res.status === 404 && b !== null && typeof b === 'object' && !Array.isArray(b);
}

export function badResponse(res: RawResponse, where: Where, what: string): UserError {
  const type = res.contentType || 'no content type';
  return new UserError(
    'CONNECT_BAD_RESPONSE',
    `${where.service} answered ${where.method} ${safeUrl(where.url)} with ${res.status} (${type}), but ${what}; it begins ${snippet(res.text)}. Nothing was changed.`,
    {
      hint: `Something other than ${where.service} may be answering at that address (a proxy login page, a load balancer, a gateway cutting the body short). Check the URL in kcops.yaml and ask it by hand, e.g. \`curl -si ${safeUrl(where.url)}\`.`,
    },
  );
}

const SNIPPET_BYTES = 80;
const SECRET_KEY = /((?:password|passwd|secret|token|credential|api[._-]?key|private[._-]?key)[^"]*"\s*:\s*)"[^"]*"?/gi;

/**
 * The first bytes of a body, quoted, with control characters escaped (a body cannot move the cursor of the terminal)
 * and the value of any secret-looking key masked (a truncated config may begin with a password).
 */
export function snippet(text: string): string {
  if (text.length === 0) return '(nothing)';
  const head = Buffer.from(text, 'utf8')
    .subarray(0, SNIPPET_BYTES)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  const masked = head.replace(SECRET_KEY, '$1"****"');
  const escaped = JSON.stringify(masked).slice(1, -1);
  // JSON.stringify leaves C1 controls and bidi overrides alone; they can still spoof a terminal.
  const safe = escaped.replace(
    /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${safe}"${Buffer.byteLength(text, 'utf8') > SNIPPET_BYTES ? '…' : ''}`;
}
