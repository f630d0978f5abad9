import { createRequire } from 'node:module';
import type avroTypes from 'avsc';
import { repoRule, type RepoRule } from '../rule.js';
import { exampleProject, goodSink, json } from './examples.js';

const file = {
  path: 'connectors/prod/payments-orders-sink.json',
  project: exampleProject,
  content: json('payments-orders-sink', goodSink),
};

/** avsc is loaded on first use: only repositories with schemas/avro/ need it, and it is slow to load. */
let avsc: typeof avroTypes | undefined;
function avroLib(): typeof avroTypes {
  return (avsc ??= createRequire(import.meta.url)('avsc') as typeof avroTypes);
}

export const avroRules: RepoRule[] = [
  repoRule({
    id: 'schema/avro',
    category: 'schema',
    severity: 'error',
    summary: 'A schema under schemas/avro/ is not a valid Avro schema',
    examples: {
      failing: {
        ...file,
        files: {
          'schemas/avro/order.avsc':
            '{"type": "record", "name": "Order", "fields": [{"name": "id", "type": "uuid"}]}\n',
        },
      },
      passing: {
        ...file,
        files: {
          'schemas/avro/order.avsc':
            '{"type": "record", "name": "Order", "fields": [{"name": "id", "type": {"type": "string", "logicalType": "uuid"}}]}\n',
        },
      },
    },
    check: (ctx) =>
      ctx.avroFiles.flatMap((f) => {
        if (f.text === undefined)
          return [{ file: f.relPath, message: 'Not a UTF-8 text file.', at: { line: 1, column: 1 } }];
        let parsed: unknown;
        try {
          parsed = JSON.parse(f.text);
        } catch (e) {
          return [{ file: f.relPath, message: `Not JSON: ${(e as Error).message}.`, at: { line: 1, column: 1 } }];
        }
        try {
          avroLib().Type.forSchema(parsed as avroTypes.Schema);
          return [];
        } catch (e) {
          return [
            {
              file: f.relPath,
              message: `Invalid Avro schema: ${(e as Error).message}.`,
              at: { line: 1, column: 1 },
              hint: 'See https://avro.apache.org/docs/current/specification/.',
            },
          ];
        }
      }),
  }),
];
