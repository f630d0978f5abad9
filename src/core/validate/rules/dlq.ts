import { connectorRule, type ConnectorContext, type ConnectorRule } from '../rule.js';
import { goodSink, json, without } from './examples.js';
import { keyName, setting } from './in-file-syntax.js';

const passing = { path: 'orders-sink.json', content: json('orders-sink', goodSink) };
const DLQ = 'errors.deadletterqueue.topic.name';

function tolerance(ctx: ConnectorContext): string {
  return (ctx.value('errors.tolerance') ?? 'none').trim().toLowerCase();
}
function dlqTopic(ctx: ConnectorContext): string | undefined {
  const v = ctx.value(DLQ)?.trim();
  return v ? v : undefined;
}

export const dlqRules: ConnectorRule[] = [
  connectorRule({
    id: 'dlq/sink-without-dlq',
    category: 'dlq',
    severity: 'error',
    advisory: 'warning',
    summary: 'A sink without a dead letter queue where the policy requires one',
    examples: {
      failing: {
        path: 'orders-sink.json',
        content: json(
          'orders-sink',
          without(goodSink, 'errors.tolerance', DLQ, 'errors.deadletterqueue.topic.replication.factor'),
        ),
      },
      passing,
    },
    check: (ctx) => {
      // Confluent Cloud creates dlq-lcc-<id> for managed sinks by itself; nothing to ask for.
      if (ctx.kind !== 'sink' || ctx.managed || !ctx.policy.requireDlqOnSinks || !ctx.cls) return [];
      // One finding per problem: a DLQ topic without errors.tolerance=all is dlq/dlq-without-tolerance, and
      // errors.tolerance=all without a topic is dlq/tolerance-without-dlq.
      if (dlqTopic(ctx) || tolerance(ctx) === 'all') return [];
      return [
        {
          message: 'This sink has no dead letter queue: one bad record stops it.',
          at: ctx.file.configAt,
          hint: `Set ${setting(ctx, 'errors.tolerance', 'all')} and ${setting(ctx, DLQ, 'dlq-<name>')} (policy requireDlqOnSinks).`,
        },
      ];
    },
  }),
  connectorRule({
    id: 'dlq/tolerance-without-dlq',
    category: 'dlq',
    severity: 'error',
    summary: 'errors.tolerance=all on a sink without a DLQ topic: bad records are silently dropped',
    examples: {
      failing: {
        path: 'orders-sink.json',
        content: json('orders-sink', without(goodSink, DLQ, 'errors.deadletterqueue.topic.replication.factor')),
      },
      passing,
    },
    check: (ctx) =>
      ctx.kind === 'sink' && !ctx.managed && tolerance(ctx) === 'all' && !dlqTopic(ctx)
        ? [
            {
              message: 'errors.tolerance=all without a DLQ topic: failing records are dropped and only logged.',
              at: ctx.get('errors.tolerance')?.valueAt,
              hint: `Add ${keyName(ctx, DLQ)}.`,
            },
          ]
        : [],
  }),
  connectorRule({
    id: 'dlq/dlq-without-tolerance',
    category: 'dlq',
    severity: 'warning',
    summary:
      'A DLQ topic that is never used because errors.tolerance is not all (an error where the policy requires a DLQ on sinks)',
    examples: {
      failing: { path: 'orders-sink.json', content: json('orders-sink', without(goodSink, 'errors.tolerance')) },
      passing,
    },
    check: (ctx) =>
      dlqTopic(ctx) && tolerance(ctx) !== 'all' && !ctx.managed
        ? [
            {
              message: `A DLQ topic is set but errors.tolerance is '${tolerance(ctx)}', so the first bad record fails the task and the DLQ stays empty.`,
              at: ctx.get(DLQ)?.keyAt,
              hint: `Set ${setting(ctx, 'errors.tolerance', 'all')}.`,
              // The sink has, in effect, no DLQ: as serious as dlq/sink-without-dlq where the policy asks for one.
              ...(ctx.kind === 'sink' && ctx.policy.requireDlqOnSinks && ctx.severityMode === 'strict'
                ? { severity: 'error' as const }
                : {}),
            },
          ]
        : [],
  }),
  connectorRule({
    id: 'dlq/replication-factor',
    category: 'dlq',
    severity: 'warning',
    summary: 'The DLQ topic would have a single replica',
    examples: {
      failing: {
        path: 'orders-sink.json',
        content: json('orders-sink', { ...goodSink, 'errors.deadletterqueue.topic.replication.factor': '1' }),
      },
      passing,
    },
    check: (ctx) => {
      const rf = ctx.get('errors.deadletterqueue.topic.replication.factor');
      return dlqTopic(ctx) && rf?.value?.trim() === '1'
        ? [
            {
              message: 'The DLQ topic is created with replication factor 1: one broker loss loses the failed records.',
              at: rf.valueAt,
              hint: 'Use 3 (or -1 for the broker default).',
            },
          ]
        : [];
    },
  }),
];
