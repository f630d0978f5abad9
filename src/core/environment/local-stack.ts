import { UserError } from '../../errors.js';
import type { OpsTarget } from '../observe/target.js';

/**
 * The local stack of `kcops dev up`, as an environment: outside a repository (or with `--env dev` when kcops.yaml has
 * no `dev`) day-2 commands act on it. It lives in src/dev, which core never imports, so it registers itself here
 * (the CLI does that at start-up).
 */
export interface LocalStackProvider {
  target(processEnv: NodeJS.ProcessEnv): OpsTarget;
}

let localStack: LocalStackProvider | undefined;

export function registerLocalStack(p: LocalStackProvider): void {
  localStack = p;
}

export function localStackTarget(processEnv: NodeJS.ProcessEnv): OpsTarget {
  if (!localStack) {
    throw new UserError('DEV_NOT_RUNNING', 'No kcops.yaml here and no local stack is available to this program.', {
      hint: 'Run inside a configuration repository with --env, or use the kcops CLI, which knows the `kcops dev up` stack.',
    });
  }
  return localStack.target(processEnv);
}
