import { UserError } from '../../../errors.js';
import { HttpTransport, TransportError } from '../../../connect/http/transport.js';
import { exchange, sleep, Unreachable, type RequestPolicy } from '../../../connect/http/policy.js';

export interface PostResult {
  status: number;
  body: string;
}

/**
 * Alert deliveries on the shared request policy, tuned so that one slow destination cannot hold up a monitor round:
 * a 429 is waited out once if the destination asks for at most 10 s, a connection that never came about is tried
 * again, and a POST that may have arrived is never repeated (a second page or Slack message is worse than a late one;
 * the next round resends what failed).
 */
const DELIVERY: RequestPolicy = {
  server: { attempts: 2, baseDelayMs: 500, maxDelayMs: 1_000 },
  rateLimit: { attempts: 2, maxRetryAfterSeconds: 10 },
};

/**
 * POSTs JSON to a webhook or an API. Errors never carry the URL (for webhooks the URL is the credential) nor the
 * headers (an API key travels in one).
 * `label` names the destination ("slack destination 'team'"); `hint` says what to check.
 */
export async function postJson(
  url: string,
  body: unknown,
  label: string,
  hint: string,
  headers: Record<string, string> = {},
): Promise<PostResult> {
  const u = new URL(url);
  const transport = new HttpTransport({ timeoutMs: 10_000 });
  try {
    const { res } = await exchange(
      { transport, bases: [u.origin], policy: DELIVERY, wait: sleep },
      { method: 'POST', path: `${u.pathname}${u.search}`, body, headers },
    );
    return { status: res.status, body: res.text };
  } catch (e) {
    const t = e instanceof Unreachable ? e.last : e instanceof TransportError ? e : undefined;
    if (!t) throw e;
    throw new UserError('ALERT_SEND_FAILED', `${label}: the request did not get an answer (${t.errno ?? t.kind}).`, {
      hint,
    });
  } finally {
    transport.close();
  }
}

/** A webhook delivery (Slack, Teams): any answer outside 2xx is a failed delivery with the destination's hint. */
export async function postWebhook(url: string, body: unknown, label: string, hint: string): Promise<void> {
  const r = await postJson(url, body, label, hint);
  if (r.status < 200 || r.status > 299)
    throw new UserError('ALERT_SEND_FAILED', `${label}: HTTP ${r.status} ${excerpt(r.body)}`.trim(), { hint });
}

/** A short, single-line excerpt of an answer for an error message. */
export function excerpt(body: string): string {
  const one = body.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 200)}…` : one;
}
