import { UserError } from '../../../errors.js';

export interface PostResult {
  status: number;
  body: string;
}

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
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    throw new UserError('ALERT_SEND_FAILED', `${label}: the request did not get an answer (${cause}).`, { hint });
  }
  const text = await res.text().catch(() => '');
  return { status: res.status, body: text };
}

/** A short, single-line excerpt of an answer for an error message. */
export function excerpt(body: string): string {
  const one = body.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 200)}…` : one;
}
