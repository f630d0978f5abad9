import type { Backend } from '../../core/environment/backend.js';
import { registerLocalStack } from '../../core/environment/local-stack.js';
import { openEnvironment } from '../../core/environment/open.js';
import type { TargetInput } from '../../core/observe/target.js';
import { devStack } from '../../dev/environment.js';
import type { CliContext } from '../context.js';

// The CLI is where the dev stack meets the core: outside a repository, `--env dev` is the stack of `kcops dev up`.
registerLocalStack(devStack);

/** The environment a command names: --env (or `env`, when a command chose it from its own flags) and --config. */
export function targetInput(ctx: CliContext, env: string | undefined = ctx.globals.env): TargetInput {
  return {
    cwd: ctx.cwd,
    processEnv: ctx.env,
    ...(env ? { env } : {}),
    ...(ctx.globals.config ? { config: ctx.globals.config } : {}),
  };
}

/**
 * The one wrapper every environment-bound command runs in: opens the environment's backend, hands it over, and closes
 * what was opened whatever happens.
 */
export async function withEnvironment<T>(
  ctx: CliContext,
  run: (b: Backend) => Promise<T>,
  env: string | undefined = ctx.globals.env,
): Promise<T> {
  const b = await openEnvironment(targetInput(ctx, env), { reporter: ctx.reporter });
  try {
    return await run(b);
  } finally {
    await b.close();
  }
}
