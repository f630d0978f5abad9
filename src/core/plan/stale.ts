import { UserError } from '../../errors.js';
import { isDeepStrictEqual } from 'node:util';
import type { Plan } from './types.js';

/**
 * A saved plan may only be applied to the cluster state it was made against (Terraform's "Saved plan is stale"), and
 * only if the files still say the same thing. `fresh` is the plan recomputed now with the saved plan's salt.
 */
export function assertPlanCurrent(saved: Plan, fresh: Plan): void {
  if (saved.env !== fresh.env) {
    throw new UserError('PLAN_ENV_MISMATCH', `The plan is for environment '${saved.env}', not '${fresh.env}'.`, {
      hint: `Run \`kcops apply --env ${saved.env} <plan>\` or make a new plan for '${fresh.env}'.`,
    });
  }
  if (saved.fingerprint !== fresh.fingerprint) {
    throw new UserError('PLAN_STALE', 'Saved plan is stale: the cluster changed since the plan was made.', {
      hint: `Make a new plan (\`kcops plan --env ${saved.env} --out plan.json\`), review it, and apply that.`,
    });
  }
  if (!isDeepStrictEqual(saved.changes, fresh.changes)) {
    throw new UserError(
      'PLAN_FILES_CHANGED',
      'Saved plan no longer matches the connector files: they changed since the plan was made.',
      {
        hint: `Make a new plan (\`kcops plan --env ${saved.env} --out plan.json\`) from the current files.`,
      },
    );
  }
}
