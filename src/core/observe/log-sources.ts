import { UserError } from '../../errors.js';
import { parseDuration } from '../duration.js';
import { CloudWatchLogSource } from './cloudwatch-log-source.js';
import { ElasticsearchLogSource } from './elasticsearch-log-source.js';
import { resolveLocally } from '../secrets/resolve.js';
import { FileLogSource } from './file-log-source.js';
import type { LogSource } from './log-source.js';
import { configuredLogSources, type LogSourceConfig, type OpsTarget } from './target.js';
import type { Reporter } from '../reporter.js';
import type { LogSourceChoice } from './log-source-choices.js';

/**
 * The log source of an environment; the reporter hears what a source has to say about a read. Without a choice: the
 * first configured one (observability.logs, one source or a list) or, with none, the backend's own (Confluent Cloud's
 * logs API). With a choice (`--source`): the configured source of that type, or the backend's for `confluent-cloud`;
 * one that is not there is an error naming those that are.
 */
export function logSourceFor(
  t: OpsTarget,
  reporter?: Reporter,
  backendLogs?: () => LogSource,
  choice?: LogSourceChoice,
): LogSource {
  const configured = configuredLogSources(t.observability);
  if (choice === undefined) {
    const first = configured[0];
    if (!first && backendLogs) return backendLogs();
    if (!first) {
      throw new UserError('LOGS_NOT_CONFIGURED', `No log source is configured for environment '${t.env}'.`, {
        hint: 'Declare observability.logs (files, cloudwatch or elasticsearch) for it; see docs/episodes/03-operate-connectors.md.',
      });
    }
    return build(t, first, reporter);
  }
  const type = choice === 'file' ? 'files' : choice;
  if (type === 'confluent-cloud') {
    if (backendLogs) return backendLogs();
    throw notConfigured(
      t,
      type,
      configured,
      false,
      t.clusterType === 'confluent-cloud'
        ? "Confluent Cloud's logs API needs the environment's Cloud API key (cluster.credentials in kcops.yaml, or `kcops login`)."
        : `Environment '${t.env}' is a self-managed cluster: Confluent Cloud's logs API has no logs of it.`,
    );
  }
  const c = configured.find((x) => x.type === type);
  if (!c) throw notConfigured(t, type, configured, backendLogs !== undefined);
  return build(t, c, reporter);
}

function notConfigured(
  t: OpsTarget,
  type: string,
  configured: LogSourceConfig[],
  cloudLogs: boolean,
  why?: string,
): UserError {
  const have = [...configured.map((x) => x.type), ...(cloudLogs ? ['confluent-cloud'] : [])];
  const listed = have.length ? `It has: ${have.join(', ')}.` : 'It has none.';
  return new UserError('LOGS_NOT_CONFIGURED', `Environment '${t.env}' has no ${type} log source. ${listed}`, {
    hint:
      why ??
      `Add it to ${t.env}.logs in kcops.observability.yaml: logs may be a list of sources (the first is the default), ` +
        'e.g. `logs: [{ type: dev-stack }, { type: elasticsearch, url: ..., index: ... }]`; see docs/episodes/03-operate-connectors.md.',
  });
}

function build(t: OpsTarget, l: LogSourceConfig, reporter?: Reporter): LogSource {
  if (l.type === 'files') {
    return new FileLogSource({
      files: l.files,
      ...(l.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: l.utcOffsetMinutes } : {}),
    });
  }
  if (l.type === 'cloudwatch') {
    return new CloudWatchLogSource({
      region: l.region,
      logGroup: l.logGroup,
      ...(l.logStreamPrefix ? { logStreamPrefix: l.logStreamPrefix } : {}),
      ...(l.endpoint ? { endpoint: l.endpoint } : {}),
      ...(l.insightsAbove ? { insightsAboveMs: insightsAboveMs(l.insightsAbove) } : {}),
      ...(reporter ? { reporter } : {}),
    });
  }
  const resolve = t.resolveSecret ?? ((ref: string) => resolveLocally(ref, {}, process.env));
  const a = l.auth;
  return new ElasticsearchLogSource({
    url: l.url,
    ...(l.index ? { index: l.index } : {}),
    fields: {
      ...(l.messageField ? { message: l.messageField } : {}),
      ...(l.timestampField ? { timestamp: l.timestampField } : {}),
      ...(l.connectorField ? { connector: l.connectorField } : {}),
      ...(l.hostField ? { host: l.hostField } : {}),
      ...(l.tiebreakerField ? { tiebreaker: l.tiebreakerField } : {}),
    },
    ...(a && 'apiKey' in a ? { auth: { apiKey: resolve(a.apiKey) }, credentialRef: a.apiKey } : {}),
    ...(a && 'username' in a
      ? { auth: { username: a.username, password: resolve(a.password) }, credentialRef: a.password }
      : {}),
  });
}

/** `insightsAbove: 6h` → ms; `never` keeps every read on FilterLogEvents. */
/** `insightsAbove: 6h` → ms; `never` keeps every read on FilterLogEvents. */
function insightsAboveMs(v: string): number {
  if (v === 'never') return Infinity;
  return parseDuration(v) ?? NaN;
}
