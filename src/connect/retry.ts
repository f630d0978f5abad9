/**
 * Bounded retry with exponential backoff and jitter (ARCHITECTURE habit 5: every loop is bounded and says so when it
 * gives up). Shared by the backends; the caller decides what is retryable.
 */
export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_CONFLICT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 250, maxDelayMs: 4_000 };
export const DEFAULT_SERVER_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 500, maxDelayMs: 4_000 };

export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  // Full jitter spreads the workers' retries after a rebalance instead of hitting the new leader in step.
  return Math.round(exp / 2 + (random() * exp) / 2);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
