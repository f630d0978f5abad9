import { usageError } from '../../errors.js';
import type { Plan } from '../plan/types.js';

/**
 * REQ-OPS-003: a deletion happens only when the operator named that connector. A CI pipeline's manual-approval step
 * supplies the names (e.g. a protected-environment input passed as `--approve-delete "$APPROVED"`).
 */
export function assertDeletesApproved(plan: Plan, approved: ReadonlySet<string>): void {
  const missing = plan.changes
    .filter((c) => c.action === 'delete' && !approved.has(c.connector))
    .map((c) => c.connector);
  if (missing.length === 0) return;
  throw usageError(
    'DELETE_NOT_APPROVED',
    `The plan deletes ${missing.length} connector(s) without approval: ${missing.join(', ')}.`,
    `Name each one: ${missing.map((m) => `--approve-delete ${m}`).join(' ')} (or drop --prune to keep them).`,
  );
}
