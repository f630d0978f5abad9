import { join } from 'node:path';
import { mkdirInside, type Boundary } from '../fs/boundary.js';
import { acquireLock, describeHolder, type HeldLock } from '../fs/lock.js';
import type { Reporter } from '../reporter.js';

/**
 * One deployment per environment at a time (apply, rollback): a lock file `.kcops/locks/deploy-<env>.lock` in the
 * repository, taken before the cluster is read and held until the audit log has the records, so two runs never plan
 * against the same state and interleave their changes. It serialises runs that share the checkout (one CI runner, one
 * operator's machine, a shared volume); runs on different machines are serialised by the CI pipeline's concurrency
 * group (see docs/reference/audit.md): neither the Connect REST API nor the Confluent Cloud API has a lock to take.
 */
export interface DeployLockRequest {
  boundary: Boundary;
  root: string;
  env: string;
  /** e.g. `kcops apply --env prod`. */
  purpose: string;
  timeoutMs: number;
  reporter: Reporter;
}

export function deployLockFile(root: string, env: string): string {
  return join(root, '.kcops', 'locks', `deploy-${env.replace(/[^A-Za-z0-9-]/g, '_')}.lock`);
}

export async function lockDeployment(r: DeployLockRequest): Promise<HeldLock> {
  const file = deployLockFile(r.root, r.env);
  mkdirInside(r.boundary, join(r.root, '.kcops', 'locks'));
  const lock = await acquireLock({
    boundary: r.boundary,
    file,
    purpose: r.purpose,
    timeoutMs: r.timeoutMs,
    code: 'DEPLOY_LOCKED',
    what: `Environment '${r.env}'`,
    waitHint: '--lock-timeout <duration>',
    onWait: (h) => r.reporter.info(`Waiting for the deployment lock of '${r.env}': held by ${describeHolder(h)}.`),
  });
  if (lock.tookOver)
    r.reporter.warn(
      `Took over the deployment lock of '${r.env}' left by ${describeHolder(lock.tookOver)}: that process is gone. Check \`kcops history --env ${r.env}\` and \`kcops drift --env ${r.env}\` for what it may have left half-done.`,
    );
  return lock;
}
