import type { SlackDestination } from '../alert-config.js';
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

/** Slack incoming webhook: `text` (the notification line) and `blocks` (the formatted message). */
export function slackBody(m: AlertMessage): { text: string; blocks: unknown[] } {
  const title = `${m.action === 'trigger' ? ':rotating_light:' : ':white_check_mark:'} ${headline(m)}`;
  const lines = facts(m).map(([k, v]) => `*${k}:* ${escape(v)}`);
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${escape(title)}*\n${lines.join('\n')}` } },
  ];
  // A section's text holds at most 3000 characters.
  if (m.action === 'trigger' && m.alert.trace)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: '```' + escape(m.alert.trace).slice(0, 2900) + '```' },
    });
  const next = nextStep(m);
  if (next) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Next: \`${escape(next)}\`` }] });
  return { text: escape(title), blocks };
}

/** Several changes in one message: a header, then one section per change (Slack allows 50 blocks). */
export function slackDigestBody(ms: AlertMessage[]): { text: string; blocks: unknown[] } {
  const title = escape(digestHeadline(ms));
  const shown = ms.slice(0, 48);
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: `*${title}*` } }];
  for (const m of shown) {
    const icon = m.action === 'trigger' ? ':rotating_light:' : ':white_check_mark:';
    const detail =
      m.action === 'trigger' && m.alert.trace ? '\n```' + escape(m.alert.trace).slice(0, 1500) + '```' : '';
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${icon} ${escape(headline(m))}${detail}` } });
  }
  if (ms.length > shown.length)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${ms.length - shown.length} more: \`kcops alerts check -o json\`` }],
    });
  return { text: title, blocks };
}

/** Slack mrkdwn treats &, < and > as control characters. */
function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackChannel(d: SlackDestination, name: string, secret: ResolveSecret): Channel {
  const label = `slack destination '${name}'`;
  const hint = `Check that the webhook URL behind ${d.webhookUrl} is still active (Slack answers 403/404 for a revoked one) and that this machine reaches it.`;
  const post = (body: unknown) => postWebhook(secret(d.webhookUrl), body, label, hint);
  return {
    name,
    type: 'slack',
    preview: (m) => ({ url: MASK, body: slackBody(m) }),
    previewDigest: (ms) => ({ url: MASK, body: slackDigestBody(ms) }),
    send: (m) => post(slackBody(m)),
    sendDigest: (ms) => post(slackDigestBody(ms)),
  };
}
