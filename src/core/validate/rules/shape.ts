import { fileStem, type Shape } from '../../project/connector-file.js';
import { connectorRule, type ConnectorRule } from '../rule.js';
import { exampleProject, goodSink, json } from './examples.js';

const good = { path: 'orders-sink.json', content: json('orders-sink', goodSink) };
const props =
  Object.entries(goodSink)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n') + '\n';

/** A confluent_connector resource holding the good sink's config. */
const TF_ORDERS = `resource "confluent_connector" "orders" {
  config_nonsensitive = {
    "name" = "orders-sink"
${Object.entries(goodSink)
  .map(([k, v]) => `    "${k}" = "${v}"`)
  .join('\n')}
  }
}
`;

const FIX =
  'kcops files are the Connect REST body: {"name": "<name>", "config": {...}}, stored as connectors/<env>/<name>.json.';

function shapeRule(
  id: string,
  shape: Shape,
  summary: string,
  why: string,
  failing: { path: string; content: string },
): ConnectorRule {
  return connectorRule({
    id,
    category: 'shape',
    severity: 'error',
    // Another shape is what the standalone worker, Terraform or Strimzi expect: a repository convention, not a fault.
    advisory: 'warning',
    summary,
    examples: { failing, passing: good },
    check: (ctx) =>
      ctx.file.shape === shape && ctx.file.problems.length === 0
        ? [
            {
              message: `${summary}: ${why}`,
              // A .properties file often opens with a licence comment: point at its first property instead.
              at: ctx.file.shape === 'properties' ? ctx.file.configAt : { line: 1, column: 1 },
              hint: FIX,
            },
          ]
        : [],
  });
}

const STATES = ['RUNNING', 'PAUSED', 'STOPPED'];
const TOP_LEVEL = new Set(['name', 'config', 'state']);

export const shapeRules: ConnectorRule[] = [
  shapeRule(
    'shape/flat-config',
    'flat',
    'A flat config map, not the REST body',
    'usable only with PUT /connectors/<name>/config or the Confluent CLI.',
    {
      path: 'orders-sink.json',
      content: JSON.stringify({ name: 'orders-sink', ...goodSink }, null, 2),
    },
  ),
  shapeRule(
    'shape/bare-config',
    'bare',
    'A bare config map without a name',
    'the connector has no name, so kcops cannot create or track it.',
    {
      path: 'orders-sink.json',
      content: JSON.stringify(goodSink, null, 2),
    },
  ),
  shapeRule(
    'shape/properties-file',
    'properties',
    'A .properties file',
    'the standalone-worker format; convert it to JSON.',
    { path: 'orders-sink.properties', content: 'name=orders-sink\n' + props },
  ),
  shapeRule(
    'shape/strimzi-resource',
    'strimzi',
    'A Strimzi KafkaConnector resource',
    'spec.class, spec.tasksMax and spec.config belong in one Connect config map.',
    {
      path: 'orders-sink.yaml',
      content: `apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaConnector\nmetadata:\n  name: orders-sink\nspec:\n  class: ${goodSink['connector.class']}\n  tasksMax: 1\n  config:\n    topics: orders\n`,
    },
  ),
  connectorRule({
    id: 'shape/terraform-resource',
    category: 'shape',
    severity: 'error',
    advisory: 'warning',
    summary: 'A Terraform confluent_connector resource in connectors/<env>/',
    // Elsewhere (a loose .tf file, terraform/) the resource is a supported shape, checked by every connector rule.
    examples: {
      failing: { path: 'connectors/prod/orders-sink.tf', project: exampleProject, content: TF_ORDERS },
      passing: { path: 'orders-sink.tf', content: TF_ORDERS },
    },
    check: (ctx) =>
      ctx.file.shape === 'terraform' && ctx.file.problems.length === 0 && /^connectors\/[^/]+\//.test(ctx.relPath)
        ? [
            {
              message:
                'A Terraform confluent_connector resource in connectors/<env>/: kcops plan/apply deploy only the JSON REST body from this folder, and Terraform does not read it, so nothing deploys this connector.',
              at: ctx.file.configAt,
              hint: `${FIX} Terraform deploys those files itself with the connectors module (terraform/modules/connectors); keep resources under terraform/.`,
            },
          ]
        : [],
  }),
  shapeRule(
    'shape/template',
    'template',
    'A template that needs rendering',
    'its ${...} variables are filled in by another tool, so what reaches the cluster is not what is in Git.',
    {
      path: 'orders-sink.json.tpl',
      content: json('orders-sink', { ...goodSink, topics: '${topic}' }),
    },
  ),
  connectorRule({
    id: 'shape/not-a-connector',
    category: 'shape',
    severity: 'error',
    summary: 'Not a connector config',
    examples: { failing: { path: 'orders-sink.json', content: '["orders-sink"]\n' }, passing: good },
    check: (ctx) =>
      ctx.file.shape === 'not-connector' && ctx.file.problems.length === 0 && !ctx.file.recovered
        ? [
            {
              message: 'Not a connector config: neither {"name", "config"} nor a map with connector.class.',
              at: { line: 1, column: 1 },
              hint: FIX,
            },
          ]
        : [],
  }),
  connectorRule({
    id: 'shape/unknown-top-level-key',
    category: 'shape',
    severity: 'error',
    summary: 'Top-level keys other than name, config and state',
    examples: {
      failing: { path: 'orders-sink.json', content: json('orders-sink', goodSink, { tasks: [] }) },
      passing: good,
    },
    check: (ctx) =>
      ctx.file.shape !== 'rest'
        ? []
        : ctx.file.topLevel
            .filter((t) => !TOP_LEVEL.has(t.key))
            .map((t) => ({
              message: `Unknown top-level key '${t.key}'.`,
              at: t.at,
              hint: 'Only "name", "config" and an optional "state" are allowed; connector settings go inside "config".',
            })),
  }),
  connectorRule({
    id: 'shape/missing-name',
    category: 'shape',
    severity: 'error',
    summary: 'The REST body has no "name"',
    examples: {
      failing: { path: 'orders-sink.json', content: JSON.stringify({ config: goodSink }, null, 2) },
      passing: good,
    },
    check: (ctx) =>
      ctx.file.shape === 'rest' && !ctx.file.name
        ? [
            {
              message: 'The connector has no top-level "name".',
              at: ctx.file.configAt,
              hint: 'Add "name": "<file name without .json>".',
            },
          ]
        : [],
  }),
  connectorRule({
    id: 'shape/invalid-state',
    category: 'shape',
    severity: 'error',
    summary: 'The desired "state" is not RUNNING, PAUSED or STOPPED',
    examples: {
      failing: { path: 'orders-sink.json', content: json('orders-sink', goodSink, { state: 'running' }) },
      passing: { path: 'orders-sink.json', content: json('orders-sink', goodSink, { state: 'PAUSED' }) },
    },
    check: (ctx) =>
      ctx.file.state && !STATES.includes(ctx.file.state.value ?? '')
        ? [
            {
              message: `state must be one of ${STATES.join(', ')} (got ${JSON.stringify(ctx.file.state.value ?? null)}).`,
              at: ctx.file.state.at,
              hint: 'Omit it for RUNNING.',
            },
          ]
        : [],
  }),
  connectorRule({
    id: 'shape/config-name-mismatch',
    category: 'shape',
    severity: 'error',
    summary: 'config.name differs from the top-level name',
    examples: {
      failing: { path: 'orders-sink.json', content: json('orders-sink', { ...goodSink, name: 'orders-sink-v2' }) },
      passing: good,
    },
    check: (ctx) => {
      const inner = ctx.get('name');
      if (ctx.file.shape !== 'rest' || !ctx.file.name || !inner || inner.value === ctx.file.name.value) return [];
      return [
        {
          message: `config.name '${inner.value ?? ''}' differs from name '${ctx.file.name.value}'; Connect rejects the request.`,
          at: inner.valueAt,
          hint: 'Remove config.name (kcops sets it) or make them equal.',
        },
      ];
    },
  }),
  connectorRule({
    id: 'shape/file-name-mismatch',
    category: 'shape',
    severity: 'error',
    summary: 'The file name is not <name>.json',
    examples: {
      failing: {
        path: 'connectors/prod/orders.json',
        content: json('payments-orders-sink', goodSink),
        project: undefined,
      },
      passing: { path: 'connectors/prod/payments-orders-sink.json', content: json('payments-orders-sink', goodSink) },
    },
    check: (ctx) => {
      if (!ctx.relPath.startsWith('connectors/') || !ctx.file.name || ctx.file.shape !== 'rest') return [];
      const stem = fileStem(ctx.relPath);
      return stem === ctx.file.name.value
        ? []
        : [
            {
              message: `The file is '${stem}.json' but the connector is named '${ctx.file.name.value}'.`,
              at: ctx.file.name.at,
              hint: `Rename the file to ${ctx.file.name.value}.json.`,
            },
          ];
    },
  }),
];
