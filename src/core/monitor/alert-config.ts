import { z } from 'zod';
import { durationPattern, DURATION_UNITS, parseDuration } from '../duration.js';
import { secretReference } from '../project/schema.js';

const duration = z.string().regex(durationPattern(DURATION_UNITS), 'a duration such as 90s, 10m, 4h or 1d');

/** Every destination may carry a name, so two of one type (two Slack channels) can be told apart in messages. */
const named = { name: z.string().min(1).optional().describe('how messages and errors name it; default: its type') };

export const emailDestination = z.strictObject({
  type: z.literal('email'),
  ...named,
  host: z.string().min(1),
  port: z.int().min(1).max(65535).optional().describe('default 587, or 465 with secure: true'),
  secure: z.boolean().optional().describe('TLS from the first byte (port 465); otherwise STARTTLS when offered'),
  requireTLS: z.boolean().optional().describe('refuse to send unless STARTTLS succeeds'),
  from: z.string().min(1),
  to: z.array(z.string().min(1)).min(1),
  auth: z.strictObject({ username: z.string().min(1), password: secretReference }).optional(),
});

export const slackDestination = z.strictObject({
  type: z.literal('slack'),
  ...named,
  webhookUrl: secretReference.describe('the incoming webhook URL (it is the credential)'),
});

export const teamsDestination = z.strictObject({
  type: z.literal('teams'),
  ...named,
  webhookUrl: secretReference.describe('the incoming webhook URL (it is the credential)'),
  format: z
    .enum(['adaptive-card', 'message-card'])
    .optional()
    .describe('adaptive-card for Workflows webhooks (default), message-card for Office 365 connector webhooks'),
});

export const pagerdutyDestination = z.strictObject({
  type: z.literal('pagerduty'),
  ...named,
  routingKey: secretReference.describe('the Events API v2 integration key of the service'),
  severity: z.enum(['critical', 'error', 'warning', 'info']).optional().describe('default critical'),
  endpoint: z.url().optional().describe('default https://events.pagerduty.com/v2/enqueue; for EU or stand-ins'),
});

export const opsgenieDestination = z.strictObject({
  type: z.literal('opsgenie'),
  ...named,
  apiKey: secretReference.describe("the API key of an Opsgenie API integration (sent as 'Authorization: GenieKey')"),
  region: z.enum(['us', 'eu']).optional().describe('us: api.opsgenie.com (default), eu: api.eu.opsgenie.com'),
  priority: z.enum(['P1', 'P2', 'P3', 'P4', 'P5']).optional().describe("the alerts' priority; default P3 (Opsgenie's)"),
  responders: z
    .array(z.string().min(1))
    .max(50)
    .optional()
    .describe('team names that get the alert (the integration may route it too)'),
  endpoint: z.url().optional().describe('overrides the region: a proxy or a stand-in'),
});

export const alertDestination = z.discriminatedUnion('type', [
  emailDestination,
  slackDestination,
  teamsDestination,
  pagerdutyDestination,
  opsgenieDestination,
]);

/** `alerts:` of an environment in kcops.observability.yaml: what counts as a failure and who hears about it. */
export const alertsSchema = z.strictObject({
  connectors: z
    .string()
    .refine(isRegExp, { message: 'not a valid regular expression' })
    .optional()
    .describe('regular expression: only connectors whose name matches are watched; default all the cluster shows'),
  unassignedAfter: duration.optional().describe('alert on a connector UNASSIGNED this long; default never'),
  renotifyAfter: duration.optional().describe('repeat an alert still open after this long; default never'),
  traceLines: z.int().min(1).max(100).optional().describe('lines of a stack trace put in a message; default 8'),
  destinations: z
    .array(alertDestination)
    .refine((ds) => new Set(ds.map(destinationName)).size === ds.length, {
      message: 'two destinations share a name: give each of the same type its own `name`',
    })
    .default([])
    .describe(
      'who hears about a failure; none (a dev environment): `alerts check` only reports and exits 1 while one is open',
    ),
});
export type AlertsConfig = z.infer<typeof alertsSchema>;
export type AlertDestination = z.infer<typeof alertDestination>;
export type EmailDestination = z.infer<typeof emailDestination>;
export type SlackDestination = z.infer<typeof slackDestination>;
export type TeamsDestination = z.infer<typeof teamsDestination>;
export type PagerDutyDestination = z.infer<typeof pagerdutyDestination>;
export type OpsgenieDestination = z.infer<typeof opsgenieDestination>;

/** 90s, 10m, 4h, 1d, 500ms → milliseconds (the schema has checked the shape). */
export function durationMs(v: string): number {
  return parseDuration(v) ?? NaN;
}

export function destinationName(d: AlertDestination): string {
  return d.name ?? d.type;
}

function isRegExp(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}
