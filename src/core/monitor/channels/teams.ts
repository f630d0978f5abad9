import type { TeamsDestination } from '../alert-config.js';
import { postWebhook } from './post-json.js';
import {
  digestHeadline,
  facts,
  headline,
  MASK,
  nextStep,
  type AlertMessage,
  type Channel,
  type ResolveSecret,
} from './channel.js';

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

/** A digest as an Adaptive Card: a title, then each change's card body in turn. */
export function adaptiveDigestBody(ms: AlertMessage[]): unknown {
  const one = (m: AlertMessage) => adaptiveCardBody(m) as { attachments: { content: { body: unknown[] } }[] };
  const body: unknown[] = [
    { type: 'TextBlock', text: digestHeadline(ms), weight: 'Bolder', size: 'Large', wrap: true },
    ...ms.flatMap((m) => one(m).attachments[0]?.content.body ?? []),
  ];
  const card = one(ms[0] as AlertMessage);
  const attachment = card.attachments[0] as { content: { body: unknown[] } };
  return { ...card, attachments: [{ ...attachment, content: { ...attachment.content, body } }] };
}

/** A digest as a MessageCard: one section per change. */
export function messageCardDigestBody(ms: AlertMessage[]): unknown {
  const sections = ms.map((m) => {
    const s = (messageCardBody(m) as { sections: object[] }).sections[0];
    return { activityTitle: headline(m), ...s };
  });
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    summary: digestHeadline(ms),
    themeColor: ms.some((m) => m.action === 'trigger') ? 'D70000' : '2EB886',
    title: digestHeadline(ms),
    sections,
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
  const digest = (ms: AlertMessage[]) =>
    d.format === 'message-card' ? messageCardDigestBody(ms) : adaptiveDigestBody(ms);
  const post = (b: unknown) => postWebhook(secret(d.webhookUrl), b, label, hint);
  return {
    name,
    type: 'teams',
    preview: (m) => ({ url: MASK, body: body(m) }),
    previewDigest: (ms) => ({ url: MASK, body: digest(ms) }),
    send: (m) => post(body(m)),
    sendDigest: (ms) => post(digest(ms)),
  };
}
