import type { ConnectorContext, RepoDraft, RepoRule } from '../rule.js';
import { repoRule } from '../rule.js';
import { exampleProject, goodSink, goodSource, json } from './examples.js';

const JSON_CONVERTER = /(^|\.)JsonConverter$/;
const JSON_CONV = 'org.apache.kafka.connect.json.JsonConverter';

/** Whether a source writes `topic`: its `topic` key, or a name under its `topic.prefix` (Debezium, JDBC source). */
function produces(source: ConnectorContext, topic: string): boolean {
  const single = source.value('topic')?.trim();
  if (single && single === topic) return true;
  const prefix = source.value('topic.prefix')?.trim();
  return !!prefix && topic.startsWith(prefix) && topic.length > prefix.length;
}

/** schemas.enable of one side, when that side is an explicit JsonConverter (its default is true). */
function schemasEnable(c: ConnectorContext, side: 'key' | 'value'): string | undefined {
  const conv = c.value(`${side}.converter`)?.trim();
  if (!conv || !JSON_CONVERTER.test(conv)) return undefined;
  return (c.value(`${side}.converter.schemas.enable`) ?? 'true').trim().toLowerCase();
}

const sinkFile = 'connectors/prod/payments-orders-sink.json';
const sourceFile = (schemas: string): Record<string, string> => ({
  'connectors/prod/payments-app-cdc.json': json('payments-app-cdc', {
    ...goodSource,
    'value.converter': JSON_CONV,
    'value.converter.schemas.enable': schemas,
  }),
});
const sink = json('payments-orders-sink', {
  ...goodSink,
  topics: 'app.public.orders',
  'value.converter': JSON_CONV,
  'value.converter.schemas.enable': 'true',
});

export const converterPairRules: RepoRule[] = [
  repoRule({
    id: 'converter/schemas-enable-across-files',
    category: 'converter',
    severity: 'error',
    summary:
      'A sink reads a topic that a source of the same environment writes, and their JsonConverters disagree on schemas.enable',
    examples: {
      failing: { path: sinkFile, project: exampleProject, files: sourceFile('false'), content: sink },
      passing: { path: sinkFile, project: exampleProject, files: sourceFile('true'), content: sink },
    },
    check: (ctx) => {
      const out: RepoDraft[] = [];
      const sources = ctx.connectors.filter((c) => c.kind === 'source');
      for (const s of ctx.connectors.filter((c) => c.kind === 'sink' && c.env)) {
        const topics = (s.value('topics') ?? '')
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean);
        for (const src of sources.filter((c) => c.env?.name === s.env?.name)) {
          const topic = topics.find((t) => produces(src, t));
          if (!topic) continue;
          for (const side of ['key', 'value'] as const) {
            const wrote = schemasEnable(src, side);
            const reads = schemasEnable(s, side);
            if (wrote === undefined || reads === undefined || wrote === reads) continue;
            out.push({
              file: s.file.path,
              message: `${s.file.name?.value ?? s.relPath} reads '${topic}' with ${side}.converter.schemas.enable=${reads}, but ${src.file.name?.value ?? src.relPath} (${src.relPath}) writes it with ${wrote}: ${wrote === 'true' ? 'every record arrives wrapped in a schema/payload envelope' : 'the records have no schema envelope, so the converter fails on each one'}.`,
              at: (s.get(`${side}.converter.schemas.enable`) ?? s.get(`${side}.converter`))?.keyAt,
              hint: `Make both ${side}.converter.schemas.enable the same (what the producing connector writes).`,
            });
          }
        }
      }
      return out;
    },
  }),
];
