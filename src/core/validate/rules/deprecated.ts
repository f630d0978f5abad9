import {
  DEBEZIUM_TRANSFORM_REMOVALS,
  keyDeprecationsFor,
  PLUGIN_DEPRECATIONS,
  TRANSFORM_CLASS_DEPRECATIONS,
  TRANSFORM_DEFS,
  TRANSFORM_KEY_DEPRECATIONS,
  VALUE_DEPRECATIONS,
} from '../catalog/deprecations.js';
import { connectorRule, type ConnectorRule } from '../rule.js';
import { goodSource, json } from './examples.js';

const passing = { path: 'app-cdc.json', content: json('app-cdc', goodSource) };

export const deprecatedRules: ConnectorRule[] = [
  connectorRule({
    id: 'deprecated/key',
    category: 'deprecated',
    severity: 'warning',
    summary: 'A deprecated or removed key, with its replacement',
    examples: {
      failing: { path: 'app-cdc.json', content: json('app-cdc', { ...goodSource, 'database.server.name': 'app' }) },
      passing,
    },
    check: (ctx) =>
      keyDeprecationsFor(ctx.cls, ctx.plugin, ctx.managed)
        .filter((d) => ctx.get(d.key))
        .map((d) => {
          const e = ctx.get(d.key);
          return {
            message: `'${d.key}' is ${d.removed ? 'removed' : 'deprecated'} (${d.note})${d.removed ? ' and ignored' : ''}.`,
            at: e?.keyAt,
            severity: d.removed ? ('error' as const) : ('warning' as const),
            hint: d.replacement
              ? `Use '${d.replacement}'${ctx.get(d.replacement) ? ' (already set; delete this key)' : ''}.`
              : 'Delete it.',
          };
        }),
  }),
  connectorRule({
    id: 'deprecated/value',
    category: 'deprecated',
    severity: 'warning',
    summary: 'A deprecated or renamed value',
    examples: {
      failing: { path: 'app-cdc.json', content: json('app-cdc', { ...goodSource, 'snapshot.mode': 'never' }) },
      passing,
    },
    check: (ctx) =>
      [
        ...VALUE_DEPRECATIONS.filter((d) => d.classes.test(ctx.cls ?? '')),
        // Values the plugin's own definition documents as deprecated (generated catalog).
        ...(ctx.plugin?.valueDeprecations ?? []).filter(
          (d) =>
            !VALUE_DEPRECATIONS.some((v) => v.key === d.key && v.value === d.value && v.classes.test(ctx.cls ?? '')),
        ),
      ]
        .filter((d) => ctx.value(d.key)?.trim() === d.value)
        .map((d) => ({
          message: `${d.key}=${d.value} is deprecated (${d.note}).`,
          at: ctx.get(d.key)?.valueAt,
          hint: `Use ${d.key}=${d.replacement}.`,
        })),
  }),
  connectorRule({
    id: 'deprecated/transform-option',
    category: 'deprecated',
    severity: 'warning',
    summary: 'A deprecated option of a transformation (e.g. ReplaceField blacklist → exclude)',
    examples: {
      failing: {
        path: 'app-cdc.json',
        content: json('app-cdc', {
          ...goodSource,
          transforms: 'drop',
          'transforms.drop.type': 'org.apache.kafka.connect.transforms.ReplaceField$Value',
          'transforms.drop.blacklist': 'ssn',
        }),
      },
      passing: {
        path: 'app-cdc.json',
        content: json('app-cdc', {
          ...goodSource,
          transforms: 'drop',
          'transforms.drop.type': 'org.apache.kafka.connect.transforms.ReplaceField$Value',
          'transforms.drop.exclude': 'ssn',
        }),
      },
    },
    check: (ctx) =>
      [...ctx.file.config.values()].flatMap((e) => {
        const m = /^transforms\.([^.]+)\.(.+)$/.exec(e.key);
        if (!m) return [];
        const type = (ctx.value(`transforms.${m[1]}.type`) ?? '').trim();
        if (m[2] === 'type') {
          return TRANSFORM_CLASS_DEPRECATIONS.filter((d) => d.cls === type).map((d) => ({
            message: `Transformation ${d.cls} is ${d.note}.`,
            at: e.valueAt,
            hint: `Use ${d.replacement}.`,
          }));
        }
        const curated = [...TRANSFORM_KEY_DEPRECATIONS, ...DEBEZIUM_TRANSFORM_REMOVALS].filter(
          (d) => d.key === m[2] && d.type.test(type),
        );
        if (curated.length > 0)
          return curated.map((d) => ({
            message: `'${e.key}' uses the deprecated option '${d.key}' (${d.note}).`,
            at: e.keyAt,
            hint: `Rename it to transforms.${m[1]}.${d.replacement}.`,
          }));
        // A Debezium transformation that no longer defines the option ignores it (its generated definition says so).
        const def = TRANSFORM_DEFS[type];
        const option = m[2] ?? '';
        // predicate and negate are Connect's own options of every transformation.
        if (!def || def.keys.includes(option) || option === 'predicate' || option === 'negate') return [];
        return [
          {
            message: `'${e.key}': ${type.slice(type.lastIndexOf('.') + 1)} ${def.version} does not define '${option}', so it is ignored.`,
            at: e.keyAt,
            hint: `Its options: ${def.keys.join(', ')}.`,
          },
        ];
      }),
  }),
  connectorRule({
    id: 'deprecated/plugin',
    category: 'deprecated',
    severity: 'warning',
    summary: 'A deprecated connector plugin',
    examples: {
      failing: {
        path: 'app-cdc.json',
        content: json('app-cdc', { 'connector.class': 'PostgresCdcSource', 'tasks.max': '1' }),
      },
      passing: {
        path: 'app-cdc.json',
        content: json('app-cdc', { 'connector.class': 'PostgresCdcSourceV2', 'tasks.max': '1' }),
      },
    },
    check: (ctx) =>
      PLUGIN_DEPRECATIONS.filter((d) => d.cls === ctx.cls?.trim()).map((d) => ({
        message: `${d.cls} is deprecated (${d.note}).`,
        at: ctx.get('connector.class')?.valueAt,
        hint: `Migrate to ${d.replacement}.`,
      })),
  }),
];
