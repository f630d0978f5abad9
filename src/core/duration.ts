/**
 * The one duration syntax of kcops: a number and a unit (`500ms`, `90s`, `10m`, `4h`, `1d`), decimals allowed on the
 * command line. Flags, kcops.yaml and kcops.observability.yaml all go through this parser; each place only chooses
 * which units it documents (the schemas) and whether a bare number means seconds (CLI flags).
 */

/** A span of time in milliseconds. */
export type Duration = number;

export const DURATION_UNITS = ['ms', 's', 'm', 'h', 'd'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

const UNIT_MS: Record<DurationUnit, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;

export interface DurationSyntax {
  /** What a number without a unit means; without it a unit is required. */
  bareUnit?: DurationUnit;
}

/** `90s` → 90000; undefined when the text is not a duration (the caller says why, with its flag or setting). */
export function parseDuration(text: string, syntax: DurationSyntax = {}): Duration | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] as DurationUnit | undefined) ?? syntax.bareUnit;
  if (!unit) return undefined;
  return Math.round(Number(m[1]) * UNIT_MS[unit]);
}

/** The shape a schema accepts for a setting with these units (whole numbers, a unit required), e.g. `^\d+(ms|s|m)$`. */
export function durationPattern(units: readonly DurationUnit[]): RegExp {
  return new RegExp(`^\\d+(${units.join('|')})$`);
}
