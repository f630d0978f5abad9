import { realProbes } from './doctor-probes.js';
import type { CommandHandler } from '../command-spec.js';
import type { doctorCommand } from '../commands/doctor.js';
import { checksResult } from '../render/checks.js';
import { withEnvironment } from './environment.js';

/** `kcops doctor`: the backend knows what its kind of cluster is checked for (workers and brokers, or Cloud's APIs). */
export const doctor: CommandHandler<typeof doctorCommand> = (ctx, _args, o) =>
  withEnvironment(ctx, async (b) => {
    const checks = await b.probes(realProbes(o.timeout), { connectors: o.connectors });
    return checksResult(b.target.env, checks);
  });
