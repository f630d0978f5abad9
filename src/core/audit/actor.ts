import { execFileSync } from 'node:child_process';

/**
 * The CI identity, from the variables the runner itself sets (a job cannot pick another user's name): the user who
 * triggered the run and the run's URL, so an audit record leads back to the run that made the change.
 */
export function ciActor(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_ACTOR) {
    const run =
      env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
        ? ` (${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID})`
        : '';
    return `${env.GITHUB_ACTOR} via GitHub Actions${run}`;
  }
  if (env.GITLAB_CI === 'true' && env.GITLAB_USER_LOGIN)
    return `${env.GITLAB_USER_LOGIN} via GitLab CI${env.CI_JOB_URL ? ` (${env.CI_JOB_URL})` : ''}`;
  return undefined;
}

/**
 * Who is acting and from which commit. In GitHub Actions or GitLab CI, the CI identity (ciActor), which no variable
 * overrides; otherwise KCOPS_ACTOR; otherwise the Git author configured in the repository; otherwise the OS user.
 */
export function resolveActor(cwd: string, env: NodeJS.ProcessEnv): string {
  const ci = ciActor(env);
  if (ci) return ci;
  if (env.KCOPS_ACTOR) return env.KCOPS_ACTOR;
  const name = git(cwd, ['config', 'user.name']);
  const email = git(cwd, ['config', 'user.email']);
  if (name || email) return [name, email ? `<${email}>` : ''].filter(Boolean).join(' ');
  return env.USER ?? env.USERNAME ?? 'unknown';
}

/** HEAD commit, with `-dirty` when the working tree has uncommitted changes under `path`. */
export function gitCommit(cwd: string, path = '.'): string | null {
  const head = git(cwd, ['rev-parse', 'HEAD']);
  if (!head) return null;
  const dirty = git(cwd, ['status', '--porcelain', '--', path]);
  return dirty ? `${head}-dirty` : head;
}

export function git(cwd: string, args: string[]): string | undefined {
  try {
    return (
      execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}
