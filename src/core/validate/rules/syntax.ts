import type { LoadProblem } from '../../project/connector-file.js';
import { connectorRule, type ConnectorRule } from '../rule.js';
import { FILE_SINK, goodSink, json } from './examples.js';
import { jsonErrorCause } from './json-error.js';

const RECOVERED = {
  embedded: 'the JSON inside (e.g. the body of a curl command)',
  'shell-escaped': "shell-escaped JSON (\\' and \\$ as the shell sends them)",
  'embedded, shell-escaped': 'the shell-escaped JSON inside (e.g. the body of a curl command)',
} as const;

const good = { path: 'orders-sink.json', content: json('orders-sink', goodSink) };

function problemRule(
  id: string,
  kind: LoadProblem['kind'],
  summary: string,
  failing: string | undefined,
  hint: string,
  path = 'orders-sink.json',
): ConnectorRule {
  return connectorRule({
    id,
    category: 'syntax',
    severity: 'error',
    summary,
    ...(failing === undefined
      ? {}
      : {
          examples: {
            failing: { path, content: failing, ...(kind === 'encoding' ? { encoding: 'latin1' as const } : {}) },
            passing: good,
          },
        }),
    check: (ctx) =>
      ctx.file.problems
        .filter((p) => p.kind === kind)
        .map((p) => ({ message: `${summary}: ${p.detail}.`, at: p.at, hint })),
  });
}

export const syntaxRules: ConnectorRule[] = [
  connectorRule({
    id: 'syntax/invalid-json',
    category: 'syntax',
    severity: 'error',
    summary: 'Invalid JSON',
    examples: {
      failing: {
        path: 'orders-sink.json',
        content: '{\n  "name": "orders-sink",\n  "config": {\n    "tasks.max": "1",\n  }\n}\n',
      },
      passing: good,
    },
    check: (ctx) =>
      ctx.file.problems
        .filter((p) => p.kind === 'invalid-json')
        .map((p) => {
          const { cause, hint } = jsonErrorCause(ctx.file.text, p.at, p.detail);
          // When kcops could still read the config (around a curl command, through shell escapes), it says how, and
          // every other rule has checked what it read.
          const read = ctx.file.recoveredAs
            ? ` kcops read it as ${RECOVERED[ctx.file.recoveredAs]} and checked that.`
            : '';
          return { message: `Invalid JSON: ${cause}.${read}`, at: p.at, hint };
        }),
  }),
  problemRule(
    'syntax/invalid-yaml',
    'invalid-yaml',
    'Invalid YAML',
    'kind: KafkaConnector\nspec: [\n',
    'Fix the YAML at the position shown.',
    'orders-sink.yaml',
  ),
  problemRule(
    'syntax/invalid-hcl',
    'invalid-hcl',
    'Invalid HCL',
    'resource "confluent_connector" "orders" {\n  config_nonsensitive = {\n    "name" = "orders-sink"\n  }\n',
    'Fix the Terraform syntax at the position shown (`terraform fmt` shows the same error).',
    'orders-sink.tf',
  ),
  problemRule(
    'syntax/empty-file',
    'empty',
    'Empty file',
    '\n',
    'Write the connector as {"name": ..., "config": {...}}, or delete the file.',
  ),
  problemRule(
    'syntax/binary-file',
    'binary',
    'Not a text file',
    '\u0000\u0001\u0002',
    'Connector files are UTF-8 JSON; remove binary files from connectors/.',
  ),
  problemRule('syntax/encoding', 'encoding', 'Not UTF-8', '{"name": "caf\u00e9-sink"}\n', 'Save the file as UTF-8.'),
  problemRule(
    'syntax/file-too-large',
    'too-large',
    'File too large for a connector config',
    undefined,
    'A connector config is a few kilobytes; this is probably not one.',
  ),
  problemRule(
    'syntax/too-deep',
    'too-deep',
    'Nested too deeply',
    `{"name": "orders-sink", "config": {"transforms": ${'['.repeat(65)}${']'.repeat(65)}}}\n`,
    'A connector config is a flat map of string values: write nested data as a string, or remove it.',
  ),
  connectorRule({
    id: 'syntax/duplicate-key',
    category: 'syntax',
    severity: 'error',
    summary: 'A key appears twice; only the last value counts',
    examples: {
      failing: {
        path: 'orders-sink.json',
        content: json('orders-sink', goodSink).replace('"tasks.max": "1",', '"tasks.max": "1",\n    "tasks.max": "4",'),
      },
      passing: good,
    },
    check: (ctx) => {
      const seen = new Set<string>();
      const out = [];
      for (const e of ctx.file.entries) {
        if (seen.has(e.key))
          out.push({
            message: `'${e.key}' is set more than once; Connect keeps only the last value.`,
            at: e.keyAt,
            hint: 'Delete all but one.',
          });
        seen.add(e.key);
      }
      const top = new Set<string>();
      for (const t of ctx.file.topLevel) {
        if (top.has(t.key) && ctx.file.shape === 'rest')
          out.push({ message: `Top-level '${t.key}' is set more than once.`, at: t.at, hint: 'Delete all but one.' });
        top.add(t.key);
      }
      return out;
    },
  }),
  connectorRule({
    id: 'syntax/non-string-value',
    category: 'syntax',
    severity: 'error',
    // Connect's REST API coerces numbers and booleans; strict repositories refuse them so that plan diffs are exact.
    advisory: 'warning',
    summary: 'Config values must be JSON strings',
    examples: {
      failing: { path: 'orders-sink.json', content: json('orders-sink', { ...goodSink, 'tasks.max': 1 }) },
      passing: good,
    },
    check: (ctx) =>
      ctx.file.shape === 'strimzi'
        ? []
        : ctx.file.entries
            // Terraform converts numbers and booleans for config_nonsensitive (a map of strings) itself.
            .filter(
              (e) =>
                e.kind !== 'string' &&
                e.kind !== 'expression' &&
                !(ctx.file.shape === 'terraform' && (e.kind === 'number' || e.kind === 'boolean')),
            )
            .map((e) => ({
              message: `'${e.key}' is a JSON ${e.kind}; Connect config values are strings.`,
              at: e.valueAt,
              hint:
                e.value === undefined ? 'Remove the key or write its value as a string.' : `Write it as "${e.value}".`,
            })),
  }),
  connectorRule({
    id: 'syntax/whitespace',
    category: 'syntax',
    severity: 'warning',
    summary: 'Leading or trailing whitespace inside a value or key',
    examples: {
      failing: {
        path: 'orders-sink.json',
        content: json('orders-sink', { ...goodSink, file: ' /var/lib/kcops/orders.txt' }),
      },
      passing: good,
    },
    check: (ctx) =>
      ctx.file.entries.flatMap((e) => {
        const out = [];
        if (e.key !== e.key.trim())
          out.push({
            message: `The key '${e.key}' has surrounding whitespace, so Connect sees a different key.`,
            at: e.keyAt,
            hint: 'Remove the spaces.',
          });
        if (
          e.kind === 'string' &&
          e.value !== undefined &&
          e.value !== e.value.trim() &&
          ctx.file.shape !== 'properties'
        ) {
          out.push({
            message: `The value of '${e.key.trim()}' has leading or trailing whitespace, which Connect keeps.`,
            at: e.valueAt,
            hint: 'Remove the spaces.',
          });
        }
        return out;
      }),
  }),
];

export { FILE_SINK };
