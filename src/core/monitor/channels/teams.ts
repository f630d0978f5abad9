import { UserError } from '../../../errors.js';
import type { TeamsDestination } from '../alert-config.js';
import { excerpt, postJson } from './post-json.js';
import { facts, headline, MASK, nextStep, type AlertMessage, type Channel, type ResolveSecret } from './channel.js';

/** What a Teams Workflows webhook takes: a message with one Adaptive Card attachment. */
export function adaptiveCardBody(m: AlertMessage): unknown {
  const body: unknown[] = [
    {
      type: 'TextBlock',
      text: headline(m),
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
      color: m.action === 'trigger' ? 'Attention' : 'Good',
    },
    { type: 'FactSet', facts: facts(m).map(([title, value]) => ({ title, value })) },
  ];
  if (m.action === 'trigger' && m.alert.trace)
    body.push({ type: 'TextBlock', text: m.alert.trace, wrap: true, fontType: 'Monospace', size: 'Small' });
  const next = nextStep(m);
  if (next) body.push({ type: 'TextBlock', text: `Next: ${next}`, wrap: true, isSubtle: true });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
        },
      },
    ],
  };
}

/** What an Office 365 connector ("Incoming Webhook") takes: a legacy MessageCard. */
export function messageCardBody(m: AlertMessage): unknown {
  const trace = m.action === 'trigger' && m.alert.trace ? `<pre>${html(m.alert.trace)}</pre>` : undefined;
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    summary: headline(m),
    themeColor: m.action === 'trigger' ? 'D70000' : '2EB886',
    title: headline(m),
    sections: [
      {
        facts: facts(m).map(([name, value]) => ({ name, value })),
        ...(trace ? { text: trace } : {}),
      },
    ],
  };
}

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function teamsChannel(d: TeamsDestination, name: string, secret: ResolveSecret): Channel {
  const label = `teams destination '${name}'`;
  const hint = `Check that the webhook URL behind ${d.webhookUrl} still exists (Workflows: the flow is on; Office 365 connectors are being retired) and that \`format\` matches its kind.`;
  const body = (m: AlertMessage) => (d.format === 'message-card' ? messageCardBody(m) : adaptiveCardBody(m));
  return {
    name,
    type: 'teams',
    preview: (m) => ({ url: MASK, body: body(m) }),
    async send(m) {
      const r = await postJson(secret(d.webhookUrl), body(m), label, hint);
      if (r.status < 200 || r.status > 299)
        throw new UserError('ALERT_SEND_FAILED', `${label}: HTTP ${r.status} ${excerpt(r.body)}`.trim(), { hint });
    },
  };
}
