import { dirname, isAbsolute, join } from 'node:path';
import { boundaryOf, writeInside } from '../../core/fs/boundary.js';
import { convertConnectorFile } from '../../core/convert/file.js';
import { promoteConnector } from '../../core/convert/promote.js';
import { findProjectFile, loadProject } from '../../core/project/load-project.js';
import { UserError } from '../../errors.js';
import { usageError } from '../../errors.js';
import type { CommandHandler } from '../command-spec.js';
import type { convertCommand, promoteCommand } from '../commands/convert.js';

export const convert: CommandHandler<typeof convertCommand> = async (ctx, args, o) => {
  const to = o.to;
  if (to !== 'managed' && to !== 'self-managed') {
    throw usageError(
      'USAGE',
      '`kcops convert` needs --to managed or --to self-managed.',
      'e.g. kcops convert connectors/dev/payments-orders-cdc.json --to managed',
    );
  }
  const abs = (p: string) => (isAbsolute(p) ? p : join(ctx.cwd, p));
  const r = convertConnectorFile(abs(args[0]), to);
  const text = JSON.stringify(r.document, null, 2) + '\n';
  const write = o.write;
  if (write) {
    // Under the repository (or the current directory outside one) never through a link out of it.
    const projectFile = findProjectFile(ctx.cwd);
    writeInside(boundaryOf(projectFile ? dirname(projectFile) : ctx.cwd), abs(write), text);
  }
  if (ctx.globals.output === 'human') for (const w of r.warnings) ctx.reporter.warn(`${w.key}: ${w.message}`);
  const data = {
    file: args[0],
    from: r.from,
    to: r.to,
    plugin: r.plugin,
    written: write ?? null,
    connector: r.document,
    warnings: r.warnings,
  };
  return {
    data,
    human: (st) =>
      write
        ? `${st.green('wrote')} ${write} (${r.from} → ${r.to}, ${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'})`
        : text.trimEnd(),
  };
};

export const promote: CommandHandler<typeof promoteCommand> = async (ctx, args, o) => {
  const from = o.from;
  const to = o.to;
  if (!from || !to)
    throw usageError(
      'USAGE',
      '`kcops promote` needs --from <env> and --to <env>.',
      'e.g. kcops promote payments-orders-cdc --from dev --to prod',
    );
  const file = ctx.globals.config
    ? isAbsolute(ctx.globals.config)
      ? ctx.globals.config
      : join(ctx.cwd, ctx.globals.config)
    : findProjectFile(ctx.cwd);
  if (!file)
    throw usageError(
      'PROJECT_NOT_FOUND',
      `No kcops.yaml here or above ${ctx.cwd}.`,
      'Run inside a configuration repository.',
    );
  const loaded = loadProject(file);
  if (!loaded.project)
    throw new UserError('PROJECT_INVALID', `${file} is not valid.`, {
      hint: 'Run `kcops validate` to see why.',
      exitCode: 2,
    });
  const r = promoteConnector(loaded.root, loaded.project, args[0], from, to, o.force);
  if (ctx.globals.output === 'human') for (const w of r.warnings) ctx.reporter.warn(`${w.key}: ${w.message}`);
  return {
    data: r,
    human: (st) =>
      [
        `${st.green('wrote')} ${r.target} from ${r.source}${r.converted ? ` (converted ${r.converted.from} → ${r.converted.to}, ${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'})` : ''}`,
        `Next: kcops validate --env ${to} && kcops plan --env ${to}`,
      ].join('\n'),
  };
};
