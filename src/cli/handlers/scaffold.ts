import {
  CI_PLATFORMS,
  CLOUDS,
  initRepository,
  type CiPlatform,
  newConnector as writeConnector,
  type Cloud,
} from '../../core/project/scaffold.js';
import { usageError } from '../../errors.js';
import type { CommandHandler } from '../command-spec.js';
import type { initCommand, newCommand } from '../commands/scaffold.js';

export const init: CommandHandler<typeof initCommand> = async (ctx, args, o) => {
  const dir = args[0] ?? '.';
  const cloud = o.cloud;
  if (!(CLOUDS as readonly string[]).includes(cloud))
    throw usageError(
      'USAGE',
      `--cloud must be one of ${CLOUDS.join(', ')} (got "${cloud}").`,
      'e.g. kcops init --cloud confluent',
    );
  const ci = o.ci;
  if (ci !== undefined && !(CI_PLATFORMS as readonly string[]).includes(ci))
    throw usageError(
      'USAGE',
      `--ci must be one of ${CI_PLATFORMS.join(', ')} (got "${ci}").`,
      'e.g. kcops init --ci github',
    );
  const r = initRepository(
    dir.startsWith('/') ? dir : `${ctx.cwd}/${dir}`,
    cloud as Cloud,
    ci as CiPlatform | undefined,
  );
  return {
    data: r,
    human: (st) =>
      [
        ...r.created.map((f) => `${st.green('created')} ${f}`),
        ...r.skipped.map((f) => `${st.dim('skipped')} ${f} (exists; not overwritten)`),
        '',
        `Next: kcops new postgres-cdc --env dev --name payments-orders-cdc`,
        ...(ci
          ? ['Pipelines: read docs/pipelines.md for the environments, secrets and branch protection to set up once.']
          : []),
      ].join('\n'),
  };
};

export const newConnector: CommandHandler<typeof newCommand> = async (ctx, args, o) => {
  const env = ctx.globals.env;
  const name = o.name;
  if (!env || !name)
    throw usageError(
      'USAGE',
      '`kcops new` needs --env <env> and --name <name>.',
      'e.g. kcops new postgres-cdc --env dev --name payments-orders-cdc',
    );
  const r = writeConnector(ctx.cwd, args[0], env, name, ctx.globals.config);
  return {
    data: r,
    human: (st) =>
      [
        `${st.green('created')} ${r.file} (${r.flavour})`,
        ...(r.note ? [st.dim(r.note)] : []),
        `Check it: kcops validate ${r.file} --offline`,
      ].join('\n'),
  };
};
