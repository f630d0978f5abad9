import { UserError } from '../../errors.js';
import { parseDuration } from '../duration.js';
import { CloudWatchLogSource } from './cloudwatch-log-source.js';
import { ElasticsearchLogSource } from './elasticsearch-log-source.js';
import { resolveLocally } from '../secrets/resolve.js';
import { FileLogSource } from './file-log-source.js';
import type { LogSource } from './log-source.js';
import type { OpsTarget } from './target.js';
import type { Reporter } from '../reporter.js';

/**
 * The log source configured for an environment; the reporter hears what a source has to say about a read. Without
 * observability.logs the backend's own source is used when it has one (Confluent Cloud's logs API).
 */
export function logSourceFor(t: OpsTarget, reporter?: Reporter, backendLogs?: () => LogSource): LogSource {
  const l = t.observability.logs;
  if (!l && backendLogs) return backendLogs();
  if (!l) {
    throw new UserError('LOGS_NOT_CONFIGURED', `No log source is configured for environment '${t.env}'.`, {
      hint: 'Declare observability.logs (files, cloudwatch or elasticsearch) for it; see docs/episodes/03-operate-connectors.md.',
    });
  }
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
function insightsAboveMs(v: string): number {
  if (v === 'never') return Infinity;
  return parseDuration(v) ?? NaN;
}
