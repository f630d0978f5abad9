import { resolve } from 'node:path';
import { auditMessage } from '../../core/audit/mirror.js';
import { readAudit, verifyAudit } from '../../core/audit/log.js';
import { findProjectFile, loadProject } from '../../core/project/load-project.js';
import { ExitCode, UserError, usageError } from '../../errors.js';
import type { CommandHandler } from '../command-spec.js';
import type { auditPublishCommand } from '../commands/gitops.js';
import { auditMirrorOf } from './audit-topic.js';
import { auditLogToVerify } from './audit-log.js';
import { checkDeclaredEnv } from './gitops-target.js';

/**
 * `kcops audit publish`: copies records of the audit file to the environment's audit topic again, e.g. those a
 * failed publish left out (audit.required: false only warned). Only from an intact chain: a tampered file would
 * launder its edits into the topic.
 */
export const auditPublish: CommandHandler<typeof auditPublishCommand> = async (ctx, _args, o) => {
  const env = ctx.globals.env;
  if (!env)
    throw usageError(
      'ENV_REQUIRED',
      'Say which environment with --env.',
      'e.g. `kcops audit publish --env prod --from-seq 41`.',
    );
  checkDeclaredEnv(ctx, env);
  const projectFile = ctx.globals.config ? resolve(ctx.cwd, ctx.globals.config) : findProjectFile(ctx.cwd);
  const project = projectFile ? loadProject(projectFile).project : undefined;
  const mirror = auditMirrorOf(project, env, ctx.env);
  if (!mirror) {
    throw usageError(
      'AUDIT_TOPIC_NOT_CONFIGURED',
      `Environment '${env}' has no audit topic.`,
      `Declare one in kcops.yaml: environments.${env}.audit: { topic: <name> }.`,
    );
  }
  const log = auditLogToVerify(ctx, undefined);
  const file = log.file;
  const v = verifyAudit(file, { boundary: log.boundary, ...(log.key ? { key: log.key } : {}) });
  if (!v.ok) {
    throw new UserError(
      'AUDIT_TAMPERED',
      `${file} fails its hash chain (${v.problems.length} problem(s)); nothing was published.`,
      {
        hint: 'Run `kcops audit verify` to see which records, and restore the file from a trusted copy before publishing.',
      },
    );
  }
  const from = o.fromSeq ?? 1;
  const to = o.toSeq ?? Number.MAX_SAFE_INTEGER;
  if (from < 1 || to < from) throw usageError('USAGE', `--from-seq ${from} / --to-seq ${o.toSeq} is not a range.`);
  const records = readAudit(file, log.boundary).records.filter((r) => r.env === env && r.seq >= from && r.seq <= to);
  if (!o.dryRun && records.length > 0) await mirror.publisher.publish(records.map(auditMessage));
  const data = {
    env,
    file,
    target: mirror.publisher.target,
    dryRun: o.dryRun === true,
    published: o.dryRun ? 0 : records.length,
    seqs: records.map((r) => r.seq),
  };
  return {
    data,
    human: (st) =>
      records.length === 0
        ? st.dim(`No records of '${env}' between seq ${from} and ${o.toSeq ?? 'the end'} in ${file}.`)
        : o.dryRun
          ? `Would publish ${records.length} record(s) (seq ${data.seqs[0]}–${data.seqs.at(-1)}) to ${data.target}.`
          : st.green(
              `Published ${records.length} record(s) (seq ${data.seqs[0]}–${data.seqs.at(-1)}) to ${data.target}.`,
            ),
    exitCode: ExitCode.Ok,
  };
};
