import type { ConnectorStatus, ProvisioningPolicy } from '../../connect/cluster.js';

/** What the apply did to a connector that a provisioning backend must be watched for. */
export type WatchKind = 'create' | 'update';

/** The policy's reading of one status: leave the ordinary verdict, keep waiting, or call it failed. */
export type Review =
  { kind: 'as-is' } | { kind: 'pending'; seen: string } | { kind: 'failed'; detail: string; trace?: string };

/**
 * The backend's provisioning policy (`traits.provisioning`) applied to one wait: kept apart from wait.ts, which
 * consults it at three points only (a verdict, the settle window, the time limit) and is otherwise backend-agnostic.
 *
 * - A connector still PROVISIONING (or NONE) is pending; it may take `timeoutMs` (minutes to hours on Cloud), and
 *   one still provisioning at the end is reported **pending**, never failed: Cloud goes on provisioning it.
 * - FAILED or DEGRADED within `flapWindowMs` after provisioning ended (or after an update was accepted) is a flap:
 *   RUNNING→FAILED→RUNNING is reported right after create, and Terraform's provider keeps waiting on DEGRADED.
 * - An update is watched for `updateWatchMs`: Cloud answers PUT 200 and later turns the connector FAILED with
 *   "Unable to validate configuration…": recognised by its trace at once (no flap grace), and reported as an update
 *   not in effect.
 */
export class ProvisioningWatch {
  /** When each connector was first seen past PROVISIONING in this wait (the flap window's start). */
  private readonly settledAt = new Map<string, number>();
  private readonly provisioning = new Set<string>();
  /** Updated connectors seen PROVISIONING: gone when the update was sent, so PUT /config created them anew. */
  readonly recreated = new Set<string>();

  constructor(
    private readonly policy: ProvisioningPolicy,
    private readonly kinds: ReadonlyMap<string, WatchKind>,
    private readonly start: number,
  ) {}

  review(name: string, s: ConnectorStatus | undefined, failed: boolean, t: number): Review {
    const kind = this.kinds.get(name);
    if (!kind || !s) return { kind: 'as-is' };
    if (s.state === 'PROVISIONING' || s.state === 'NONE') {
      this.provisioning.add(name);
      if (kind === 'update') this.recreated.add(name);
      this.settledAt.delete(name);
      return { kind: 'pending', seen: `connector ${s.state} on Confluent Cloud` };
    }
    this.provisioning.delete(name);
    const since = this.settledAt.get(name) ?? (kind === 'update' ? this.start : t);
    this.settledAt.set(name, since);
    const trace = s.trace ?? s.tasks.find((x) => x.trace)?.trace;
    if (kind === 'update' && (s.state === 'FAILED' || failed) && this.policy.isLateRejection(trace)) {
      return {
        kind: 'failed',
        detail:
          'update not in effect: Confluent Cloud accepted the new configuration, then could not validate it; the connector keeps running its previous configuration',
        ...(trace ? { trace } : {}),
      };
    }
    if ((failed || s.state === 'DEGRADED') && t - since < this.policy.flapWindowMs) {
      return {
        kind: 'pending',
        seen: `connector ${s.state}${failed && s.state !== 'FAILED' ? ' with a FAILED task' : ''} within ${Math.round(this.policy.flapWindowMs / 1000)} s of ${kind === 'update' ? 'the update' : 'provisioning'} (tolerated as a flap, still watching)`,
      };
    }
    return { kind: 'as-is' };
  }

  /** An updated connector must stay healthy long enough for a late rejection to show. */
  settleMs(name: string, base: number): number {
    return this.kinds.get(name) === 'update' ? Math.max(base, this.policy.updateWatchMs) : base;
  }

  /** How long a connector may be waited for: provisioning takes far longer than a self-managed start. */
  limitMs(name: string, base: number): number {
    const kind = this.kinds.get(name);
    if (kind === 'create' || this.recreated.has(name)) return Math.max(base, this.policy.timeoutMs);
    if (kind === 'update') return Math.max(base, this.policy.updateWatchMs + this.policy.flapWindowMs);
    return base;
  }

  /** Whether the connector was last seen still provisioning (a time-out then means "pending", not "failed"). */
  isProvisioning(name: string): boolean {
    return this.provisioning.has(name);
  }
}
