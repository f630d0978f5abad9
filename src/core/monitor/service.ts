import type { ConnectCluster } from '../../connect/cluster.js';
import { describeCause } from '../../errors.js';
import type { Boundary } from '../fs/boundary.js';
import { sleepUnlessAborted } from '../sleep.js';
import type { AlertsConfig } from './alert-config.js';
import type { ResolveSecret } from './channels/channel.js';
import { checkAlerts, type AlertCheckResult } from './check.js';
import type { Lease } from './lease.js';
import type { MonitorMetrics } from './metrics.js';
import type { SignalSource } from './signals.js';
import type { AuditSink } from '../operate/audit.js';

export interface MonitorTarget {
  env: string;
  cluster: ConnectCluster;
  config: AlertsConfig;
  stateFile: string;
  stateBoundary: Boundary;
  resolveSecret: ResolveSecret;
  lease: Lease;
  signals?: SignalSource;
  teams?: Record<string, string[]>;
  audit?: () => AuditSink;
}

export type RoundEvent =
  | { env: string; kind: 'round'; active: true; result: AlertCheckResult; seconds: number }
  | { env: string; kind: 'standby'; active: false; holder: string | undefined }
  | { env: string; kind: 'error'; active: boolean; error: string; seconds: number };

export interface Health {
  /** The loop is turning: a round ended within three intervals. */
  live: boolean;
  /** Holds the lease and the last round succeeded: this instance is the one alerting. */
  ready: boolean;
  active: boolean;
  lastRoundAt: string | undefined;
  lastError: string | undefined;
  /** With several environments: each one's health. */
  environments?: Record<string, Health>;
}

/**
 * `kcops monitor`: one collection of the cluster per interval (one request on self-managed and Cloud alike, whatever
 * the number of connectors), alert evaluation and delivery through the same `checkAlerts` as `kcops alerts check`,
 * the state file kept between rounds and restarts, and /metrics fed from the same snapshot. Only the holder of the
 * environment's lease collects and alerts; a standby renews nothing and takes over when the lease runs out or is
 * released. A failing round (cluster unreachable, state unreadable) is reported and the loop goes on; an abort
 * (SIGTERM) ends it after the current round and releases the lease.
 */
export class MonitorService {
  private lastRoundMs: number | undefined;
  private lastOk = false;
  private active = false;
  private lastError: string | undefined;

  constructor(
    private readonly t: MonitorTarget,
    private readonly metrics: MonitorMetrics,
    private readonly o: { intervalMs: number; onRound?: (e: RoundEvent) => void; now?: () => Date },
  ) {}

  get env(): string {
    return this.t.env;
  }

  /** One round, then the lease is given up: what `--once` (and `alerts check`) runs. */
  async once(): Promise<RoundEvent> {
    try {
      return await this.round();
    } finally {
      this.t.lease.release();
    }
  }

  health(): Health {
    const now = (this.o.now ?? (() => new Date()))().getTime();
    return {
      live: this.lastRoundMs === undefined || now - this.lastRoundMs <= 3 * this.o.intervalMs,
      ready: this.active && this.lastOk,
      active: this.active,
      lastRoundAt: this.lastRoundMs === undefined ? undefined : new Date(this.lastRoundMs).toISOString(),
      lastError: this.lastError,
    };
  }

  /** One round; what `--once` runs. */
  async round(): Promise<RoundEvent> {
    const now = this.o.now ?? (() => new Date());
    const started = Date.now();
    const env = this.t.env;
    let event: RoundEvent;
    try {
      this.active = await this.t.lease.tryHold(now());
      this.metrics.setActive(env, this.active);
      if (!this.active) {
        this.lastOk = false;
        event = { env, kind: 'standby', active: false, holder: describeHolder(this.t.lease) };
      } else {
        const snapshot = await this.t.cluster.collect();
        this.metrics.observeCluster(env, snapshot);
        const result = await checkAlerts({
          env,
          cluster: this.t.cluster,
          config: this.t.config,
          stateFile: this.t.stateFile,
          stateBoundary: this.t.stateBoundary,
          resolveSecret: this.t.resolveSecret,
          dryRun: false,
          snapshot,
          now: now(),
          ...(this.t.signals ? { signals: this.t.signals } : {}),
          ...(this.t.teams ? { teams: this.t.teams } : {}),
          ...(this.t.audit ? { audit: this.t.audit } : {}),
        });
        const seconds = (Date.now() - started) / 1000;
        this.metrics.observeRound(env, result, seconds);
        this.lastOk = true;
        this.lastError = undefined;
        event = { env, kind: 'round', active: true, result, seconds };
      }
    } catch (e) {
      const seconds = (Date.now() - started) / 1000;
      this.metrics.observeFailure(env, seconds);
      this.lastOk = false;
      this.lastError = describeCause(e);
      event = { env, kind: 'error', active: this.active, error: this.lastError, seconds };
    }
    this.lastRoundMs = now().getTime();
    this.o.onRound?.(event);
    return event;
  }

  /** Rounds until `signal` aborts; then the lease is released so a standby takes over at once. */
  async run(signal: AbortSignal): Promise<void> {
    try {
      while (!signal.aborted) {
        await this.round();
        await sleepUnlessAborted(this.o.intervalMs, signal);
      }
    } finally {
      this.t.lease.release();
      this.metrics.setActive(this.t.env, false);
      this.active = false;
    }
  }
}

function describeHolder(lease: Lease): string | undefined {
  const h = lease.holder();
  return h ? `${h.host} pid ${h.pid} until ${h.expiresAt}` : undefined;
}
