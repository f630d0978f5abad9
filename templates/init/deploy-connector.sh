#!/usr/bin/env sh
# Deploy the connectors of one environment: validate, plan (saved), apply exactly that plan.
#   scripts/deploy-connector.sh <env>              validate, plan to plan-<env>.json, apply it
#   scripts/deploy-connector.sh <env> <plan-file>  apply a plan saved earlier (refused when stale)
# On a terminal, apply shows the plan and asks. In CI (CI is set) it applies without asking: the review happened on the
# pull request and, for protected environments, in the platform's approval. Deleting connectors needs their names in
# KCOPS_APPROVE_DELETE (space-separated): never automatic.
# Exit codes are kcops's: 0 applied or nothing to do, 4 failed and rolled back, 1 error, 2 usage.
set -eu
ENV="${1:?usage: deploy-connector.sh <env> [plan-file]}"
PLAN="${2:-}"
# kcops on PATH (a global install, as in CI), else the project's own (npx never downloads here).
if command -v kcops >/dev/null 2>&1; then KCOPS="kcops"; else KCOPS="npx --no-install kcops"; fi
if [ -z "$PLAN" ]; then
  $KCOPS validate --env "$ENV"
  PLAN="plan-$ENV.json"
  if [ -n "${KCOPS_APPROVE_DELETE:-}" ]; then
    $KCOPS plan --env "$ENV" --prune --out "$PLAN"
  else
    $KCOPS plan --env "$ENV" --out "$PLAN"
  fi
fi
set -- --env "$ENV" "$PLAN"
if [ -n "${CI:-}" ]; then set -- "$@" --auto-approve; fi
# shellcheck disable=SC2086 # connector names are words
if [ -n "${KCOPS_APPROVE_DELETE:-}" ]; then set -- "$@" --prune --approve-delete $KCOPS_APPROVE_DELETE; fi
exec $KCOPS apply "$@"
