import { execFileSync } from 'node:child_process';

/**
 * Who is acting and from which commit. KCOPS_ACTOR wins (CI sets it to the pipeline's user); otherwise the Git
 * author configured in the repository; otherwise the OS user.
 */
export function resolveActor(cwd: string, env: NodeJS.ProcessEnv): string {
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
