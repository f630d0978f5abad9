import { UserError } from '../../../errors.js';
import type { OpsgenieDestination } from '../alert-config.js';
import { facts, headline, MASK, nextStep, type AlertMessage, type Channel, type ResolveSecret } from './channel.js';
import { excerpt, postJson } from './post-json.js';

/** Opsgenie's two API hosts; an account lives in one region and its keys work only there. */
export const OPSGENIE_API = { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' } as const;

/**
 * The alias is Opsgenie's de-duplication key: one open alert per alias, so a repeated trigger adds to the open alert's
 * count instead of paging again, and the close names the same alias. Opsgenie allows 512 characters.
 */
export function opsgenieAlias(env: string, alertKey: string): string {
  return `kcops/${env}/${alertKey}`.slice(0, 512);
}

/** Create-alert body of the Alert API v2 (POST /v2/alerts), within the documented field limits. */
export function opsgenieCreate(
  m: AlertMessage,
  d: Pick<OpsgenieDestination, 'priority' | 'responders'>,
): Record<string, unknown> {
  const description = [
    ...facts(m).map(([k, v]) => `${k}: ${v}`),
    ...(m.alert.trace ? ['', m.alert.trace] : []),
    '',
    nextStep(m),
  ].join('\n');
  return {
    message: headline(m).slice(0, 130),
    alias: opsgenieAlias(m.env, m.alert.key),
    description: description.slice(0, 15_000),
    // details: a map of strings only (Opsgenie rejects other value types).
    details: Object.fromEntries(
      facts(m)
        .filter(([k]) => k !== 'Time')
        .map(([k, v]) => [k.toLowerCase(), v.slice(0, 1_000)]),
    ),
    entity: m.alert.connector.slice(0, 512),
    source: 'kcops',
    tags: ['kcops', m.env, m.alert.kind].map((t) => t.slice(0, 50)),
    priority: d.priority ?? 'P3',
    ...(d.responders?.length ? { responders: d.responders.map((name) => ({ type: 'team', name })) } : {}),
  };
}

export function opsgenieChannel(d: OpsgenieDestination, name: string, secret: ResolveSecret): Channel {
  const label = `opsgenie destination '${name}'`;
  const base = (d.endpoint ?? OPSGENIE_API[d.region ?? 'us']).replace(/\/+$/, '');
  const reach = `Check that this machine reaches ${new URL(base).host} (HTTPS, port 443).`;
  const request = (m: AlertMessage) =>
    m.action === 'resolve'
      ? {
          url: `${base}/v2/alerts/${encodeURIComponent(opsgenieAlias(m.env, m.alert.key))}/close?identifierType=alias`,
          body: { source: 'kcops', note: headline(m) },
        }
      : { url: `${base}/v2/alerts`, body: opsgenieCreate(m, d) };
  return {
    name,
    type: 'opsgenie',
    preview: (m) => ({ ...request(m), headers: { authorization: `GenieKey ${MASK}` } }),
    async send(m) {
      const { url, body } = request(m);
      const r = await postJson(url, body, label, reach, { authorization: `GenieKey ${secret(d.apiKey)}` });
      // 202: accepted for asynchronous processing (Opsgenie answers every alert request this way).
      if (r.status >= 200 && r.status <= 299) return;
      const hint =
        r.status === 401 || r.status === 403
          ? `Opsgenie refused the key behind ${d.apiKey}: use the API key of an API integration (not an account key from API Key Management), from the account's region (${d.region ?? 'us'}).`
          : r.status === 422 || r.status === 400
            ? 'Opsgenie could not process the alert; the answer above says which field. Report it with the output of `kcops alerts check --dry-run -o json`.'
            : r.status === 429
              ? 'Opsgenie is rate-limiting this account; the next run sends what was not delivered.'
              : `Opsgenie answered ${r.status}; the next run tries again. ${reach}`;
      throw new UserError('ALERT_SEND_FAILED', `${label}: HTTP ${r.status} ${excerpt(r.body)}`.trim(), { hint });
    },
  };
}
