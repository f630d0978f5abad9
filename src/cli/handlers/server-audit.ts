import { resolveTarget } from '../../core/environment/resolve.js';
import { readServerAudit, type ServerAuditRead } from '../../core/audit/server-audit.js';
import { describeCause, isUserError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { targetInput } from './environment.js';

/**
 * The workers' access audit files of an environment (`serverAudit` in kcops.observability.yaml; the dev stack's own
 * files), read for `kcops history`. Reading them needs no request to the cluster. An environment that cannot be
 * resolved (unknown, or a secret of its connection missing here) has none: history then shows kcops' own records.
 */
export function serverAuditOf(
  ctx: CliContext,
  env: string,
): { env: string; files: string[]; read: ServerAuditRead; localStack: boolean } | undefined {
  let files: string[] | undefined;
  let name = env;
  let localStack = false;
  try {
    const t = resolveTarget(targetInput(ctx, env));
    files = t.observability.serverAudit?.files;
    name = t.env;
    localStack = t.projectRoot === undefined;
  } catch (e) {
    const code = isUserError(e) ? e.code : '';
    if (!['ENV_UNKNOWN', 'PROJECT_NOT_FOUND', 'DEV_NOT_RUNNING'].includes(code))
      ctx.reporter.warn(`The workers' audit files of '${env}' were not read: ${describeCause(e)}`);
    return undefined;
  }
  if (!files) return undefined;
  const read = readServerAudit(files);
  if (read.badLines.length > 0)
    ctx.reporter.warn(
      `${read.badLines.length} line(s) of the workers' audit files are not records (first: ${read.badLines[0]!.file}:${read.badLines[0]!.line}).`,
    );
  return { env: name, files, read, localStack };
}
