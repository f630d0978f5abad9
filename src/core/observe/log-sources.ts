import { UserError } from '../../errors.js';
import { FileLogSource } from './file-log-source.js';
import type { LogSource } from './log-source.js';
import type { OpsTarget } from './target.js';

/** The log source configured for an environment. */
export function logSourceFor(t: OpsTarget): LogSource {
  const l = t.observability.logs;
  if (!l) {
    throw new UserError('LOGS_NOT_CONFIGURED', `No log source is configured for environment '${t.env}'.`, {
      hint: 'Declare observability.logs (files, cloudwatch or elasticsearch) for it; see docs/episodes/03-operate-connectors.md.',
    });
  }
  if (l.type === 'files') {
    return new FileLogSource({ files: l.files, ...(l.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: l.utcOffsetMinutes } : {}) });
  }
  throw new UserError('LOGS_SOURCE_UNAVAILABLE', `The ${l.type} log source is not in this build yet.`, {
    hint: 'Use a files source (worker log files reachable from here) meanwhile.',
  });
}
