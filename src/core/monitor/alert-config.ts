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

const regex = z.string().refine(isRegExp, { message: 'not a valid regular expression' });
const severity = z.enum(['critical', 'error', 'warning', 'info']);
export type Severity = z.infer<typeof severity>;

/** Which connectors a rule (or an auto-restart policy) is about; every condition given must hold. */
const scope = {
  connectors: regex.optional().describe('regular expression on the connector name; default every connector'),
  team: z
    .string()
    .min(1)
    .optional()
    .describe("a team of kcops.yaml `teams:`: only connectors whose name starts with one of the team's prefixes"),
};

const ruleCommon = {
  name: z.string().min(1).optional().describe('how messages and the state name the rule; default its kind'),
  ...scope,
  severity: severity.optional().describe('default critical for failures, warning for the others'),
  destinations: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe('routing: names (or types) of destinations that hear about it; default every destination'),
};
const forDuration = duration.optional().describe('only once the condition has lasted this long; default at once');

/**
 * One alert rule. Each kind reads what one collection already holds (the connector list with status), except `lag`
 * and `stalled` (the Kafka admin API: committed offsets of the sink's group against end offsets, one request per
 * watched sink; for sources the workers' metrics), `dlq` (end offsets of the dead-letter topics, one request for all) and `drift` (the connector files
 * of the working tree).
 */
export const alertRule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('failed'), ...ruleCommon, for: forDuration }).describe('connector or task FAILED'),
  z.strictObject({ kind: z.literal('unassigned'), ...ruleCommon, for: forDuration }),
  z
    .strictObject({
      kind: z.literal('state'),
      ...ruleCommon,
      states: z
        .array(z.enum(['DEGRADED', 'PROVISIONING', 'PAUSED', 'STOPPED', 'RESTARTING', 'UNKNOWN', 'NONE']))
        .min(1)
        .describe("connector states that alert (Confluent Cloud's DEGRADED and PROVISIONING among them)"),
      for: duration.describe('how long the connector must stay in one of them'),
    })
    .describe('a connector state that lasts too long'),
  z
    .strictObject({
      kind: z.literal('lag'),
      ...ruleCommon,
      above: z.int().min(0).optional().describe("alert when the sink's consumer-group lag (records) is above this"),
      growingFor: duration.optional().describe('alert when the lag has grown at every collection for this long'),
    })
    .refine((r) => r.above !== undefined || r.growingFor !== undefined, {
      message: 'give `above` or `growingFor` (or both)',
    }),
  z
    .strictObject({
      kind: z.literal('stalled'),
      ...ruleCommon,
      for: duration.describe(
        "how long a sink's committed offsets, or a source's records written to Kafka, may stand still while records wait",
      ),
    })
    .describe(
      "throughput stalled while there is data: a sink commits nothing while its topics hold records it has not read (Kafka offsets); a RUNNING source writes nothing to Kafka while its tasks hold polled records not yet acknowledged (the workers' source-record-write-total and source-record-active-count, observability.metrics.prometheusUrls)",
    ),
  z
    .strictObject({
      kind: z.literal('dlq'),
      ...ruleCommon,
      above: z.int().min(0).optional().describe('records arriving in one interval that alert; default 0 (any)'),
    })
    .describe("records arriving on a connector's dead-letter topic (errors.deadletterqueue.topic.name)"),
  z
    .strictObject({
      kind: z.literal('errors'),
      ...ruleCommon,
      above: z.number().min(0).max(100).describe('percent of the records processed between two collections'),
      minRecords: z
        .int()
        .min(1)
        .optional()
        .describe('records that must have been processed in between for the rate to count; default 10'),
    })
    .describe(
      "error rate: from the workers' JMX exporter (observability.metrics.prometheusUrls), record errors / records between two collections; on Confluent Cloud from its Metrics API, dead-letter-queue records / records of the hour ending ~5 min ago (two requests per connector per collection; the API allows 60 a minute)",
    ),
  z
    .strictObject({
      kind: z.literal('workers'),
      ...ruleCommon,
      min: z.int().min(1).describe('workers expected to run connectors or tasks'),
    })
    .describe('fewer workers than expected run the connectors and tasks'),
  z
    .strictObject({ kind: z.literal('drift'), ...ruleCommon, for: forDuration })
    .describe('a connector declared in Git (connectors/<env>/) is missing from the cluster'),
]);
export type AlertRule = z.infer<typeof alertRule>;

/** Opt-in restarts of failed connectors and tasks, Strimzi's schedule (n*n+n minutes after the n-th, at most 60). */
export const autoRestartSchema = z.strictObject({
  ...scope,
  maxRestarts: z
    .int()
    .min(1)
    .optional()
    .describe(
      'restarts before giving up and alerting (restarts-exhausted); default 7 (the last 56 min after the first)',
    ),
});
export type AutoRestartPolicy = z.infer<typeof autoRestartSchema>;

/** `alerts:` of an environment in kcops.observability.yaml: what counts as a failure and who hears about it. */
export const alertsSchema = z
  .strictObject({
    connectors: z
      .string()
      .refine(isRegExp, { message: 'not a valid regular expression' })
      .optional()
      .describe('regular expression: only connectors whose name matches are watched; default all the cluster shows'),
    unassignedAfter: duration.optional().describe('alert on a connector UNASSIGNED this long; default never'),
    renotifyAfter: duration.optional().describe('repeat an alert still open after this long; default never'),
    traceLines: z.int().min(1).max(100).optional().describe('lines of a stack trace put in a message; default 8'),
    rules: z
      .array(alertRule)
      .optional()
      .describe('what alerts, for whom and how badly; default: failed (and unassigned when unassignedAfter is set)'),
    openAfter: z
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('consecutive collections a condition must be seen before it alerts (flap suppression); default 1'),
    closeAfter: z
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('consecutive collections without it before an alert resolves; default 1'),
    delivery: z
      .strictObject({
        attempts: z.int().min(1).max(10).optional().describe('tries per message in one round; default 3'),
        backoff: duration.optional().describe('pause before the second try, doubled for each next one; default 1s'),
        digest: z
          .boolean()
          .optional()
          .describe('email, Slack and Teams: one message per destination per round holding every change; default true'),
      })
      .optional(),
    autoRestart: z
      .array(autoRestartSchema)
      .optional()
      .describe('restart failed connectors and tasks that match, with back-off; each restart is audited'),
    destinations: z
      .array(alertDestination)
      .refine((ds) => new Set(ds.map(destinationName)).size === ds.length, {
        message: 'two destinations share a name: give each of the same type its own `name`',
      })
      .default([])
      .describe(
        'who hears about a failure; none (a dev environment): `alerts check` only reports and exits 1 while one is open',
      ),
  })
  .superRefine((a, ctx) => {
    const known = new Set(a.destinations.flatMap((d) => [destinationName(d), d.type]));
    (a.rules ?? []).forEach((r, i) => {
      for (const d of r.destinations ?? [])
        if (!known.has(d))
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'destinations'],
            message: `'${d}' is neither the name nor the type of a destination of this environment`,
          });
    });
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
