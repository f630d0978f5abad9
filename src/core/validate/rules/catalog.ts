import { isDynamicKey } from '../catalog/index.js';
import { keyDeprecationsFor, VALUE_DEPRECATIONS } from '../catalog/deprecations.js';
import { connectorRule, type ConnectorRule } from '../rule.js';
import { goodSink, goodSource, json } from './examples.js';
import { isPlaceholderValue } from './placeholder.js';

/** Framework keys that only appear when a worker enables them (exactly-once) or that the REST body may carry. */
const FRAMEWORK_EXTRA = new Set([
  'name',
  'exactly.once.support',
  'transaction.boundary',
  'transaction.boundary.interval.ms',
  'offsets.storage.topic',
  'topic.creation.groups',
  'connector.client.config.override.policy',
]);

/** Converter options written without their converter prefix: inert, reported by the converter rules instead. */
export const UNPREFIXED_CONVERTER_OPTION =
  /^(schema\.registry\.[a-z.]+|basic\.auth\.[a-z.]+|schemas\.enable|(key|value)\.subject\.name\.strategy|auto\.register\.schemas|use\.latest\.version)$/;

/**
 * Levenshtein distance, or `bound` as soon as it is known to be at least that: two rows, and no work for pairs whose
 * lengths alone rule them out. A file with thousands of unknown keys checks each against every known key, so this is
 * on the hot path of a big file.
 */
function editDistance(a: string, b: string, bound: number): number {
  if (Math.abs(a.length - b.length) >= bound) return bound;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= bound) return bound;
    [prev, row] = [row, prev];
  }
  return Math.min(prev[b.length]!, bound);
}

function suggest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(key.length / 5)) + 1;
  for (const k of known) {
    const dist = editDistance(key, k, bestD);
    if (dist < bestD) {
      best = k;
      bestD = dist;
    }
  }
  return best;
}

/** Kafka client settings written at the top level instead of under producer./consumer.override. */
const CLIENT_SETTING =
  /^(bootstrap\.servers|acks|linger\.ms|batch\.size|compression\.type|max\.poll\.records|auto\.offset\.reset|fetch\.[a-z.]+|security\.protocol|sasl\.[a-z.]+)$/;

const NUMERIC: Record<string, RegExp> = {
  INT: /^-?\d+$/,
  LONG: /^-?\d+$/,
  SHORT: /^-?\d+$/,
  DOUBLE: /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/,
  BOOLEAN: /^(true|false)$/i,
};

export const catalogRules: ConnectorRule[] = [
  connectorRule({
    id: 'unknown-key/unknown-plugin',
    category: 'unknown-key',
    severity: 'info',
    summary: 'The connector class is not in the bundled catalog, so its keys are not checked offline',
    examples: {
      failing: {
        path: 'es-sink.json',
        content: json('es-sink', {
          ...goodSink,
          'connector.class': 'com.example.UnknownSinkConnector',
          file: undefined,
        }),
      },
      passing: { path: 'orders-sink.json', content: json('orders-sink', goodSink) },
    },
    check: (ctx) => {
      const cls = ctx.get('connector.class');
      if (!ctx.cls || ctx.plugin || !cls) return [];
      return [
        {
          message: `${ctx.cls} is not in the bundled ${ctx.managed ? 'Confluent Cloud' : 'self-managed'} catalog; its keys, types and required settings are not checked offline.`,
          at: cls.valueAt,
          hint: 'The online checks ask the cluster itself (kcops validate without --offline); scripts/gen-catalog.mjs adds installed plugins to the catalog.',
        },
      ];
    },
  }),
  connectorRule({
    id: 'unknown-key/connector',
    category: 'unknown-key',
    severity: 'warning',
    summary: 'A key the connector does not define (Connect silently ignores it)',
    examples: {
      failing: {
        path: 'app-cdc.json',
        content: json('app-cdc', { ...goodSource, 'behavior.on.null.values': 'ignore' }),
      },
      passing: { path: 'app-cdc.json', content: json('app-cdc', goodSource) },
    },
    check: (ctx) => {
      // Entries written from documentation list the keys kcops checks, not all the plugin has: no unknown keys there.
      if (!ctx.plugin || !ctx.plugin.complete) return [];
      const keys = ctx.plugin.keys;
      const known = Object.keys(keys);
      const cls = ctx.plugin.class;
      // Sets, not scans: a minified file can hold tens of thousands of keys (issue 19 §5).
      const deprecated = new Set(keyDeprecationsFor(ctx.cls, ctx.plugin, ctx.managed).map((d) => d.key));
      return [...ctx.file.config.values()]
        .filter((e) => !Object.hasOwn(keys, e.key) && !FRAMEWORK_EXTRA.has(e.key) && !isDynamicKey(e.key, cls))
        .filter((e) => !deprecated.has(e.key) && !UNPREFIXED_CONVERTER_OPTION.test(e.key))
        .map((e) => {
          const near = suggest(e.key, known);
          const client = CLIENT_SETTING.test(e.key);
          const hint = near
            ? `Did you mean '${near}'?`
            : client
              ? `A Kafka client setting: write it as ${ctx.kind === 'sink' ? 'consumer' : 'producer'}.override.${e.key} (the worker must allow client overrides).`
              : `Remove it, or check the documentation of ${cls}${ctx.plugin?.version ? ` ${ctx.plugin.version}` : ''}.`;
          return { message: `'${e.key}' is not a setting of ${cls}; Connect ignores it.`, at: e.keyAt, hint };
        });
    },
  }),
  connectorRule({
    id: 'type/value',
    category: 'type',
    severity: 'error',
    summary: "A value does not parse as the key's type (number, boolean)",
    examples: {
      failing: {
        path: 'app-cdc.json',
        content: json('app-cdc', { ...goodSource, 'database.port': 'five-four-three-two' }),
      },
      passing: { path: 'app-cdc.json', content: json('app-cdc', goodSource) },
    },
    check: (ctx) =>
      [...ctx.file.config.values()].flatMap((e) => {
        const def = ctx.plugin?.keys[e.key];
        const re = def ? NUMERIC[def.type] : undefined;
        if (!def || !re || e.value === undefined || isPlaceholderValue(e.value)) return [];
        return re.test(e.value.trim())
          ? []
          : [
              {
                message: `'${e.key}' must be ${def.type === 'BOOLEAN' ? 'true or false' : `a${def.type === 'INT' ? 'n' : ''} ${def.type.toLowerCase()}`} (got "${e.value}").`,
                at: e.valueAt,
              },
            ];
      }),
  }),
  connectorRule({
    id: 'type/allowed-value',
    category: 'type',
    severity: 'error',
    summary: 'A value outside the closed set the key accepts',
    examples: {
      failing: { path: 'app-cdc.json', content: json('app-cdc', { ...goodSource, 'plugin.name': 'wal2json' }) },
      passing: { path: 'app-cdc.json', content: json('app-cdc', goodSource) },
    },
    check: (ctx) =>
      [...ctx.file.config.values()].flatMap((e) => {
        const allowed = ctx.plugin?.keys[e.key]?.allowed;
        if (!allowed || e.value === undefined || isPlaceholderValue(e.value)) return [];
        if (VALUE_DEPRECATIONS.some((d) => d.key === e.key && d.value === e.value?.trim())) return [];
        if (ctx.plugin?.valueDeprecations.some((d) => d.key === e.key && d.value === e.value?.trim())) return [];
        const v = e.value.trim().toLowerCase();
        // Some keys take a list (e.g. output formats); check each element.
        const parts = v.split(',').map((p) => p.trim());
        const lower = allowed.map((a) => a.toLowerCase());
        const bad = parts.filter((p) => !lower.includes(p));
        return bad.length === 0
          ? []
          : [
              {
                message: `'${e.key}' does not accept "${e.value}".`,
                at: e.valueAt,
                hint: `Allowed: ${allowed.join(', ')}.`,
              },
            ];
      }),
  }),
];
