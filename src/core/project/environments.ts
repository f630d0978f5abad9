import { usageError, type UserError } from '../../errors.js';
import type { Environment, Project } from './schema.js';

/**
 * The one check of `--env <name>` against kcops.yaml. Environment names are the user's, so the lookup is of own
 * entries only: `constructor` or `toString` is an unknown environment, not a method of Object.
 */
export function environmentOf(project: Project, name: string): Environment | undefined {
  return Object.hasOwn(project.environments, name) ? project.environments[name] : undefined;
}

/** Exit 2, naming the environments that do exist. */
export function unknownEnvironment(project: Project, name: string, file: string): UserError {
  const known = Object.keys(project.environments);
  return usageError(
    'ENV_UNKNOWN',
    `There is no environment '${name}' in ${file}.`,
    `Use one of ${known.join(', ')} (the environments kcops.yaml declares).`,
  );
}

/** The environment, or the usage error above. */
export function requireEnvironment(project: Project, name: string, file: string): Environment {
  const e = environmentOf(project, name);
  if (!e) throw unknownEnvironment(project, name, file);
  return e;
}
