import {
  KEY_DEPRECATIONS,
  PLUGIN_DEPRECATIONS,
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
      ctx.cls === undefined
        ? []
        : KEY_DEPRECATIONS.filter((d) => d.classes.test(ctx.cls ?? '') && ctx.get(d.key)).map((d) => {
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
      VALUE_DEPRECATIONS.filter((d) => d.classes.test(ctx.cls ?? '') && ctx.value(d.key)?.trim() === d.value).map(
        (d) => ({
          message: `${d.key}=${d.value} is deprecated (${d.note}).`,
          at: ctx.get(d.key)?.valueAt,
          hint: `Use ${d.key}=${d.replacement}.`,
        }),
      ),
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
        if (!m || m[2] === 'type') return [];
        const type = ctx.value(`transforms.${m[1]}.type`) ?? '';
        return TRANSFORM_KEY_DEPRECATIONS.filter((d) => d.key === m[2] && d.type.test(type)).map((d) => ({
          message: `'${e.key}' uses the deprecated option '${d.key}' (${d.note}).`,
          at: e.keyAt,
          hint: `Rename it to transforms.${m[1]}.${d.replacement}.`,
        }));
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
