import { DEFAULT_REVIEW_POLICY, reviewAccess, type DeclaredTeam } from '../../core/access/review.js';
import { ExitCode } from '../../errors.js';
import type { accessReviewCommand } from '../commands/access.js';
import { csvReview, humanReview, markdownReview } from '../render/access-review.js';
import { onEnvironment } from './environment.js';

/**
 * `kcops access review --env E`: the backend says who may do what (Backend.access), kcops.yaml says what each team
 * owns and the policy, core/access/review.ts judges. Exit 6 (Findings) when something is flagged, so a quarterly CI
 * job fails and keeps the report; `--no-fail-on-findings` for a report-only run.
 */
export const review = onEnvironment<typeof accessReviewCommand>(async (ctx, _args, o, { backend, target }) => {
  const inventory = await backend.access.inventory();
  const declared = target.project?.access;
  const teams: Record<string, DeclaredTeam> = {};
  for (const [name, t] of Object.entries(target.project?.teams ?? {}))
    teams[name] = { prefixes: t.prefixes, serviceAccounts: t.serviceAccounts };
  const result = reviewAccess({
    inventory,
    teams,
    policy: {
      ...DEFAULT_REVIEW_POLICY,
      keyRotationDays: o.keyRotationDays ?? declared?.keyRotationDays ?? DEFAULT_REVIEW_POLICY.keyRotationDays,
      unusedKeyDays: o.unusedKeyDays ?? declared?.unusedKeyDays ?? DEFAULT_REVIEW_POLICY.unusedKeyDays,
      consoleUsers: declared?.consoleUsers ?? [],
    },
    now: new Date(),
  });
  const env = target.env;
  return {
    data: { env, ...result },
    human: (st) => humanReview(result, env, st),
    reports: { markdown: () => markdownReview(result, env), csv: () => csvReview(result) },
    exitCode: result.findings.length > 0 && o.failOnFindings ? ExitCode.Findings : ExitCode.Ok,
  };
});
