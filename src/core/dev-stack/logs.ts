import { z } from 'zod';
import { devAccessAuditFiles, devHome, devWorkerLogFiles } from './home.js';

/**
 * `logs: { type: dev-stack }` in kcops.observability.yaml: the worker log files of the local dev stack, wherever its
 * home is (KCOPS_DEV_HOME or ~/.kcops/dev), so a repository in Git need not name a path on one person's machine.
 */
export const devStackLogs = z
  .strictObject({ type: z.literal('dev-stack') })
  .describe('the worker log files of the local dev stack (kcops dev up), in KCOPS_DEV_HOME or ~/.kcops/dev');

/** The `files` log source a `dev-stack` declaration stands for. */
export function devStackLogFiles(env: NodeJS.ProcessEnv): { type: 'files'; files: string[] } {
  return { type: 'files', files: devWorkerLogFiles(devHome(env)) };
}

/** `serverAudit: { type: dev-stack }`: the access extension's audit files of the local dev stack's workers. */
export const devStackServerAudit = z
  .strictObject({ type: z.literal('dev-stack') })
  .describe("the dev stack's worker access audit files (logs/worker-N-access-audit.jsonl in its home)");

export function devStackServerAuditFiles(env: NodeJS.ProcessEnv): { files: string[] } {
  return { files: devAccessAuditFiles(devHome(env)) };
}
