import { connectorRule, type ConnectorContext, type ConnectorRule } from '../rule.js';
import { UNPREFIXED_CONVERTER_OPTION } from './catalog.js';
import { goodSink, json } from './examples.js';

const passing = { path: 'orders-sink.json', content: json('orders-sink', goodSink) };
const JSON_CONVERTER = /(^|\.)JsonConverter$/;

function converter(ctx: ConnectorContext, side: 'key' | 'value'): string | undefined {
  return ctx.value(`${side}.converter`)?.trim();
}

export const converterRules: ConnectorRule[] = [
  connectorRule({
    id: 'converter/inert-schemas-enable',
    category: 'converter',
    severity: 'warning',
    summary: '*.converter.schemas.enable on a converter other than JsonConverter has no effect',
    examples: {
      failing: {
        path: 'orders-sink.json',
        content: json('orders-sink', {
          ...goodSink,
          'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
          'key.converter.schemas.enable': 'false',
        }),
      },
      passing,
    },
    check: (ctx) =>
      (['key', 'value'] as const).flatMap((side) => {
        const e = ctx.get(`${side}.converter.schemas.enable`);
        const conv = converter(ctx, side);
        return e && conv && !JSON_CONVERTER.test(conv)
          ? [
              {
                message: `${side}.converter.schemas.enable has no effect on ${conv.slice(conv.lastIndexOf('.') + 1)}.`,
                at: e.keyAt,
                hint: 'Delete it; only JsonConverter reads schemas.enable.',
              },
            ]
          : [];
      }),
  }),
  connectorRule({
    id: 'converter/orphan-option',
    category: 'converter',
    severity: 'warning',
    summary: 'key./value./header.converter.* options without the converter itself',
    examples: {
      failing: {
        path: 'orders-sink.json',
        content: json('orders-sink', { ...goodSink, 'value.converter.schema.registry.url': 'http://sr:8081' }),
      },
      passing,
    },
    check: (ctx) =>
      (['key', 'value', 'header'] as const).flatMap((side) => {
        if (ctx.get(`${side}.converter`)) return [];
        const first = [...ctx.file.config.values()].find((e) => e.key.startsWith(`${side}.converter.`));
        return first
          ? [
              {
                message: `'${first.key}' is set but ${side}.converter is not, so it configures the worker's default converter, if at all.`,
                at: first.keyAt,
                hint: `Set ${side}.converter explicitly, or delete the ${side}.converter.* options.`,
              },
            ]
          : [];
      }),
  }),
  connectorRule({
    id: 'converter/schemas-enable-mismatch',
    category: 'converter',
    severity: 'warning',
    summary: 'Key and value JsonConverters disagree on schemas.enable',
    examples: {
      failing: {
        path: 'orders-sink.json',
        content: json('orders-sink', {
          ...goodSink,
          'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
          'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
          'value.converter.schemas.enable': 'false',
        }),
      },
      passing: {
        path: 'orders-sink.json',
        content: json('orders-sink', {
          ...goodSink,
          'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
          'key.converter.schemas.enable': 'false',
          'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
          'value.converter.schemas.enable': 'false',
        }),
      },
    },
    check: (ctx) => {
      const k = converter(ctx, 'key');
      const v = converter(ctx, 'value');
      if (!k || !v || !JSON_CONVERTER.test(k) || !JSON_CONVERTER.test(v)) return [];
      // JsonConverter's schemas.enable defaults to true.
      const ks = (ctx.value('key.converter.schemas.enable') ?? 'true').trim().toLowerCase();
      const vs = (ctx.value('value.converter.schemas.enable') ?? 'true').trim().toLowerCase();
      if (ks === vs) return [];
      const explicit = ctx.get('value.converter.schemas.enable') ?? ctx.get('key.converter.schemas.enable');
      return [
        {
          message: `key.converter.schemas.enable is ${ks} but value.converter.schemas.enable is ${vs} (the default is true).`,
          at: explicit?.keyAt,
          hint: 'Set both explicitly to what the topic data holds.',
        },
      ];
    },
  }),
  connectorRule({
    id: 'converter/unprefixed-option',
    category: 'converter',
    severity: 'warning',
    summary: 'A converter option without its key.converter./value.converter. prefix',
    examples: {
      failing: {
        path: 'orders-sink.json',
        content: json('orders-sink', { ...goodSink, 'schema.registry.url': 'http://sr:8081' }),
      },
      passing,
    },
    check: (ctx) =>
      [...ctx.file.config.values()]
        .filter((e) => UNPREFIXED_CONVERTER_OPTION.test(e.key) && !(ctx.plugin && e.key in ctx.plugin.keys))
        .map((e) => ({
          message: `'${e.key}' is a converter option; at the top level no converter reads it.`,
          at: e.keyAt,
          hint: `Write it as value.converter.${e.key} (and/or key.converter.${e.key}).`,
        })),
  }),
];
