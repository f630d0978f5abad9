import type { ClusterSnapshot, ConnectCluster } from '../../connect/cluster.js';
import type { Reporter } from '../reporter.js';
import type { DesiredConnector, Plan, PlanAction } from '../plan/types.js';
import type { PreviousConfigs } from './restore-secrets.js';
import type { WaitOptions } from './wait.js';

/** Changes in flight at once when the caller does not say: every change of a 50-connector apply, still bounded. */
export const DEFAULT_CONCURRENCY = 64;

/**
 * How long a changed connector and all its tasks must stay healthy, counted from when kcops first saw it healthy.
 * Each connector's window runs on its own clock, so waiting for 50 costs one window after the last one came up, not
 * one per connector. 2 s is three observations at the poll cadence below: enough to catch a task that fails as soon
 * as its first poll or put runs; a failure that needs data or minutes to show is the monitor's job, and an
 * environment that wants a longer look sets `deploy.settle` in kcops.yaml (e.g. 30s in prod).
 */
export const DEFAULT_SETTLE = '2s';
export const DEFAULT_WAIT_TIMEOUT = '120s';
/** First poll interval while connectors are on their way; rounds then space out to at most twice this. */
export const DEFAULT_POLL_MS = 500;

export interface ApplyOptions {
  /** Connector changes sent at the same time (requests in flight); the wait for all of them is shared. */
  concurrency: number;
  wait: WaitOptions;
  /** Undo everything this apply changed when one connector fails (default); false leaves the cluster as it is. */
  rollback: boolean;
  /** Connector names whose deletion was approved (--approve-delete); every delete in the plan must be here. */
  approvedDeletes: ReadonlySet<string>;
  /** Configs of previous Git revisions, for secrets a backend masks in the snapshot (rollback on Cloud). */
  previous?: PreviousConfigs;
}

export interface ApplyInput {
  plan: Plan;
  /** What Git declares (the configs to write); the plan itself holds no secrets and so no configs. */
  desired: readonly DesiredConnector[];
  /** The snapshot the plan was computed from: the "before" that a rollback restores. */
  actual: ClusterSnapshot;
  cluster: ConnectCluster;
  reporter: Reporter;
  options: ApplyOptions;
}

/**
 * What happened to one connector. `applied`: changed and healthy. `failed`: the change or the wait failed.
 * `not-started`: skipped because another connector failed first. `rolled-back` / `rollback-failed`: the connector was
 * changed, then restored (or restoring it failed). `conflict`: someone else changed the connector since the plan was
 * made (it already existed when this apply created it, say); kcops left it as it is and rolled back none of it.
 * `pending`: sent, and the backend is still provisioning it (Confluent Cloud) when the wait ended: not a failure and
 * never undone; a later `apply` waits for it again.
 */
export type ConnectorResult =
  'applied' | 'pending' | 'failed' | 'not-started' | 'rolled-back' | 'rollback-failed' | 'conflict';

export interface RollbackOutcome {
  /**
   * delete: it was created by this apply; restore: previous config/state put back; recreate: it was deleted;
   * none: nothing of this apply's to undo (the change never took effect, or the connector is someone else's).
   */
  action: 'delete' | 'restore' | 'recreate' | 'none';
  /** skipped: not verifiably changed by this apply, so left alone (`error` says why). */
  result: 'done' | 'failed' | 'skipped';
  error?: string;
  /** Whether the restored connector reached its previous state within the wait budget (informational). */
  healthy?: boolean;
}

export interface ConnectorOutcome {
  connector: string;
  action: PlanAction;
  result: ConnectorResult;
  error?: string;
  /** Stack trace of the failed connector or task, from the cluster. */
  trace?: string;
  waitedMs?: number;
  rollback?: RollbackOutcome;
}

export type ApplyStatus = 'no-changes' | 'applied' | 'pending' | 'rolled-back' | 'rollback-failed' | 'failed';

export interface ApplyResult {
  env: string;
  status: ApplyStatus;
  outcomes: ConnectorOutcome[];
  /**
   * Connectors someone else changed while this apply ran, left as they are (never deleted or overwritten by a
   * rollback). When not empty the cluster is not as it was before, even after a complete rollback.
   */
  conflicts: string[];
  exitCode: number;
}
