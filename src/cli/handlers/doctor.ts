import { realProbes } from './doctor-probes.js';
import type { CommandHandler } from '../command-spec.js';
import { checksResult } from '../render/checks.js';
import { withEnvironment } from './environment.js';

/** `kcops doctor`: the backend knows what its kind of cluster is checked for (workers and brokers, or Cloud's APIs). */
export const doctor: CommandHandler = (ctx, _args, o) =>
  withEnvironment(ctx, async (b) => {
    const checks = await b.probes(realProbes(Number(o.timeout ?? 5000)), { connectors: o.connectors !== false });
    return checksResult(b.target.env, checks);
  });
