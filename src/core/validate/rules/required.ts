import { connectorRule, type ConnectorRule } from '../rule.js';
import { goodSink, goodSource, json, without } from './examples.js';
import { keyName } from './in-file-syntax.js';

/** Keys a plugin needs although its definition says optional (it checks them in validate() instead). */
const EXTRA_REQUIRED: { cls: RegExp; keys: string[] }[] = [
  {
    cls: /^io\.debezium\.connector\.postgresql\.PostgresConnector$/,
    keys: ['database.hostname', 'database.user', 'database.dbname', 'topic.prefix'],
  },
  { cls: /^io\.debezium\.connector\.jdbc\.JdbcSinkConnector$/, keys: ['connection.url'] },
  { cls: /^io\.confluent\.connect\.jdbc\.Jdbc(Source|Sink)Connector$/, keys: ['connection.url'] },
];

export const requiredRules: ConnectorRule[] = [
  connectorRule({
    id: 'required/connector-class',
    category: 'required',
    severity: 'error',
    summary: 'connector.class is missing',
    examples: {
      failing: { path: 'orders-sink.json', content: json('orders-sink', without(goodSink, 'connector.class')) },
      passing: { path: 'orders-sink.json', content: json('orders-sink', goodSink) },
    },
    check: (ctx) =>
      (ctx.file.shape === 'rest' ||
        ctx.file.shape === 'strimzi' ||
        ctx.file.shape === 'terraform' ||
        ctx.file.shape === 'properties') &&
      !ctx.get('connector.class')
        ? [
            {
              message: 'connector.class is missing.',
              at: ctx.file.configAt,
              hint: 'Set the plugin class, e.g. "io.debezium.connector.postgresql.PostgresConnector".',
            },
          ]
        : [],
  }),
  connectorRule({
    id: 'required/key',
    category: 'required',
    severity: 'error',
    summary: 'A key the connector requires is missing',
    examples: {
      failing: { path: 'app-cdc.json', content: json('app-cdc', without(goodSource, 'topic.prefix')) },
      passing: { path: 'app-cdc.json', content: json('app-cdc', goodSource) },
    },
    check: (ctx) => {
      if (!ctx.plugin || !ctx.cls) return [];
      const required = Object.entries(ctx.plugin.keys)
        .filter(([k, d]) => d.required && d.default === undefined && k !== 'name')
        .map(([k]) => k);
      for (const extra of EXTRA_REQUIRED) if (extra.cls.test(ctx.plugin.class)) required.push(...extra.keys);
      // Managed templates mark the Kafka credentials required only for one kafka.auth.mode.
      const skip = ctx.managed ? /^kafka\.(api\.key|api\.secret|service\.account\.id)$|\.override\./ : /^$/;
      return [...new Set(required)]
        .filter((k) => !ctx.get(k) && !skip.test(k))
        .map((k) => ({
          message: `'${k}' is required by ${ctx.cls} but not set.`,
          at: ctx.file.configAt,
          hint: 'Add it to config.',
        }));
    },
  }),
  connectorRule({
    id: 'required/tasks-max',
    category: 'required',
    severity: 'warning',
    summary: 'tasks.max is not set (Connect defaults it to 1)',
    examples: {
      failing: { path: 'orders-sink.json', content: json('orders-sink', without(goodSink, 'tasks.max')) },
      passing: { path: 'orders-sink.json', content: json('orders-sink', goodSink) },
    },
    check: (ctx) =>
      ctx.cls && !ctx.get('tasks.max')
        ? [
            {
              message: 'tasks.max is not set, so the connector runs a single task.',
              at: ctx.file.configAt,
              hint: `Set ${keyName(ctx, 'tasks.max')} explicitly so the parallelism is reviewed.`,
            },
          ]
        : [],
  }),
  connectorRule({
    id: 'required/sink-topics',
    category: 'required',
    severity: 'error',
    summary: 'A sink needs exactly one of topics and topics.regex',
    examples: {
      failing: { path: 'orders-sink.json', content: json('orders-sink', without(goodSink, 'topics')) },
      passing: { path: 'orders-sink.json', content: json('orders-sink', goodSink) },
    },
    check: (ctx) => {
      if (ctx.kind !== 'sink' || !ctx.cls) return [];
      const topics = ctx.get('topics');
      const regex = ctx.get('topics.regex');
      if (!topics && !regex)
        return [{ message: 'The sink reads no topics: set "topics" or "topics.regex".', at: ctx.file.configAt }];
      if (topics && regex)
        return [
          {
            message: '"topics" and "topics.regex" are both set; Connect rejects that.',
            at: regex.keyAt,
            hint: 'Keep one of them.',
          },
        ];
      return [];
    },
  }),
];
