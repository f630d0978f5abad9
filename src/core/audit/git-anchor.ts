import { execFileSync } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { UserError } from '../../errors.js';

/**
 * The audit head as committed at a Git revision: the anchor `kcops audit verify --since <ref>` compares the log with.
 *
 * Whoever can write the log can cut its tail and put back a head file saved earlier (it carries a valid HMAC), and can
 * roll the local Git history back with it. A revision they cannot rewrite can still tell: a protected branch on the
 * Git server (e.g. origin/main in CI, fetched fresh) that the log and its head were committed to. If the log at hand
 * does not contain the record that revision's head names, records the project had already committed are gone.
 * This anchors only what was committed and pushed; docs/reference/audit.md says so.
 */
export interface CommittedHead {
  ref: string;
  /** The commit the ref named when read. */
  commit: string;
  /** Undefined when the revision holds no head file (the log was not committed yet). */
  head?: { seq: number; hash: string; mac?: string } | { invalid: string };
}

export function committedHead(logFile: string, ref: string): CommittedHead {
  const cwd = dirname(logFile);
  const git = (args: string[]): string =>
    execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 1024 * 1024 }).toString();
  let commit: string;
  try {
    commit = git(['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`]).trim();
  } catch {
    throw new UserError('GIT_REF_UNKNOWN', `'${ref}' is not a commit of the Git repository that holds ${logFile}.`, {
      hint: 'Name a revision the log was committed to and that its writer cannot rewrite, e.g. origin/main after `git fetch`.',
      exitCode: 2,
    });
  }
  let text: string;
  try {
    // <rev>:./<path> is relative to the working directory, wherever the log sits in the work tree.
    text = git(['show', `${commit}:./${basename(logFile)}.head`]);
  } catch {
    return { ref, commit };
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ref, commit, head: { invalid: 'not JSON' } };
  }
  const h = v as { seq?: unknown; hash?: unknown; mac?: unknown } | null;
  if (
    typeof h !== 'object' ||
    h === null ||
    !Number.isSafeInteger(h.seq) ||
    typeof h.hash !== 'string' ||
    (h.mac !== undefined && typeof h.mac !== 'string')
  )
    return { ref, commit, head: { invalid: 'not {"seq": <number>, "hash": "<hex>"}' } };
  return {
    ref,
    commit,
    head: { seq: h.seq as number, hash: h.hash, ...(typeof h.mac === 'string' ? { mac: h.mac } : {}) },
  };
}
