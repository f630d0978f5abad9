import { usageError } from '../../errors.js';
import { parseDuration as parse, type Duration } from '../../core/duration.js';

/** A duration flag: 90s, 2m, 1500ms, 4h, or a bare number of seconds. */
export function parseDuration(v: string, flag: string): Duration {
  const ms = parse(v, { bareUnit: 's' });
  if (ms === undefined) throw usageError('USAGE', `${flag} takes a duration like 90s, 2m or 500ms (got '${v}').`);
  return ms;
}
