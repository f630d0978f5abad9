/** `kcops history`: the audit log's records grouped into deployments, newest first, each with its verdict. */
import type { AuditRecord } from '../audit/record.js';
import { matchServerRecords, serverVerb, type ServerAuditRecord } from '../audit/server-audit.js';

/** One line of `kcops history`: a kcops run (its deploymentId) or one request the workers recorded on their own. */
export interface HistoryEntry {
  /** kcops: the repository's hash-chained log; server: a worker's access audit file (a request made around kcops). */
  source: 'kcops' | 'server';
  deploymentId: string | null;
  time: string;
  actor: string;
  actorLabel?: string;
  /** The key id the workers saw (server records). */
  keyId?: string | null;
  /** The worker that recorded it (server records). */
  worker?: string | null;
  gitCommit: string | null;
  env: string;
  changes: {
    connector: string;
    action: string;
    result: string;
    detail?: string;
    /** kcops records: how many requests the workers recorded for this change (when their files are read). */
    serverRecords?: number;
  }[];
  outcome: string;
}

/**
 * The history of an environment, newest first: kcops' runs from the chained log, and, when the workers' audit files
 * are given, the changes they recorded that no kcops record stands for (curl, scripts), marked `source: server`. A
 * worker record kcops' own record stands for is not repeated: it is counted on that change (`serverRecords`).
 */
export function deploymentHistory(
  records: readonly AuditRecord[],
  env?: string,
  server?: { env: string; records: readonly ServerAuditRecord[] },
): HistoryEntry[] {
  const mine = records.filter((r) => !env || r.env === env);
  const deployments = new Map<string, HistoryEntry>();
  const changeOf: HistoryEntry['changes'][number][] = [];
  for (const r of mine) {
    let d = deployments.get(r.deploymentId);
    if (!d)
      deployments.set(
        r.deploymentId,
        (d = {
          source: 'kcops',
          deploymentId: r.deploymentId,
          time: r.time,
          actor: r.actor,
          ...(r.actorLabel ? { actorLabel: r.actorLabel } : {}),
          gitCommit: r.gitCommit,
          env: r.env,
          changes: [],
          outcome: '',
        }),
      );
    const c = {
      connector: r.connector,
      action: r.action,
      result: r.result,
      ...(r.detail ? { detail: r.detail } : {}),
    };
    d.changes.push(c);
    changeOf.push(c);
  }
  // Newest first; runs recorded in the same millisecond keep the log's order, the later one first.
  const entries = [...deployments.values()].reverse();
  if (server) {
    // Only this environment's records can stand for its workers' requests; `at` maps back to `changeOf`.
    const at = mine.flatMap((r, i) => (r.env === server.env ? [i] : []));
    const { confirmed, outside } = matchServerRecords(
      at.map((i) => mine[i]!),
      server.records,
    );
    for (const [j, list] of confirmed) {
      const c = changeOf[at[j]!];
      if (c) c.serverRecords = list.length;
    }
    for (const s of outside)
      entries.push({
        source: 'server',
        deploymentId: null,
        time: s.time,
        actor: s.principal ?? '(unauthenticated)',
        keyId: s.keyId,
        worker: s.worker,
        gitCommit: null,
        env: server.env,
        changes: [
          {
            connector: s.connector ?? '-',
            action: `server:${serverVerb(s)}`,
            result: s.result,
            detail: `${s.method} ${s.path} → ${s.status}`,
          },
        ],
        outcome: s.result === 'ok' ? 'applied' : s.result,
      });
  }
  return entries
    .map((d) => (d.source === 'kcops' ? { ...d, outcome: outcomeOf(d.changes) } : d))
    .sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
}

/** The deployment's verdict from its per-connector records (same words as `apply -o json` status). */
function outcomeOf(changes: { result: string; detail?: string }[]): string {
  if (changes.some((c) => c.result === 'rollback-failed')) return 'rollback-failed';
  if (!changes.some((c) => c.result === 'failed'))
    return changes.some((c) => c.result === 'pending') ? 'pending' : 'applied';
  return changes.some((c) => c.detail?.includes('rollback')) ? 'rolled-back' : 'failed';
}
