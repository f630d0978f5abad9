import { repoRule, type RepoRule } from '../rule.js';
import { exampleProject, goodSink, json } from './examples.js';

const file = { path: 'connectors/prod/payments-orders-sink.json', content: json('payments-orders-sink', goodSink) };

export const projectRules: RepoRule[] = [
  repoRule({
    id: 'schema/kcops-yaml',
    category: 'schema',
    severity: 'error',
    summary: 'kcops.yaml does not match its schema (every error, with its path)',
    examples: {
      failing: {
        ...file,
        project: exampleProject.replace(
          "connect: { urls: ['https://connect.prod.internal:8083'] }",
          "connect: { urls: ['https://connect.prod.internal:8083'], auth: { username: connect, password: hunter2 } }",
        ),
      },
      passing: { ...file, project: exampleProject },
    },
    check: (ctx) =>
      ctx.project.issues.map((i) => ({
        message: i.kind === 'yaml' ? `Invalid YAML: ${i.message}` : `${i.path || '(root)'}: ${i.message}`,
        at: i.at,
        hint:
          i.kind === 'schema'
            ? 'Add "# yaml-language-server: $schema=./schemas/kcops.schema.json" at the top for completion in editors.'
            : undefined,
      })),
  }),
];
