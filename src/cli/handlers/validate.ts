import { validate as runValidation } from '../../core/validate/run.js';
import { offlineRules } from '../../core/validate/rules/index.js';
import { onlineRuleList } from '../../core/validate/online/rules.js';
import { ExitCode } from '../../errors.js';
import type { CommandHandler } from '../command-spec.js';
import type { validateCommand } from '../commands/validate.js';
import { version } from '../version.js';
import { humanFindings, junit, sarif } from '../render/findings.js';
import { dirname, resolve } from 'node:path';
import { git } from '../../core/audit/actor.js';
import type { ValidateResult } from '../../core/validate/run.js';

/**
 * SARIF's %SRCROOT%: the Git work tree's top (what code scanning resolves paths against), else the folder of
 * kcops.yaml, else the current directory.
 */
function sourceRoot(cwd: string, r: ValidateResult): string {
  return git(cwd, ['rev-parse', '--show-toplevel']) ?? (r.project ? dirname(resolve(cwd, r.project)) : cwd);
}

export const validate: CommandHandler<typeof validateCommand> = async (ctx, args, o) => {
  const [paths] = args;
  const result = await runValidation({
    paths,
    cwd: ctx.cwd,
    ...(ctx.globals.config ? { config: ctx.globals.config } : {}),
    ...(ctx.globals.env ? { env: ctx.globals.env } : {}),
    ...(o.strict ? { strict: true } : {}),
    ...(o.terraform !== undefined
      ? {
          terraform: {
            ...(typeof o.terraform === 'string' ? { dir: o.terraform } : {}),
            ...(o.providerSchema ? { schemaFiles: o.providerSchema } : {}),
          },
        }
      : // The cluster clients are loaded only for online checks: an offline run (a pre-commit hook) stays fast.
        o.offline
        ? {}
        : {
            online: (await import('../../core/validate/online/checker.js')).onlineChecker({
              env: ctx.env,
              reporter: ctx.reporter,
            }),
          }),
  });
  const { findings, summary } = result;
  return {
    data: { findings, summary: { files: summary.files, errors: summary.errors, warnings: summary.warnings } },
    human: (st) => humanFindings(result, st, ctx.cwd),
    reports: {
      sarif: () =>
        sarif(result, [...offlineRules, ...onlineRuleList], version(), {
          cwd: ctx.cwd,
          srcRoot: sourceRoot(ctx.cwd, result),
        }),
      junit: () => junit(result),
    },
    exitCode: summary.errors > 0 ? ExitCode.Error : ExitCode.Ok,
  };
};
