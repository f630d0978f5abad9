import { usageError } from '../../errors.js';
import { redactDeep, redactText } from '../../core/secrets/sensitive.js';
import { sanitizeTerminal } from '../render/terminal.js';
import { devUp } from '../../dev/up.js';
import { devDown } from '../../dev/down.js';
import { devStatus } from '../../dev/status.js';
import { followLogs, readLogs, resolveComponents } from '../../dev/logs.js';
import { resolveSettings, type SettingsInput } from '../../dev/settings.js';
import type { CommandHandler, OptionsFor } from '../command-spec.js';
import type { devDownCommand, devLogsCommand, devStatusCommand, devUpCommand } from '../commands/dev.js';
import { table } from '../render/output.js';

function portPair(v: unknown, flag: string): number[] | undefined {
  if (v === undefined) return undefined;
  const parts = String(v)
    .split(',')
    .map((p) => Number(p.trim()));
  if (parts.length !== 2 || parts.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535)) {
    throw usageError('USAGE', `${flag} takes two ports separated by a comma, e.g. 28083,28084 (got '${String(v)}').`);
  }
  return parts;
}

/** `dev up` declares every settings flag; the other verbs only some (--home): the rest are then absent. */
function settingsFrom(o: Partial<OptionsFor<typeof devUpCommand>>, env: NodeJS.ProcessEnv) {
  const input: SettingsInput = { env, ports: {} };
  if (o.home !== undefined) input.home = o.home;
  if (o.postgresUrl !== undefined) {
    try {
      new URL(o.postgresUrl);
    } catch {
      throw usageError(
        'USAGE',
        `--postgres-url '${o.postgresUrl}' is not a URL.`,
        'Use the form postgres://user[:password]@host:port/database.',
      );
    }
    input.postgresUrl = o.postgresUrl;
  }
  if (typeof o.exactlyOnceSource === 'boolean') input.exactlyOnceSource = o.exactlyOnceSource;
  if (o.logFormat === 'text' || o.logFormat === 'json') input.logFormat = o.logFormat;
  if (o.shipLogs === true || typeof o.shipLogsTo === 'string') {
    const to = typeof o.shipLogsTo === 'string' ? o.shipLogsTo : 'http://127.0.0.1:9200';
    let u: URL | undefined;
    try {
      u = new URL(to);
    } catch {
      u = undefined;
    }
    if (!u || !/^https?:$/.test(u.protocol) || u.username || u.password) {
      throw usageError(
        'USAGE',
        `--ship-logs-to '${u ? `${u.protocol}//${u.host}` : to}' is not an http(s) URL without credentials.`,
        'e.g. --ship-logs-to http://127.0.0.1:9200',
      );
    }
    input.shipLogsTo = to.replace(/\/+$/, '');
  }
  const ports = input.ports!;
  if (o.kafkaPort !== undefined) ports.kafka = o.kafkaPort;
  if (o.controllerPort !== undefined) ports.controller = o.controllerPort;
  if (o.s3Port !== undefined) ports.s3 = o.s3Port;
  if (o.s3HttpsPort !== undefined) ports.s3Https = o.s3HttpsPort;
  if (o.postgresPort !== undefined) ports.postgres = o.postgresPort;
  const connect = portPair(o.connectPorts, '--connect-ports');
  if (connect) ports.connect = connect;
  const metrics = portPair(o.metricsPorts, '--metrics-ports');
  if (metrics) ports.metrics = metrics;
  return resolveSettings(input);
}

export const up: CommandHandler<typeof devUpCommand> = async (ctx, _args, o) => {
  const s = settingsFrom(o, ctx.env);
  const r = await devUp(s, ctx.reporter);
  // started/alreadyRunning/secrets are for the human view; the JSON shape is the documented endpoint object.
  const { started, alreadyRunning: _alreadyRunning, readyInMs, secrets, ...endpoints } = r;
  return {
    data: endpoints,
    human: (st) =>
      [
        st.green(
          st.bold(
            started.length ? `Dev stack ready in ${(readyInMs / 1000).toFixed(1)} s` : 'Dev stack already running',
          ),
        ),
        '',
        table(
          ['', 'endpoint'],
          [
            ['Kafka', `${r.kafka.bootstrap} (SASL_PLAINTEXT, PLAIN)`],
            ['Connect', r.connect.urls.join('  ')],
            ['Metrics', r.metrics.join('  ')],
            ['Exactly-once', r.exactlyOnceSource ? 'source support enabled (KIP-618)' : 'off'],
            ['S3', `${r.s3.endpoint}  bucket ${r.s3.bucket}`],
            ['PostgreSQL', r.postgres.url],
            ['Credentials', `${r.credentialsFile} (0600)`],
            ['Secrets', Object.values(secrets).join('\n' + ' '.repeat(13))],
            ['Logs', `${r.logs.dir} (${r.logs.format})`],
            ...(r.shipLogs ? [['Log shipping', `rsyslog → ${r.shipLogs.to} index ${r.shipLogs.index}`]] : []),
          ],
        ),
        '',
        st.dim('Next: `kcops dev status`, `kcops dev logs worker-1 -f`, `kcops dev down`'),
      ].join('\n'),
  };
};

export const down: CommandHandler<typeof devDownCommand> = async (ctx, _args, o) => {
  const s = settingsFrom(o, ctx.env);
  const r = await devDown(s, ctx.reporter, { purge: o.purge });
  return {
    data: r,
    human: (st) =>
      r.stopped.length === 0 && r.purged.length === 0
        ? 'Nothing to stop: no dev stack was started from ' + s.home
        : [
            ...r.stopped.map(
              (p) => `${p.how === 'not-running' ? st.dim('·') : st.green('✔')} ${p.component} (pid ${p.pid}) ${p.how}`,
            ),
            ...r.purged.map((d) => `${st.yellow('✖')} removed ${d}`),
          ].join('\n'),
  };
};

export const status: CommandHandler<typeof devStatusCommand> = async (ctx, _args, o) => {
  const s = settingsFrom(o, ctx.env);
  const r = await devStatus(s);
  const mib = (b: number | null) => (b === null ? '-' : `${Math.round(b / 1024 ** 2)} MiB`);
  return {
    data: r,
    human: (st) =>
      r.components.length === 0
        ? `No dev stack in ${s.home}. Start one with \`kcops dev up\`.`
        : table(
            ['COMPONENT', 'PID', 'PORTS', 'HEALTH', 'RSS', 'DETAIL'],
            r.components.map((c) => [
              c.component,
              c.pid === null ? '-' : String(c.pid),
              c.ports.join(',') || '-',
              c.health === 'healthy'
                ? st.green(c.health)
                : c.health === 'stopped'
                  ? st.dim(c.health)
                  : st.red(c.health),
              mib(c.rssBytes),
              c.detail,
            ]),
          ),
    exitCode: r.components.length > 0 && r.components.every((c) => c.health === 'healthy') ? 0 : 1,
  };
};

export const logs: CommandHandler<typeof devLogsCommand> = async (ctx, args, o) => {
  const s = settingsFrom(o, ctx.env);
  const components = resolveComponents(args[0]);
  const connector = o.connector;
  const lines = readLogs(s, components, o.lines, connector);
  const prefix = components.length > 1;
  const fmt = (l: { component: string; line: string }) => (prefix ? `${l.component.padEnd(8)} | ${l.line}` : l.line);
  // Followed lines bypass the result renderer: they get its redaction and escaping here.
  const followed = (l: { component: string; line: string }) =>
    (ctx.globals.output === 'json' ? JSON.stringify(redactDeep(l)) : sanitizeTerminal(redactText(fmt(l)))) + '\n';
  if (o.follow) {
    for (const l of lines) ctx.stdout.write(followed(l));
    const ac = new AbortController();
    process.once('SIGINT', () => ac.abort());
    process.once('SIGTERM', () => ac.abort());
    await followLogs(s, components, (l) => ctx.stdout.write(followed(l)), ac.signal, connector);
    return { data: {}, human: () => '' };
  }
  return { data: { lines }, human: () => lines.map(fmt).join('\n') };
};
