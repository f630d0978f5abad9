import type { AuditRecord } from '../audit/record.js';
import { gitRevision, loadDesired } from '../plan/desired.js';
import type { PreviousConfigs } from './restore-secrets.js';

/** How many earlier revisions a rollback looks through for a connector's previous configuration. */
const MAX_CANDIDATES = 5;

/**
 * Git revisions that may hold the configuration a connector had before this apply, newest first: the commits of the
 * deployments the audit log recorded for this environment (what was actually applied), then HEAD. Each is read
 * lazily, once, and only when a rollback meets masked secrets (restore-secrets.ts says which one matches).
 */
export function previousConfigs(root: string, env: string, audit: () => readonly AuditRecord[]): PreviousConfigs {
  let commits: string[] | undefined;
  const candidates = (): string[] => {
    if (commits) return commits;
    const records = audit();
    commits = [];
    for (let i = records.length - 1; i >= 0 && commits.length < MAX_CANDIDATES - 1; i--) {
      const r = records[i]!;
      if (r.env !== env || r.result !== 'applied' || !r.gitCommit) continue;
      // `abc…-dirty` (uncommitted files were applied: the commit is the nearest) or `abc… (ref)` for a rollback.
      const commit = r.gitCommit.split(' ')[0]!.replace(/-dirty$/, '');
      if (!commits.includes(commit)) commits.push(commit);
    }
    commits.push('HEAD');
    return commits;
  };
  const loaded = new Map<string, Map<string, Record<string, string>> | undefined>();
  const read = (commit: string) => {
    if (!loaded.has(commit)) {
      try {
        loaded.set(commit, new Map(loadDesired(gitRevision(root, commit), env).map((d) => [d.name, d.config])));
      } catch {
        // A commit gone from the repository, or files that did not load then: no candidate, not an error.
        loaded.set(commit, undefined);
      }
    }
    return loaded.get(commit);
  };
  return (name) =>
    candidates()
      .map((c) => read(c)?.get(name))
      .filter((c) => c !== undefined);
}
