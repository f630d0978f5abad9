import { describeCause, isUserError } from '../../errors.js';
import type { Notification } from './alert-state.js';
import type { AlertMessage, Channel } from './channels/channel.js';

export interface Delivery {
  destination: string;
  type: string;
  action: Notification['action'];
  reason: Notification['reason'];
  alert: string;
  status: 'sent' | 'failed' | 'dry-run';
  /** Tries it took (1 when the first one went through). */
  attempts?: number;
  /** Delivered inside a digest with this many changes. */
  digest?: number;
  error?: string;
  hint?: string;
  /** With --dry-run: the request that would be sent, secrets masked. */
  request?: unknown;
}

export interface DeliveryPolicy {
  attempts: number;
  backoffMs: number;
  digest: boolean;
  dryRun: boolean;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Sends a round's notifications. Per destination: one digest message holding every change when the channel is read by
 * people (email, Slack, Teams) and there is more than one, else one message per change (PagerDuty and Opsgenie key
 * each incident by its own dedup key/alias). Each send is tried `attempts` times with a doubling pause; destinations
 * are served side by side, so a dead one does not delay the others. Nothing here throws: a failure is a Delivery.
 */
export async function deliver(
  planned: Notification[],
  channels: Channel[],
  message: (n: Notification) => AlertMessage,
  p: DeliveryPolicy,
): Promise<{ deliveries: Delivery[]; delivered: Notification[] }> {
  const sleep = p.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const byDestination = new Map<string, Notification[]>();
  for (const n of planned) byDestination.set(n.destination, [...(byDestination.get(n.destination) ?? []), n]);
  const results = await Promise.all(
    [...byDestination].map(async ([name, ns]) => {
      const ch = channels.find((c) => c.name === name);
      if (!ch) return [];
      const base = (n: Notification) => ({
        destination: ch.name,
        type: ch.type,
        action: n.action,
        reason: n.reason,
        alert: n.alert.key,
      });
      const useDigest = p.digest && ns.length > 1 && ch.sendDigest !== undefined;
      if (p.dryRun) {
        if (useDigest) {
          const request = ch.previewDigest?.(ns.map(message));
          return ns.map((n) => ({ ...base(n), status: 'dry-run' as const, digest: ns.length, request }));
        }
        return ns.map((n) => ({ ...base(n), status: 'dry-run' as const, request: ch.preview(message(n)) }));
      }
      if (useDigest) {
        const r = await withRetries(() => ch.sendDigest!(ns.map(message)), p, sleep);
        return ns.map((n) => ({ ...base(n), ...r, digest: ns.length }));
      }
      const out: Delivery[] = [];
      for (const n of ns) out.push({ ...base(n), ...(await withRetries(() => ch.send(message(n)), p, sleep)) });
      return out;
    }),
  );
  const deliveries = results.flat();
  const delivered = planned.filter((n) =>
    deliveries.some(
      (d) => d.status === 'sent' && d.destination === n.destination && d.alert === n.alert.key && d.action === n.action,
    ),
  );
  return { deliveries, delivered };
}

async function withRetries(
  send: () => Promise<void>,
  p: DeliveryPolicy,
  sleep: (ms: number) => Promise<void>,
): Promise<Pick<Delivery, 'status' | 'attempts' | 'error' | 'hint'>> {
  let last: unknown;
  for (let attempt = 1; attempt <= p.attempts; attempt++) {
    try {
      await send();
      return { status: 'sent', attempts: attempt };
    } catch (e) {
      last = e;
      if (attempt < p.attempts) await sleep(p.backoffMs * 2 ** (attempt - 1));
    }
  }
  return {
    status: 'failed',
    attempts: p.attempts,
    error: describeCause(last),
    ...(isUserError(last) && last.hint ? { hint: last.hint } : {}),
  };
}
