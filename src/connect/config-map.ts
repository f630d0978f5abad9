import { z } from 'zod';

const configValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type ConfigMapValue = z.infer<typeof configValue>;

/**
 * A connector's config map as a REST answer carries it. Not `z.record`: zod builds a record's result by assignment, so
 * a `__proto__` key (which JSON.parse keeps as an ordinary own key) would vanish, and a second plan would show it as
 * missing after every apply. The parsed object is returned as it is.
 */
export const configMap = z.custom<Record<string, ConfigMapValue>>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v as Record<string, unknown>).every((x) => configValue.safeParse(x).success),
  { message: 'expected a map of config values (strings, numbers, booleans or null)' },
);
