import { UserError } from '../../../errors.js';
import type { PagerDutyDestination } from '../alert-config.js';
import { excerpt, postJson } from './post-json.js';
import { MASK, type AlertMessage, type Channel, type ResolveSecret } from './channel.js';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/**
 * One dedup_key per environment and connector (or task): a later trigger joins the open incident instead of opening
 * another, and a resolve with the same key closes it.
 */
export function dedupKey(env: string, alertKey: string): string {
  return `kcops/${env}/${alertKey}`.slice(0, 255);
}

/** An Events API v2 event; a resolve needs only the routing key, the action and the dedup key. */
export function pagerdutyEvent(
  m: AlertMessage,
  routingKey: string,
  severity: NonNullable<PagerDutyDestination['severity']>,
): Record<string, unknown> {
  const base = { routing_key: routingKey, dedup_key: dedupKey(m.env, m.alert.key) };
  if (m.action === 'resolve') return { ...base, event_action: 'resolve' };
  return {
    ...base,
    event_action: 'trigger',
    payload: {
      summary: m.alert.summary.slice(0, 1024),
      source: m.cluster,
      severity,
      timestamp: m.at,
      component: m.alert.connector,
      group: m.env,
      class: m.alert.kind,
      custom_details: {
        environment: m.env,
        connector: m.alert.connector,
        ...(m.alert.task !== undefined ? { task: m.alert.task } : {}),
        ...(m.alert.workerId ? { worker: m.alert.workerId } : {}),
        ...(m.alert.trace ? { trace: m.alert.trace } : {}),
      },
    },
  };
}

export function pagerdutyChannel(d: PagerDutyDestination, name: string, secret: ResolveSecret): Channel {
  const label = `pagerduty destination '${name}'`;
  const endpoint = d.endpoint ?? PAGERDUTY_EVENTS_URL;
  // The destination's severity, when set, wins over the rule's (a low-urgency service stays low).
  const severity = (m: AlertMessage) => d.severity ?? m.alert.severity ?? 'critical';
  const reach = `Check that this machine reaches ${new URL(endpoint).host} (HTTPS, port 443).`;
  return {
    name,
    type: 'pagerduty',
    preview: (m) => ({ url: endpoint, body: pagerdutyEvent(m, MASK, severity(m)) }),
    async send(m) {
      const r = await postJson(endpoint, pagerdutyEvent(m, secret(d.routingKey), severity(m)), label, reach);
      if (r.status >= 200 && r.status <= 299) return;
      const hint =
        r.status === 400
          ? `PagerDuty refused the event: check that ${d.routingKey} holds the 32-character Integration Key of an Events API v2 integration.`
          : r.status === 429
            ? 'PagerDuty is rate-limiting this integration key; the next run sends what was not delivered.'
            : `PagerDuty answered ${r.status}; the next run tries again. ${reach}`;
      throw new UserError('ALERT_SEND_FAILED', `${label}: HTTP ${r.status} ${excerpt(r.body)}`.trim(), { hint });
    },
  };
}
