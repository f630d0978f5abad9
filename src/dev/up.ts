import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Reporter } from '../core/reporter.js';
import { UserError } from '../errors.js';
import { httpJson } from '../connect/http.js';
import { createAcls, groupMemberCount, saslAdmin } from '../kafka/admin.js';
import { ensureRuntime, type RuntimeArtifacts } from './artifacts.js';
import { ensureAccessExtension } from './access.js';
import { devAcls } from './acls.js';
import { brokerCommand, marker, s3Command, storageFormatCommand, workerCommand } from './commands.js';
import { loadOrCreateCredentials, type Credentials } from './credentials.js';
import { secretFiles, workerSecretEnv, writeStackFiles } from './files.js';
import { checkDisk, checkJava, checkPorts, type PortUse } from './preflight.js';
import { isOurs, startDetached, tailFile } from './process.js';
import { undoStart } from './undo-start.js';
import { checkRsyslogConfig, findRsyslog, prepareIndex, rsyslogArgs, rsyslogConfig, SHIP_INDEX } from './shipper.js';
import {
  DEV_DATABASE,
  embeddedInitialised,
  initEmbedded,
  pgQuery,
  provision,
  requireLogical,
  startEmbedded,
  withCredentials,
  withoutPassword,
} from './postgres.js';
import { REQUIRED_PLUGINS } from './plugins.js';
import { connectUrls, layout, metricsUrls, postgresDataDir, type Component, type DevSettings } from './settings.js';
import { readState, writeState, type DevState } from './state.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);

export interface UpResult {
  kafka: { bootstrap: string; saslMechanism: 'PLAIN' };
  connect: { urls: string[] };
  postgres: { url: string };
  s3: { endpoint: string; bucket: string };
  credentialsFile: string;
  /** The API key file (`kcops access keys --key-file`) and each worker's server-side audit file (issue #15). */
  access: { keysFile: string; auditFiles: string[] };
  metrics: string[];
  /** KIP-618 exactly-once source support on the workers (`--exactly-once-source`). */
  exactlyOnceSource: boolean;
  logs: { dir: string; format: 'text' | 'json' };
  /** `--ship-logs`: where rsyslog sends the workers' logs (read them with `connect logs --source elasticsearch`). */
  shipLogs?: { to: string; index: string; config: string };
  secrets: Record<string, string>;
  started: Component[];
  alreadyRunning: Component[];
  readyInMs: number;
}

/** How long each component may take to become ready; KCOPS_DEV_READY_TIMEOUT_MS raises it on a loaded machine. */
const READY_TIMEOUT_MS = Number(process.env.KCOPS_DEV_READY_TIMEOUT_MS) || 180_000;

export async function devUp(settingsIn: DevSettings, reporter: Reporter): Promise<UpResult> {
  const t0 = Date.now();
  const java = await checkJava(settingsIn.javaHome);
  checkDisk(settingsIn.home);
  // --ship-logs without rsyslog fails here, before anything starts, not after the whole stack came up.
  if (settingsIn.shipLogsTo) findRsyslog();
  const rt = await ensureRuntime(settingsIn.cacheDir, reporter);
  // KCOPS_DEV_ACCESS=off: Connect's plain basic-auth extension instead (admin identity only), for comparisons such
  // as bench/connect-access.bench.js; API keys and the audit are then off.
  const access =
    process.env.KCOPS_DEV_ACCESS === 'off' ? undefined : await ensureAccessExtension(settingsIn.cacheDir, reporter);
  const l = layout(settingsIn);
  const previous = readState(l.state);
  const alive = (c: Component): boolean => {
    const p = previous?.processes[c];
    return p !== undefined && isOurs(p.pid, p.marker);
  };
  // A running stack keeps its ports: `dev up` again is a no-op, whatever flags it gets.
  const s: DevSettings =
    previous && Object.values(previous.processes).some((p) => p && isOurs(p.pid, p.marker))
      ? {
          ...settingsIn,
          ports: {
            ...previous.ports,
            connect: [previous.ports.connect[0] ?? 0, previous.ports.connect[1] ?? 0],
            metrics: [previous.ports.metrics[0] ?? 0, previous.ports.metrics[1] ?? 0],
          },
        }
      : { ...settingsIn };
  // A stack made with --postgres-url stays on that server when `dev up` runs again without the flag (to restart a
  // dead worker, say); only a server that needs a password must be given again.
  if (!s.postgresUrl && previous?.postgres.mode === 'external' && previous.postgres.adminUrl) {
    s.postgresUrl = previous.postgres.adminUrl;
  }
  // Exactly-once source support stays as the stack was made unless asked otherwise; a running worker keeps the
  // setting it started with until it restarts (`dev down`, then `dev up`).
  const eosBefore = previous?.exactlyOnceSource ?? false;
  s.exactlyOnceSource = s.exactlyOnceSource ?? eosBefore;
  if (s.exactlyOnceSource !== eosBefore && (alive('worker-1') || alive('worker-2'))) {
    reporter.warn(
      `The running workers keep exactly-once source support ${eosBefore ? 'on' : 'off'}; run \`kcops dev down\` then \`kcops dev up\` to change it.`,
    );
    s.exactlyOnceSource = eosBefore;
  }

  if (!s.logFormat && previous?.logFormat) s.logFormat = previous.logFormat;

  const { credentials: creds } = loadOrCreateCredentials(l.credentials);
  const isRoot = process.getuid?.() === 0;
  const pgMode = s.postgresUrl ? 'external' : 'embedded';
  const pgAdminUrl =
    s.postgresUrl ?? withCredentials(`postgres://127.0.0.1:${s.ports.postgres}/postgres`, pgAdmin(creds));
  const pgEndpoint = new URL(pgAdminUrl);
  writeStackFiles(
    s,
    creds,
    rt,
    { host: pgEndpoint.hostname, port: Number(pgEndpoint.port || 5432) },
    access?.pluginDir,
  );

  const state: DevState = previous ?? {
    formatVersion: 1,
    home: s.home,
    runtime: rt.root,
    kafkaClusterId: randomBytes(16).toString('base64url'),
    ports: s.ports,
    postgres: { mode: pgMode, url: '' },
    processes: {},
  };
  state.runtime = rt.root;
  state.logFormat = s.logFormat ?? 'text';
  state.ports = s.ports;
  state.exactlyOnceSource = s.exactlyOnceSource;
  state.postgres = {
    mode: pgMode,
    url: withoutPassword(withCredentials(pgAdminUrl, creds.postgres?.cdc ?? pgAdmin(creds), DEV_DATABASE)),
    ...(pgMode === 'embedded' ? { dataDir: postgresDataDir(s, isRoot) } : { adminUrl: withoutPassword(pgAdminUrl) }),
  };
  const started: Component[] = [];
  const alreadyRunning: Component[] = [];
  const save = () => writeState(l.state, state);
  const record = (c: Component, pid: number, ports: number[]) => {
    state.processes[c] = {
      pid,
      marker: c === 'postgres' ? (state.postgres.dataDir ?? '') : c === 'shipper' ? l.shipperConfig : marker(s, c),
      ports,
      startedAt: new Date().toISOString(),
    };
    started.push(c);
    save();
  };
  const died = (c: Component): string | undefined => {
    const p = state.processes[c];
    return p && !isOurs(p.pid, p.marker) ? `The ${c} process (pid ${p.pid}) exited while starting.` : undefined;
  };
  const logTail = (c: Component) => () => [...tailFile(l.console(c), 8), ...tailFile(l.log(c), 12)];
  const env = { ...process.env, KCOPS_DEV_HOME: s.home };

  // Every port of every component this run will start, before it starts any (issue 19 §5).
  await checkPorts(portsToStart(s, pgMode === 'embedded', alive));

  try {
    return await startAll();
  } catch (e) {
    // Stop what this run started rather than leave it running unannounced; say what (and what could not be stopped).
    const undo = await undoStart(
      started.flatMap((c) => {
        const p = state.processes[c];
        return p ? [{ component: c, pid: p.pid, marker: p.marker }] : [];
      }),
      s.home,
    );
    for (const p of undo.stopped) delete state.processes[p.component];
    save();
    if (e instanceof UserError) e.details.push(...undo.note);
    else for (const line of undo.note) reporter.warn(line);
    throw e;
  }

  /**
   * 4. The log shipper (`--ship-logs`): rsyslog tailing both workers' files into `to`. Its config is rewritten every
   * run; a running shipper is left alone, like every other component.
   */
  async function startShipper(to: string): Promise<void> {
    const step = reporter.step(`Starting the log shipper (rsyslog → ${to})`);
    const bin = findRsyslog();
    mkdirSync(l.shipperWorkDir, { recursive: true, mode: 0o700 });
    writeFileSync(
      l.shipperConfig,
      rsyslogConfig({
        files: (['worker-1', 'worker-2'] as const).map((c) => ({ path: l.log(c), host: c })),
        workDir: l.shipperWorkDir,
        url: to,
        index: SHIP_INDEX,
        format: s.logFormat ?? 'text',
        ownLog: l.log('shipper'),
        errorFile: l.shipperRejected,
      }),
    );
    await checkRsyslogConfig(bin, l.shipperConfig);
    const problem = await prepareIndex(to, SHIP_INDEX);
    if (problem) reporter.warn(`Log shipping: ${problem}.`);
    if (alive('shipper')) {
      alreadyRunning.push('shipper');
      step.done(
        'Log shipper already running (a changed --ship-logs-to applies once it is restarted: dev down, dev up)',
      );
      return;
    }
    record(
      'shipper',
      startDetached({
        command: bin,
        args: rsyslogArgs(l.shipperConfig, join(l.shipperWorkDir, 'rsyslogd.pid')),
        consoleFile: l.console('shipper'),
        env,
      }),
      [],
    );
    // rsyslogd exits at once on a fatal start-up error (a module that will not load): give it a moment to say so.
    await new Promise((r) => setTimeout(r, 1000));
    const gone = died('shipper');
    if (gone) {
      throw new UserError('DEV_SHIPPER_FAILED', gone, {
        hint: `See ${l.console('shipper')} and ${l.log('shipper')}.`,
        details: tailFile(l.console('shipper'), 8),
      });
    }
    step.done(`Log shipper running: ${l.log('worker-1')}, ${l.log('worker-2')} → ${to} index ${SHIP_INDEX}`);
  }

  async function startAll(): Promise<UpResult> {
    // 1. Broker, S3 and PostgreSQL start side by side.
    const startStep = reporter.step('Starting Kafka broker, S3 server and PostgreSQL');
    if (alive('broker')) alreadyRunning.push('broker');
    else {
      if (!existsSync(join(l.kafkaData, 'meta.properties'))) {
        const f = storageFormatCommand(rt, l.configDir, state.kafkaClusterId);
        await run(java.binary, f.args, { env }).catch((e: { stderr?: string }) => {
          throw new UserError('DEV_KAFKA_FORMAT_FAILED', 'Formatting the KRaft storage failed.', {
            details: (e.stderr ?? '').split('\n').slice(-8),
          });
        });
      }
      record(
        'broker',
        startDetached({
          command: java.binary,
          args: brokerCommand(s, rt, l.configDir, l.logsDir).args,
          consoleFile: l.console('broker'),
          env,
        }),
        [s.ports.kafka, s.ports.controller],
      );
    }
    if (alive('s3')) alreadyRunning.push('s3');
    else {
      record(
        's3',
        startDetached({ command: java.binary, args: s3Command(s, rt, l.s3Data).args, consoleFile: l.log('s3'), env }),
        [s.ports.s3, s.ports.s3Https],
      );
    }
    if (pgMode === 'embedded') {
      if (alive('postgres')) alreadyRunning.push('postgres');
      else {
        const dataDir = state.postgres.dataDir ?? '';
        if (!embeddedInitialised(dataDir)) await initEmbedded(dataDir, pgAdmin(creds), l.log('postgres'));
        record('postgres', await startEmbedded(dataDir, s.ports.postgres, l.log('postgres')), [s.ports.postgres]);
      }
    }
    startStep.done(
      started.length ? `Started ${started.join(', ')}` : 'Broker, S3 server and PostgreSQL already running',
    );

    // 2. Broker ready → ACLs → workers.
    const kafkaStep = reporter.step('Waiting for the Kafka broker');
    const bootstrap = `127.0.0.1:${s.ports.kafka}`;
    const admin = saslAdmin(bootstrap, creds.kafka.admin, 'kcops-dev');
    try {
      await waitFor(async () => ((await admin.listTopics({ includeInternals: true })) ? true : undefined), {
        what: `the Kafka broker on ${bootstrap}`,
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 1000,
        abort: () => died('broker'),
        details: logTail('broker'),
        hint: `See ${l.log('broker')} (\`kcops dev logs broker\`).`,
      });
      await createAcls(admin, devAcls(s, creds));
      kafkaStep.done('Kafka broker ready (SASL/PLAIN, ACLs enforced)');

      const workersStep = reporter.step('Starting 2 Connect workers');
      for (const i of [0, 1] as const) {
        const c: Component = i === 0 ? 'worker-1' : 'worker-2';
        if (alive(c)) {
          alreadyRunning.push(c);
          continue;
        }
        record(
          c,
          startDetached({
            command: java.binary,
            args: workerCommand(s, rt, i, l.configDir, l.logsDir, access ? [access.jar] : []).args,
            consoleFile: l.console(c),
            env: {
              ...env,
              ...workerSecretEnv(creds, { host: pgEndpoint.hostname, port: Number(pgEndpoint.port || 5432) }),
            },
          }),
          [s.ports.connect[i], s.ports.metrics[i]],
        );
      }
      await Promise.all(
        ([0, 1] as const).map((i) => {
          const c: Component = i === 0 ? 'worker-1' : 'worker-2';
          const url = connectUrls(s)[i] ?? '';
          return waitFor(
            async () => {
              const r = await httpJson<{ class: string }[]>(`${url}/connector-plugins`, {
                auth: creds.connect,
                timeoutMs: 5000,
              });
              if (r.status !== 200 || !Array.isArray(r.body)) return undefined;
              const have = new Set(r.body.map((p) => p.class));
              return REQUIRED_PLUGINS.every((p) => have.has(p.class)) ? true : undefined;
            },
            {
              what: `${c} at ${url} to serve its REST API with every plugin loaded`,
              timeoutMs: READY_TIMEOUT_MS,
              intervalMs: 1000,
              abort: () => died(c),
              details: logTail(c),
              hint: `See ${l.log(c)} (\`kcops dev logs ${c}\`).`,
            },
          );
        }),
      );
      workersStep.update('joining the group');
      await waitFor(
        async () => ((await groupMemberCount(bootstrap, creds.kafka.admin, s.connectGroup)) === 2 ? true : undefined),
        {
          what: `both workers to join the Connect group '${s.connectGroup}'`,
          timeoutMs: 60_000,
          intervalMs: 1000,
          hint: `See ${l.log('worker-1')} and ${l.log('worker-2')}.`,
        },
      );
      workersStep.done('2 Connect workers in one group, plugins loaded');
    } finally {
      await admin.close().catch(() => undefined);
    }

    // 3. S3 and PostgreSQL ready.
    const otherStep = reporter.step('Waiting for the S3 server and PostgreSQL');
    await waitFor(
      async () => {
        const r = await httpJson(`http://127.0.0.1:${s.ports.s3}/favicon.ico`, { timeoutMs: 3000 });
        return r.status >= 200 && r.status < 300 ? true : undefined;
      },
      {
        what: `the S3 server on port ${s.ports.s3}`,
        timeoutMs: READY_TIMEOUT_MS,
        abort: () => died('s3'),
        details: logTail('s3'),
        hint: `See ${l.log('s3')}.`,
      },
    );
    await waitFor(async () => ((await pgQuery(pgAdminUrl, 'SELECT 1')).length ? true : undefined), {
      what: `PostgreSQL at ${withoutPassword(pgAdminUrl)}`,
      timeoutMs: pgMode === 'embedded' ? 60_000 : 10_000,
      abort: () => (pgMode === 'embedded' ? died('postgres') : undefined),
      details: logTail('postgres'),
      hint:
        pgMode === 'embedded'
          ? `See ${l.log('postgres')}.`
          : 'Check that the server given with --postgres-url is running and accepts the connection.',
    });
    await requireLogical(pgAdminUrl, withoutPassword(pgAdminUrl));
    await provision(pgAdminUrl, creds);
    otherStep.done('S3 server and PostgreSQL ready');
    save();
    if (s.shipLogsTo) await startShipper(s.shipLogsTo);

    return {
      kafka: { bootstrap, saslMechanism: 'PLAIN' },
      connect: { urls: connectUrls(s) },
      postgres: { url: state.postgres.url },
      s3: { endpoint: `http://127.0.0.1:${s.ports.s3}`, bucket: s.bucket },
      credentialsFile: l.credentials,
      access: { keysFile: l.accessKeys, auditFiles: [l.accessAudit('worker-1'), l.accessAudit('worker-2')] },
      metrics: metricsUrls(s),
      exactlyOnceSource: s.exactlyOnceSource ?? false,
      logs: { dir: l.logsDir, format: s.logFormat ?? 'text' },
      ...(s.shipLogsTo ? { shipLogs: { to: s.shipLogsTo, index: SHIP_INDEX, config: l.shipperConfig } } : {}),
      secrets: secretFiles(s, creds),
      started,
      alreadyRunning,
      readyInMs: Date.now() - t0,
    };
  }
}

/** The ports of the components `dev up` is about to start (those already running keep theirs). */
export function portsToStart(s: DevSettings, embeddedPostgres: boolean, alive: (c: Component) => boolean): PortUse[] {
  const out: PortUse[] = [];
  if (!alive('broker'))
    out.push(
      port(s.ports.kafka, 'Kafka broker', '--kafka-port'),
      port(s.ports.controller, 'KRaft controller', '--controller-port'),
    );
  if (!alive('s3'))
    out.push(port(s.ports.s3, 'S3 server', '--s3-port'), port(s.ports.s3Https, 'S3 server (https)', '--s3-https-port'));
  if (embeddedPostgres && !alive('postgres')) out.push(port(s.ports.postgres, 'PostgreSQL', '--postgres-port'));
  for (const i of [0, 1] as const) {
    const c: Component = i === 0 ? 'worker-1' : 'worker-2';
    if (!alive(c))
      out.push(
        port(s.ports.connect[i], `Connect ${c} REST`, '--connect-ports'),
        port(s.ports.metrics[i], `${c} metrics`, '--metrics-ports'),
      );
  }
  return out;
}

function pgAdmin(c: Credentials) {
  return c.postgres?.admin ?? { username: 'postgres', password: '' };
}

function port(p: number | undefined, what: string, flag: string): PortUse {
  return { port: p ?? 0, what, flag };
}

export type { RuntimeArtifacts };
