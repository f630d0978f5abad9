import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { z } from 'zod';
import { COMPONENTS, type Component } from './settings.js';

const processEntry = z.object({
  pid: z.number().int(),
  /** A string unique to this dev home in the process's command line; guards against recycled pids. */
  marker: z.string(),
  ports: z.array(z.number().int()),
  startedAt: z.string(),
});
export type ProcessEntry = z.infer<typeof processEntry>;

export const stateSchema = z.object({
  formatVersion: z.literal(1),
  home: z.string(),
  runtime: z.string(),
  kafkaClusterId: z.string(),
  ports: z.object({
    kafka: z.number(),
    controller: z.number(),
    connect: z.array(z.number()),
    metrics: z.array(z.number()),
    s3: z.number(),
    s3Https: z.number(),
    postgres: z.number(),
  }),
  postgres: z.object({
    mode: z.enum(['embedded', 'external']),
    /** Without the password: connection URLs in state are safe to print. */
    url: z.string(),
    /** External mode: the admin URL `dev up` was given, without its password, so a later `dev up` keeps using it. */
    adminUrl: z.string().optional(),
    dataDir: z.string().optional(),
  }),
  /** `--log-format` of the run that wrote the configs, kept so that a later `dev up` without it keeps the format. */
  logFormat: z.enum(['text', 'json']).optional(),
  processes: z.partialRecord(z.enum(COMPONENTS), processEntry),
  /** The workers run with KIP-618 exactly-once source support (`dev up --exactly-once-source`); kept across restarts. */
  exactlyOnceSource: z.boolean().optional(),
});
export type DevState = z.infer<typeof stateSchema>;

export function readState(path: string): DevState | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const r = stateSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** Atomic replace, so an interrupted `dev up` never leaves half a state file. */
export function writeState(path: string, state: DevState): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, path);
}

export function processOf(state: DevState | undefined, c: Component): ProcessEntry | undefined {
  return state?.processes[c];
}
