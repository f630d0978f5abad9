/**
 * `dev up --ship-logs`: rsyslog tails the workers' log files and sends each log entry as one document to an
 * Elasticsearch / OpenSearch `_bulk` endpoint (omelasticsearch), where `kcops connect logs --source elasticsearch`
 * reads them. rsyslog rather than syslog-ng: Debian's rsyslog-elasticsearch speaks `_bulk` natively with retries and
 * an error file, imfile joins a text entry's stack trace into one message (startmsg.regex) and gives the file offset
 * (a stable sort key within a millisecond), and rsyslog is the syslog daemon most Linux hosts already run. It runs as
 * a plain foreground process with its own config, work directory and pid file in the dev home (no systemd).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { UserError } from '../errors.js';
import type { LogFormat } from './settings.js';

const run = promisify(execFile);

/** The index (and index template name) the dev stack ships into. */
export const SHIP_INDEX = 'kcops-connect-logs';

export interface ShipperConfigInput {
  /** Worker log files and the host name each document gets (`host.name`). */
  files: { path: string; host: string }[];
  /** rsyslog's state (imfile positions, queue spill) lives here. */
  workDir: string;
  /** Elasticsearch / OpenSearch base URL (http or https, with port). */
  url: string;
  index: string;
  format: LogFormat;
  /** rsyslog's own messages (errors such as a refused bulk request) go here. */
  ownLog: string;
  /** Documents the server rejected, with its answer. */
  errorFile: string;
}

/** rsyslog's config string syntax: backslash and double quote escaped. */
function q(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The rsyslog configuration (RainerScript), pure. One document per log entry:
 * `@timestamp` (when rsyslog read it; the entry keeps its own time in the message), `message` (the entry as the
 * worker wrote it: a text line with its continuation lines, or one JSON document), `host.name` (worker-1 / worker-2),
 * `kafka.connect.connector` (from the MDC context, empty when the entry has none), `log.file.path`, `log.offset`.
 */
export function rsyslogConfig(i: ShipperConfigInput): string {
  const u = new URL(i.url);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  // A text entry starts with `[yyyy-MM-dd ...] LEVEL`; every other line (stack traces) belongs to it. A JSON line is
  // a whole entry.
  const startRegex = i.format === 'text' ? '^\\\\[[0-9]{4}-[0-9]{2}-[0-9]{2}' : '^\\\\{';
  const connectorRegex =
    i.format === 'text'
      ? '^\\\\[[^]]+\\\\] [A-Z]+ \\\\[([^|\\\\]]+)\\\\|'
      : '"kafka\\\\.connect\\\\.connector":"([^"]+)"';
  const inputs = i.files.map(
    (f) =>
      `input(type="imfile" file=${q(f.path)} tag=${q(f.host)} ruleset="kcops_ship" addMetadata="on"\n` +
      `      startmsg.regex="${startRegex}" readTimeout="1" escapeLF="off" freshStartTail="on" reopenOnTruncate="on")`,
  );
  return [
    '# Written by `kcops dev up --ship-logs` (src/dev/shipper.ts); rewritten on every dev up.',
    `global(workDirectory=${q(i.workDir)} maxMessageSize="1m" parser.escapeControlCharactersOnReceive="off")`,
    'module(load="imfile" mode="polling" pollingInterval="1")',
    'module(load="omelasticsearch")',
    '',
    ...inputs,
    '',
    'template(name="kcops_doc" type="list" option.jsonf="on") {',
    '  property(outname="@timestamp" name="timegenerated" dateFormat="rfc3339" format="jsonf")',
    '  property(outname="message" name="msg" format="jsonf")',
    '  property(outname="host.name" name="syslogtag" format="jsonf")',
    '  property(outname="kafka.connect.connector" name="$!connector" format="jsonf")',
    '  property(outname="log.file.path" name="$!metadata!filename" format="jsonf")',
    '  property(outname="log.offset" name="$!metadata!fileoffset" format="jsonf")',
    '}',
    '',
    'ruleset(name="kcops_ship" queue.type="LinkedList" queue.size="50000" queue.dequeueBatchSize="500") {',
    `  set $!connector = re_extract($msg, '${connectorRegex}', 0, 1, "");`,
    '  action(type="omelasticsearch"',
    `         server=${q(`${u.protocol}//${u.hostname}`)} serverport=${q(port)}`,
    `         searchIndex=${q(i.index)} searchType="" template="kcops_doc"`,
    '         bulkmode="on" maxbytes="10m" action.resumeRetryCount="-1" action.resumeInterval="2"',
    `         errorFile=${q(i.errorFile)})`,
    '}',
    '',
    '# rsyslog about itself (a refused request, a file it cannot read).',
    `syslog.* action(type="omfile" file=${q(i.ownLog)})`,
    '',
  ].join('\n');
}

/** The index template: one shard, no replica (a dev node), the fields `connect logs` queries mapped for it. */
export function indexTemplate(index: string): Record<string, unknown> {
  return {
    index_patterns: [`${index}*`],
    template: {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: {
        properties: {
          '@timestamp': { type: 'date' },
          message: { type: 'text' },
          host: { properties: { name: { type: 'keyword' } } },
          kafka: { properties: { connect: { properties: { connector: { type: 'keyword' } } } } },
          log: { properties: { offset: { type: 'long' }, file: { properties: { path: { type: 'keyword' } } } } },
        },
      },
    },
  };
}

const RSYSLOGD = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'];
const MODULE_DIRS = ['/usr/lib/x86_64-linux-gnu/rsyslog', '/usr/lib/aarch64-linux-gnu/rsyslog', '/usr/lib/rsyslog'];

/** rsyslogd and its Elasticsearch output module, or a UserError saying what to install. */
export function findRsyslog(): string {
  const bin = RSYSLOGD.find((p) => existsSync(p));
  const hint = 'Install them: `apt-get install rsyslog rsyslog-elasticsearch` (Debian / Ubuntu).';
  if (!bin) throw new UserError('DEV_SHIPPER_MISSING', '--ship-logs needs rsyslogd, which is not installed.', { hint });
  if (!MODULE_DIRS.some((d) => existsSync(`${d}/omelasticsearch.so`)))
    throw new UserError('DEV_SHIPPER_MISSING', "--ship-logs needs rsyslog's omelasticsearch module.", { hint });
  return bin;
}

/** `rsyslogd -N1`: checks the configuration without starting, so a bad one fails `dev up` with rsyslog's words. */
export async function checkRsyslogConfig(bin: string, conf: string): Promise<void> {
  try {
    await run(bin, ['-N1', '-f', conf]);
  } catch (e) {
    const out = `${(e as { stderr?: string }).stderr ?? ''}${(e as { stdout?: string }).stdout ?? ''}`;
    throw new UserError('DEV_SHIPPER_FAILED', `rsyslog refused the shipper configuration ${conf}.`, {
      details: out.split('\n').filter(Boolean).slice(0, 8),
      cause: e,
    });
  }
}

/** The command line: foreground, our config, our pid file (the config path doubles as the process marker). */
export function rsyslogArgs(conf: string, pidFile: string): string[] {
  return ['-n', '-f', conf, '-i', pidFile];
}

/** Creates or updates the index template; best effort (a cluster that refuses still gets documents, mapped dynamically). */
export async function putIndexTemplate(url: string, index: string): Promise<string | undefined> {
  try {
    const r = await fetch(`${url.replace(/\/+$/, '')}/_index_template/${index}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(indexTemplate(index)),
      signal: AbortSignal.timeout(10_000),
    });
    return r.ok ? undefined : `the index template was refused (${r.status}): ${(await r.text()).slice(0, 200)}`;
  } catch (e) {
    return `${url} did not answer (${(e as Error).message}); rsyslog keeps the logs queued until it does`;
  }
}
