import { describe, expect, it } from 'vitest';
import { durationPattern, parseDuration } from '../../../src/core/duration.js';
import { parseDuration as durationFlag } from '../../../src/cli/handlers/duration.js';
import { timeoutMs } from '../../../src/core/observe/connect-tls.js';
import { durationMs } from '../../../src/core/monitor/alert-config.js';
import { parseTimeArg } from '../../../src/core/observe/log-query.js';

describe('one duration parser', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['2m', 120_000],
    ['4h', 14_400_000],
    ['1d', 86_400_000],
    ['1.5s', 1500],
    [' 10m ', 600_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('needs a unit unless the caller says what a bare number means', () => {
    expect(parseDuration('90')).toBeUndefined();
    expect(parseDuration('90', { bareUnit: 's' })).toBe(90_000);
  });

  it.each(['', 'm', '10 minutes', '-5s', '1w', '10M', 'never'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('keeps what each old parser accepted', () => {
    // CLI flags (--wait-timeout, --settle, --interval): decimals, ms|s|m, a bare number of seconds.
    expect(durationFlag('90s', '--settle')).toBe(90_000);
    expect(durationFlag('1500ms', '--settle')).toBe(1500);
    expect(durationFlag('2.5', '--settle')).toBe(2500);
    expect(() => durationFlag('soon', '--interval')).toThrow(/--interval takes a duration like 90s, 2m or 500ms/);
    // kcops.yaml connect.timeout: ms|s|m.
    expect(timeoutMs('500ms')).toBe(500);
    expect(timeoutMs('2m')).toBe(120_000);
    // alerts: ms|s|m|h|d.
    expect(durationMs('4h')).toBe(14_400_000);
    expect(durationMs('1d')).toBe(86_400_000);
    expect(durationMs('x')).toBeNaN();
    // --since/--until: a duration back from now, or a time; a bare number is not a duration there.
    expect(parseTimeArg('10m', 1_000_000, '--since')).toBe(400_000);
    expect(parseTimeArg('2026-01-31T08:00:00Z', 0, '--since')).toBe(Date.parse('2026-01-31T08:00:00Z'));
  });

  it('gives schemas the same patterns they had', () => {
    expect(durationPattern(['ms', 's', 'm']).source).toBe(/^\d+(ms|s|m)$/.source);
    expect(durationPattern(['m', 'h', 'd']).test('6h')).toBe(true);
    expect(durationPattern(['m', 'h', 'd']).test('6s')).toBe(false);
  });
});
