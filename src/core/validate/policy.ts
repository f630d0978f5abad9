import type { Policy } from '../project/schema.js';

/**
 * The policy applied to loose files outside a repository: every production check runs, but advisory, so that a file
 * copied from a tutorial is told what production would refuse without failing (`kcops validate --strict` makes it so).
 * Kept apart from the kcops.yaml schema so that validating one loose file does not load the schema library.
 */
export const DEFAULT_POLICY: Policy = {
  severity: 'advisory',
  requireDlqOnSinks: true,
  requireExactlyOnceOnSources: true,
};

/** Environments whose names say they are not production get advisory severities unless their policy says otherwise. */
const NON_PRODUCTION = /^(dev|devel|development|local|test|testing|sandbox|ci|demo|playground|experiment)(-|$)/;

export function policySeverity(envName: string | undefined, policy: Policy): 'strict' | 'advisory' {
  if (policy.severity) return policy.severity;
  if (envName === undefined) return 'advisory';
  return NON_PRODUCTION.test(envName) ? 'advisory' : 'strict';
}
