import { usageError } from '../../errors.js';

/** 90s, 2m, 1500ms, or a bare number of seconds. */
export function parseDuration(v: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (!m) throw usageError('USAGE', `${flag} takes a duration like 90s, 2m or 500ms (got '${v}').`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}
