import { connectorRule, repoRule, type ConnectorRule, type RepoRule } from '../rule.js';
import { exampleProject, goodSink, json } from './examples.js';

const passing = {
  path: 'connectors/prod/payments-orders-sink.json',
  project: exampleProject,
  content: json('payments-orders-sink', goodSink),
};

export const ownershipRules: ConnectorRule[] = [
  connectorRule({
    id: 'ownership/environment-folder',
    category: 'ownership',
    severity: 'error',
    summary: 'A connector file outside connectors/<environment>/ of a declared environment',
    examples: {
      failing: {
        path: 'connectors/qa/payments-orders-sink.json',
        project: exampleProject,
        content: json('payments-orders-sink', goodSink),
      },
      passing,
    },
    check: (ctx) => {
      if (!ctx.project) return [];
      if (!ctx.env)
        return [
          {
            message: `${ctx.relPath} is not under connectors/<environment>/, so no environment owns it.`,
            at: { line: 1, column: 1 },
            hint: 'Move it to connectors/<env>/<name>.json.',
          },
        ];
      if (!ctx.env.def)
        return [
          {
            message: `Folder connectors/${ctx.env.name}/ names no environment of kcops.yaml.`,
            at: { line: 1, column: 1 },
            hint: `Declared environments: ${Object.keys(ctx.project.environments).join(', ')}.`,
          },
        ];
      return [];
    },
  }),
  connectorRule({
    id: 'ownership/team-prefix',
    category: 'ownership',
    severity: 'error',
    summary: "The connector name is not within any team's prefixes",
    examples: {
      failing: {
        path: 'connectors/prod/orders-sink.json',
        project: exampleProject,
        content: json('orders-sink', goodSink),
      },
      passing,
    },
    check: (ctx) => {
      const teams = ctx.project?.teams ?? {};
      const name = ctx.file.name?.value;
      if (Object.keys(teams).length === 0 || !name) return [];
      if (Object.values(teams).some((t) => t.prefixes.some((p) => name.startsWith(p)))) return [];
      const prefixes = Object.entries(teams).map(([team, t]) => `${team}: ${t.prefixes.join(', ')}`);
      return [
        {
          message: `No team owns '${name}': it starts with none of the declared prefixes.`,
          at: ctx.file.name?.at,
          hint: `Prefixes: ${prefixes.join('; ')}.`,
        },
      ];
    },
  }),
  connectorRule({
    id: 'ownership/naming-pattern',
    category: 'ownership',
    severity: 'error',
    summary: "The connector name does not match the environment's naming pattern",
    examples: {
      failing: {
        path: 'connectors/prod/payments_Orders.json',
        project: exampleProject,
        content: json('payments_Orders', goodSink),
      },
      passing,
    },
    check: (ctx) => {
      const pattern = ctx.policy.namingPattern;
      const name = ctx.file.name?.value;
      if (!pattern || !name) return [];
      let re: RegExp;
      try {
        re = new RegExp(pattern);
      } catch {
        return [];
      }
      return re.test(name)
        ? []
        : [{ message: `'${name}' does not match the naming pattern ${pattern}.`, at: ctx.file.name?.at }];
    },
  }),
  connectorRule({
    id: 'ownership/max-tasks',
    category: 'ownership',
    severity: 'error',
    summary: "tasks.max above the environment's limit",
    examples: {
      failing: {
        path: 'connectors/prod/payments-orders-sink.json',
        project: exampleProject,
        content: json('payments-orders-sink', { ...goodSink, 'tasks.max': '16' }),
      },
      passing,
    },
    check: (ctx) => {
      const max = ctx.policy.maxTasks;
      const e = ctx.get('tasks.max');
      const n = Number(e?.value);
      return max !== undefined && e && Number.isFinite(n) && n > max
        ? [{ message: `tasks.max ${n} exceeds the limit ${max} of this environment.`, at: e.valueAt }]
        : [];
    },
  }),
  connectorRule({
    id: 'plugin/not-allowed',
    category: 'plugin',
    severity: 'error',
    summary: 'A connector class the environment does not allow',
    examples: {
      failing: {
        path: 'connectors/prod/payments-orders-sink.json',
        project: exampleProject.replace(
          'maxTasks: 4',
          'maxTasks: 4, allowedClasses: [io.debezium.connector.postgresql.PostgresConnector]',
        ),
        content: json('payments-orders-sink', goodSink),
      },
      passing,
    },
    check: (ctx) => {
      const allowed = ctx.policy.allowedClasses;
      if (!allowed || !ctx.cls) return [];
      const full = ctx.plugin?.class ?? ctx.cls;
      return allowed.includes(ctx.cls) || allowed.includes(full)
        ? []
        : [
            {
              message: `${ctx.cls} is not allowed in ${ctx.env?.name ?? 'this environment'}.`,
              at: ctx.get('connector.class')?.valueAt,
              hint: `Allowed: ${allowed.join(', ')}.`,
            },
          ];
    },
  }),
];

export const ownershipRepoRules: RepoRule[] = [
  repoRule({
    id: 'ownership/duplicate-name',
    category: 'ownership',
    severity: 'error',
    summary: 'Two files in one environment declare the same connector name',
    examples: {
      failing: {
        path: 'connectors/prod/payments-orders-sink.json',
        project: exampleProject,
        content: json('payments-orders-sink', goodSink),
        files: { 'connectors/prod/payments-orders-sink.v2.json': json('payments-orders-sink', goodSink) },
      },
      passing,
    },
    check: (ctx) => {
      const seen = new Map<string, string>();
      const out = [];
      for (const c of [...ctx.connectors].sort((a, b) => a.relPath.localeCompare(b.relPath))) {
        const name = c.file.name?.value;
        if (!name || !c.env) continue;
        const key = `${c.env.name}\u0000${name}`;
        const first = seen.get(key);
        if (first)
          out.push({
            file: c.relPath,
            message: `'${name}' is also declared by ${first} in environment ${c.env.name}.`,
            at: c.file.name?.at,
            hint: 'Connector names are unique per environment; rename or delete one.',
          });
        else seen.set(key, c.relPath);
      }
      return out;
    },
  }),
];
