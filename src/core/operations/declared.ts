import { loadDesired, workingTree } from '../plan/desired.js';

/**
 * The names of the connectors Git declares for `env` in the working tree (the files `plan` and `drift` read): what the
 * monitor's "declared in Git but missing from the cluster" rule checks, without loading the apply machinery.
 */
export function declaredConnectors(root: string, env: string): string[] {
  return loadDesired(workingTree(root), env).map((d) => d.name);
}
