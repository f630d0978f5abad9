import type { HttpRequest, HttpTransport, Method, RawResponse } from './transport.js';
import { TransportError } from './transport.js';

/**
 * The one request policy of kcops (ARCHITECTURE habit 5: every loop is bounded and says so when it gives up):
 * - 429: always safe to repeat (the server did not act); waits the Retry-After asked for, up to a ceiling, or backs
 *   off when none is given;
 * - 409 (a Connect rebalance, no leader yet): repeated when the client has a conflict budget and the caller does not
 *   take the 409 as final (an "already exists" on create is);
 * - 5xx, timeouts and broken connections: repeated only when the call is safe to repeat — idempotent by its method
 *   (GET, PUT, DELETE) or by the caller's word — because a POST that may have reached the server may have been done;
 * - a connection that never came about (refused, DNS, TLS) sent nothing: the next URL is tried at once, and the
 *   round again after a backoff while the budget lasts.
 */
export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RateLimitPolicy {
  /** Attempts including the first. */
  attempts: number;
  /** The longest Retry-After honoured; a longer ask gives up at once. */
  maxRetryAfterSeconds: number;
}

export interface RequestPolicy {
  /** 5xx, timeouts, resets (calls safe to repeat) and connections that never came about (any call). */
  server: RetryPolicy;
  rateLimit: RateLimitPolicy;
  /** 409: only Kafka Connect uses it to say "not now" (rebalance); undefined = a 409 is an answer. */
  conflict?: RetryPolicy | undefined;
}

export const DEFAULT_CONFLICT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 250, maxDelayMs: 4_000 };
export const DEFAULT_SERVER_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 500, maxDelayMs: 4_000 };
export const DEFAULT_RATE_LIMIT: RateLimitPolicy = { attempts: 6, maxRetryAfterSeconds: 60 };

export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  // Full jitter spreads the workers' retries after a rebalance instead of hitting the new leader in step.
  return Math.round(exp / 2 + (random() * exp) / 2);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const IDEMPOTENT: ReadonlySet<Method> = new Set(['GET', 'PUT', 'DELETE']);

export interface Call {
  method: Method;
  /** Path and query, appended to each base URL. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Overrides what the method says: e.g. a restart POST may be repeated, a PATCH of offsets too. */
  idempotent?: boolean;
  /**
   * The caller can tell afterwards whether a repeated call was its own (create compares the stored config): a call
   * that may have reached the server is repeated even though it is not idempotent.
   */
  repeatAfterDelivery?: boolean;
  /** A 409 the caller takes as the answer (not retried). */
  finalConflict?: (res: RawResponse) => boolean;
}

export interface Exchange {
  res: RawResponse;
  /** The base URL that answered. */
  base: string;
  /** An earlier attempt of this call failed in a way that leaves unknown whether the server acted on it. */
  maybeDelivered: boolean;
}

/** Raised when no URL answered within the budget; every URL's last failure is kept for the message. */
export class Unreachable extends Error {
  constructor(
    readonly failures: { base: string; error: TransportError }[],
    /** The call may have reached a server before the connection broke (so it was not repeated). */
    readonly maybeDelivered: boolean,
  ) {
    super(failures.map((f) => `${f.base}: ${f.error.message}`).join('; '));
    this.name = 'Unreachable';
  }
  get last(): TransportError {
    return this.failures[this.failures.length - 1]!.error;
  }
}

export interface ExchangeOptions {
  transport: HttpTransport;
  /** Base URLs, tried in order from `preferred`; the first that answers is remembered by the caller. */
  bases: string[];
  preferred?: number;
  policy: RequestPolicy;
  wait: (ms: number) => Promise<void>;
  /** Every attempt sent (for request counts). */
  onAttempt?: () => void;
  /** Every wait for a 429, in ms (for progress messages and tests). */
  onRateLimit?: (ms: number, attempt: number) => void;
}

export async function exchange(o: ExchangeOptions, call: Call): Promise<Exchange & { index: number }> {
  const { policy, bases } = o;
  const repeatable = call.idempotent ?? IDEMPOTENT.has(call.method);
  let index = o.preferred ?? 0;
  let limited = 0;
  let conflicts = 0;
  let failures = 0;
  let maybeDelivered = false;
  // URLs that failed to connect in this round: the next one is tried at once, the round again after a backoff.
  let failedThisRound = 0;
  const lastFailure = new Map<string, TransportError>();
  for (;;) {
    const base = bases[index % bases.length]!;
    let res: RawResponse;
    try {
      o.onAttempt?.();
      const req: HttpRequest = { method: call.method, url: new URL(base.replace(/\/+$/, '') + call.path) };
      if (call.body !== undefined) req.body = call.body;
      if (call.headers) req.headers = call.headers;
      res = await o.transport.send(req, { reuseConnection: repeatable });
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      lastFailure.set(base, e);
      if (e.sent) maybeDelivered = true;
      const failuresSoFar = [...lastFailure].map(([b, error]) => ({ base: b, error }));
      if (e.sent && !repeatable && !call.repeatAfterDelivery) throw new Unreachable(failuresSoFar, true);
      if (++failedThisRound < bases.length) {
        index++;
        continue;
      }
      if (++failures >= policy.server.attempts) throw new Unreachable(failuresSoFar, maybeDelivered);
      failedThisRound = 0;
      await o.wait(backoffDelay(policy.server, failures - 1));
      index = o.preferred ?? 0;
      continue;
    }
    if (res.status === 429 && ++limited < policy.rateLimit.attempts) {
      const seconds = retryAfterSeconds(res.headers['retry-after']);
      if (seconds === undefined || seconds <= policy.rateLimit.maxRetryAfterSeconds) {
        const ms = seconds === undefined ? backoffDelay(policy.server, limited - 1) : seconds * 1000;
        o.onRateLimit?.(ms, limited);
        await o.wait(ms);
        continue;
      }
    }
    if (res.status === 409 && policy.conflict && !call.finalConflict?.(res) && ++conflicts < policy.conflict.attempts) {
      await o.wait(backoffDelay(policy.conflict, conflicts - 1));
      continue;
    }
    if (res.status >= 500 && repeatable && ++failures < policy.server.attempts) {
      await o.wait(backoffDelay(policy.server, failures - 1));
      continue;
    }
    return { res, base, maybeDelivered, index: index % bases.length };
  }
}

/** Retry-After as seconds: a number, or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(v: string | string[] | undefined, now = Date.now()): number | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (s === undefined || s.trim() === '') return undefined;
  if (/^\d+$/.test(s.trim())) return Number(s.trim());
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
