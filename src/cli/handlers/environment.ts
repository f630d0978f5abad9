import type { Backend } from '../../core/environment/backend.js';
import { registerLocalStack } from '../../core/environment/local-stack.js';
import { openEnvironment } from '../../core/environment/open.js';
import type { TargetInput } from '../../core/observe/target.js';
import { devStack } from '../../dev/environment.js';
import type { ConnectCluster } from '../../connect/cluster.js';
import type { AuditSink } from '../../core/operate/audit.js';
import { auditTo, type Audit } from '../../core/operations/audit.js';
import type { OpsTarget } from '../../core/observe/target.js';
import type { ArgsFor, CommandDecl, CommandHandler, OptionsFor } from '../command-spec.js';
import type { CliContext, CommandResult } from '../context.js';
import { auditSinkFor } from './ops-context.js';
import { day2Guard } from '../../core/auth/day2-guard.js';
import type { ConnectorCheck } from '../../core/auth/connector-guard.js';

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

/** What an environment-bound command works with: the opened backend, and an audit bound to it. */
export interface EnvironmentRun {
  backend: Backend;
  connect: ConnectCluster;
  target: OpsTarget;
  /**
   * Runs a mutation and writes its audit record, succeeded or failed, to the repository's hash-chained log (and
   * `audit.topic`): env, cluster id and credential id come from the backend, so a handler names only what it did.
   */
  audit: Audit;
  /**
   * The ownership pre-check for a verb reached by another API than Connect (logs, metrics on Confluent Cloud): throws
   * CONNECTOR_NOT_OWNED before any request about the connector; a no-op where the guard covers everything.
   */
  precheck: ConnectorCheck;
}

/**
 * The wrapper of environment-bound commands: resolves the environment (--env, or `pickEnv` for commands that choose
 * it from their own flags), opens its backend, closes it whatever happens, and hands the handler an `audit` that
 * mutating commands run their change through.
 */
export function onEnvironment<D extends CommandDecl>(
  run: (ctx: CliContext, args: ArgsFor<D>, o: OptionsFor<D>, env: EnvironmentRun) => Promise<CommandResult>,
  pickEnv?: (ctx: CliContext, o: OptionsFor<D>) => string | undefined,
): CommandHandler<D> {
  return (ctx, args, o) =>
    withEnvironmentRun(ctx, pickEnv ? pickEnv(ctx, o) : ctx.globals.env, (env) => run(ctx, args, o, env));
}

/** onEnvironment's body, for handlers that must adjust the context before the environment is resolved. */
export function withEnvironmentRun<T>(
  ctx: CliContext,
  env: string | undefined,
  run: (env: EnvironmentRun) => Promise<T>,
): Promise<T> {
  return withEnvironment(
    ctx,
    (backend) => {
      const c = backend.connect;
      const t = backend.target;
      let sink: AuditSink | undefined;
      // Calls about a connector the key may not touch are refused here, before any request about it.
      const guard = day2Guard(t, c, backend.iam?.roleBindings, ctx.reporter);
      return run({
        backend,
        connect: guard.connect,
        precheck: guard.check,
        target: t,
        // Built at the first mutation, before it runs: a torn audit log refuses the change instead of losing it.
        audit: auditTo(() => (sink ??= auditSinkFor(ctx, t, c)), t.env, c),
      });
    },
    env,
  );
}
