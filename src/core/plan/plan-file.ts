import { z } from 'zod';
import { usageError } from '../../errors.js';
import { PLAN_ACTIONS, type Plan } from './types.js';

/** The plan file format, version 1: one schema for reading it back (habit 6). */
const planSchema = z.object({
  formatVersion: z.literal(1),
  env: z.string(),
  fingerprint: z.string().regex(/^v1:[0-9a-f]+:[0-9a-f]{64}$/),
  changes: z.array(
    z.object({
      connector: z.string(),
      action: z.enum(PLAN_ACTIONS),
      fields: z.array(
        z.object({
          key: z.string(),
          before: z.string().nullable(),
          after: z.string().nullable(),
          sensitive: z.boolean(),
        }),
      ),
    }),
  ),
  unmanaged: z.array(z.string()),
  notInGit: z.array(z.string()).default([]),
});

export function parsePlan(text: string, source: string): Plan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw usageError(
      'PLAN_INVALID',
      `${source} is not JSON: ${(e as Error).message}`,
      'Pass a file written by `kcops plan --out`.',
    );
  }
  const r = planSchema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw usageError(
      'PLAN_INVALID',
      `${source} is not a kcops plan (formatVersion 1): ${first.join('; ')}`,
      'Pass a file written by `kcops plan --out`.',
    );
  }
  return r.data as Plan;
}
