import { connectorRule, type ConnectorRule } from '../rule.js';
import { goodSource, json, without } from './examples.js';
import { setting } from './in-file-syntax.js';

/**
 * Source connectors known to implement exactlyOnceSupport() (KIP-618). Others may not, so requiring it for them
 * would make the connector fail validation on a worker with exactly.once.source.support=enabled.
 */
const SUPPORTS_EOS = [
  /^io\.debezium\.connector\./,
  /^org\.apache\.kafka\.connect\.file\.FileStreamSourceConnector$/,
  /^FileStreamSource(Connector)?$/,
  /^org\.apache\.kafka\.connect\.mirror\.MirrorSourceConnector$/,
];

export const exactlyOnceRules: ConnectorRule[] = [
  connectorRule({
    id: 'exactly-once/source-not-required',
    category: 'exactly-once',
    severity: 'error',
    advisory: 'warning',
    summary: 'A source that supports exactly-once does not require it where the policy does',
    examples: {
      failing: { path: 'app-cdc.json', content: json('app-cdc', without(goodSource, 'exactly.once.support')) },
      passing: { path: 'app-cdc.json', content: json('app-cdc', goodSource) },
    },
    check: (ctx) => {
      if (ctx.kind !== 'source' || ctx.managed || !ctx.policy.requireExactlyOnceOnSources || !ctx.cls) return [];
      const cls = ctx.plugin?.class ?? ctx.cls;
      if (!SUPPORTS_EOS.some((r) => r.test(cls))) return [];
      const v = ctx.get('exactly.once.support');
      if (v?.value?.trim().toLowerCase() === 'required') return [];
      return [
        {
          message: `${cls} supports exactly-once delivery, but exactly.once.support is ${v ? `'${v.value ?? ''}'` : 'not set'}.`,
          at: v?.valueAt ?? ctx.file.configAt,
          hint: `Set ${setting(ctx, 'exactly.once.support', 'required')} (the workers need exactly.once.source.support=enabled).`,
        },
      ];
    },
  }),
];
