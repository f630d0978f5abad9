import { dirname, resolve } from 'node:path';
import { ExitCode, usageError } from '../../errors.js';
import { openBackend } from '../../core/environment/open.js';
import { findProjectFile } from '../../core/project/load-project.js';
import { devClean } from '../../dev/clean.js';
import { teamPrefix } from '../../dev/acls.js';
import { devTarget } from '../../dev/environment.js';
import { datagenKafka as genKafka } from '../../dev/datagen/kafka.js';
import { datagenPostgres as genPostgres, splitTable } from '../../dev/datagen/postgres.js';
import { freshSeed } from '../../dev/datagen/random.js';
import { datagenS3 as genS3 } from '../../dev/datagen/s3.js';
import { findSchemaForTable } from '../../dev/datagen/schemas.js';
import { resolveSettings } from '../../dev/settings.js';
import { openStack } from '../../dev/stack.js';
import { verifyFlow } from '../../dev/verify/verify.js';
import type { Pace } from '../../dev/datagen/pace.js';
import type { CommandHandler } from '../command-spec.js';
import type {
  devCleanCommand,
  devDatagenKafkaCommand,
  devDatagenPostgresCommand,
  devDatagenS3Command,
  devVerifyCommand,
} from '../commands/dev-data.js';
import type { CliContext } from '../context.js';
import { table } from '../render/output.js';
import { parseDuration } from './duration.js';

function homeEnv(ctx: CliContext, o: Record<string, unknown>): NodeJS.ProcessEnv {
  return typeof o.home === 'string' ? { ...ctx.env, KCOPS_DEV_HOME: resolve(ctx.cwd, o.home) } : ctx.env;
}

function stackOf(ctx: CliContext, o: Record<string, unknown>) {
  return openStack(resolveSettings({ env: homeEnv(ctx, o) }));
}

function paceOf(o: Record<string, unknown>): Pace & { seed: number } {
  return {
    ...(typeof o.count === 'number' ? { count: o.count } : {}),
    ...(typeof o.rate === 'number' ? { rate: o.rate } : {}),
    ...(typeof o.duration === 'string' ? { durationMs: parseDuration(o.duration, '--duration') } : {}),
    seed: typeof o.seed === 'number' ? o.seed : freshSeed(),
  };
}

function required(o: Record<string, unknown>, key: string, flag: string): string {
  const v = o[key];
  if (typeof v !== 'string' || !v) throw usageError('USAGE', `${flag} is required.`);
  return v;
}

const rate = (n: number, what: string, s: number) => `${n} ${what} in ${s} s (${s > 0 ? Math.round(n / s) : n}/s)`;

export const datagenPostgres: CommandHandler<typeof devDatagenPostgresCommand> = async (ctx, _args, o) => {
  const stack = stackOf(ctx, o);
  const t = required(o, 'table', '--table');
  const database = typeof o.database === 'string' ? o.database : 'kcops';
  const project = findProjectFile(ctx.cwd);
  const schemaFile =
    typeof o.schema === 'string'
      ? resolve(ctx.cwd, o.schema)
      : project
        ? findSchemaForTable(dirname(project), splitTable(t).table)
        : undefined;
  const r = await genPostgres({
    ...paceOf(o),
    url: stack.pgUrl(database),
    database,
    table: t,
    ...(schemaFile ? { schemaFile } : {}),
    reporter: ctx.reporter,
  });
  return {
    data: r,
    human: (st) =>
      [
        ...(r.created ? [st.yellow(`Created ${r.table} from ${r.createdFrom}`)] : []),
        st.green(`✔ ${rate(r.rows, `rows into ${database}.${r.table}`, r.seconds)}`),
        st.dim(`columns ${r.columns.join(', ')} · seed ${r.seed}`),
      ].join('\n'),
  };
};

export const datagenKafka: CommandHandler<typeof devDatagenKafkaCommand> = async (ctx, _args, o) => {
  const stack = stackOf(ctx, o);
  const topic = required(o, 'topic', '--topic');
  const account =
    typeof o.as === 'string'
      ? o.as
      : Object.keys(stack.credentials.kafka.serviceAccounts).find((a) => topic.startsWith(`${teamPrefix(a)}.`));
  if (!account) {
    throw usageError(
      'USAGE',
      `No team owns topic ${topic}: name the service account with --as.`,
      `Team topics start with the team's name and a dot (payments.*); accounts: ${Object.keys(stack.credentials.kafka.serviceAccounts).join(', ')}.`,
    );
  }
  const r = await genKafka({
    ...paceOf(o),
    kafka: stack.kafkaAs(account),
    principal: account,
    topic,
    format: o.format === 'avro' ? 'avro' : 'json',
    ...(typeof o.schema === 'string' ? { schemaFile: resolve(ctx.cwd, o.schema) } : {}),
    ...(typeof o.schemaRegistryUrl === 'string' ? { schemaRegistryUrl: o.schemaRegistryUrl } : {}),
    ...(typeof o.partitions === 'number' ? { partitions: o.partitions } : {}),
    reporter: ctx.reporter,
  });
  return {
    data: r,
    human: (st) =>
      [
        st.green(`✔ ${rate(r.records, `${r.format} records to ${r.topic} as ${r.principal}`, r.seconds)}`),
        st.dim(`${r.schemaId !== undefined ? `schema id ${r.schemaId} (${r.subject}) · ` : ''}seed ${r.seed}`),
      ].join('\n'),
  };
};

export const datagenS3: CommandHandler<typeof devDatagenS3Command> = async (ctx, _args, o) => {
  const stack = stackOf(ctx, o);
  const r = await genS3({
    ...paceOf(o),
    endpoint: stack.s3.endpoint,
    bucket: typeof o.bucket === 'string' ? o.bucket : stack.s3.bucket,
    prefix: required(o, 'prefix', '--prefix'),
    perObject: typeof o.perObject === 'number' ? o.perObject : 100,
    ...(typeof o.schema === 'string' ? { schemaFile: resolve(ctx.cwd, o.schema) } : {}),
    reporter: ctx.reporter,
  });
  return {
    data: r,
    human: (st) =>
      [
        st.green(
          `✔ ${rate(r.records, `records in ${r.objects} objects under s3://${r.bucket}/${r.prefix}`, r.seconds)}`,
        ),
        st.dim(`seed ${r.seed}`),
      ].join('\n'),
  };
};

/** The dev stack's Connect cluster, whatever kcops.yaml of the current directory says. */
async function withDevCluster<T>(
  ctx: CliContext,
  o: Record<string, unknown>,
  run: (c: import('../../connect/cluster.js').ConnectCluster) => Promise<T>,
): Promise<T> {
  const b = await openBackend(devTarget(homeEnv(ctx, o)), { reporter: ctx.reporter });
  try {
    return await run(b.connect);
  } finally {
    await b.close();
  }
}

export const verify: CommandHandler<typeof devVerifyCommand> = async (ctx, args, o) => {
  const source = args[0];
  if (typeof source !== 'string' || !source) throw usageError('USAGE', 'Name the source connector.');
  const sinks = Array.isArray(o.sink) ? (o.sink as string[]) : typeof o.sink === 'string' ? [o.sink] : [];
  const stack = stackOf(ctx, o);
  const r = await withDevCluster(ctx, o, (c) =>
    verifyFlow({
      source,
      sinks,
      connectorConfig: (n) => c.connectorConfig(n),
      stack,
      timeoutMs: parseDuration(typeof o.timeout === 'string' ? o.timeout : '120s', '--timeout'),
      ...(typeof o.timestampField === 'string' ? { timestampField: o.timestampField } : {}),
      reporter: ctx.reporter,
    }),
  );
  const show = typeof o.show === 'number' ? o.show : 20;
  const lat = (l: { p50Ms: number; p99Ms: number; samples: number } | undefined) =>
    l ? `p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms (${l.samples} records)` : '-';
  return {
    data: r,
    exitCode: r.ok ? ExitCode.Ok : ExitCode.Error,
    human: (st) => {
      const lines = [
        table(
          ['STAGE', 'WHERE', 'RECORDS', 'KEYS', 'LATENCY'],
          [
            ['source', `${r.source.database}.${r.source.table}`, String(r.source.rows), String(r.source.rows), ''],
            ['topic', r.topic.name, String(r.topic.records), String(r.topic.keys), lat(r.latency.topic)],
            ...r.sinks.map((s) => [
              s.connector,
              s.target,
              String(s.records),
              String(s.keys),
              lat(r.latency.sinks[s.connector]),
            ]),
          ],
        ),
        '',
      ];
      if (r.ok)
        lines.push(st.green(`✔ ${r.source.rows} rows agree at every stage (${(r.waitedMs / 1000).toFixed(1)} s)`));
      else {
        lines.push(st.red(`✖ ${r.mismatches.total} keys disagree after ${(r.waitedMs / 1000).toFixed(1)} s`));
        lines.push(
          table(
            ['KEY', 'SOURCE', 'TOPIC', ...r.sinks.map((s) => s.connector), 'PROBLEM'],
            r.mismatches.keys
              .slice(0, show)
              .map((m) => [
                m.key,
                String(m.source),
                String(m.topic),
                ...r.sinks.map((s) => String(m.sinks[s.connector] ?? 0)),
                m.problems.join(' '),
              ]),
          ),
        );
        if (r.mismatches.total > show)
          lines.push(st.dim(`… and ${r.mismatches.total - show} more (-o json lists all)`));
        lines.push(
          st.dim(
            'Next: `kcops connect status <name>` and `kcops connect logs <name> --level ERROR` for the stage that lags.',
          ),
        );
      }
      return lines.join('\n');
    },
  };
};

export const clean: CommandHandler<typeof devCleanCommand> = async (ctx, args, o) => {
  const prefix = args[0];
  if (typeof prefix !== 'string' || !prefix) throw usageError('USAGE', 'Name the prefix of the test resources.');
  const stack = stackOf(ctx, o);
  const r = await withDevCluster(ctx, o, (cluster) =>
    devClean({ prefix, apply: Boolean(o.approve), cluster, stack, reporter: ctx.reporter }),
  );
  const kinds = Object.entries(r.found) as [string, string[]][];
  const total = kinds.reduce((n, [, xs]) => n + xs.length, 0);
  return {
    data: r,
    exitCode: r.failures.length ? ExitCode.Error : ExitCode.Ok,
    human: (st) => {
      const rows = kinds.flatMap(([kind, xs]) => xs.map((x) => [kind, x]));
      const lines = [
        total === 0 ? st.dim(`Nothing named ${r.matched.join(' | ')}*`) : table(['KIND', 'NAME'], rows),
        '',
      ];
      if (!r.applied && total > 0)
        lines.push(st.yellow(`Dry run: ${total} resources would be deleted. Run again with --approve to delete them.`));
      if (r.applied) lines.push(st.green(`✔ deleted ${total - r.failures.length} of ${total}`));
      for (const f of r.failures) lines.push(st.red(`✖ ${f.resource}: ${f.reason}`));
      return lines.join('\n');
    },
  };
};
