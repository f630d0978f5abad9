#!/usr/bin/env sh
# Deploy connectors of one environment: validate first; plan/apply come with `kcops plan` / `kcops apply`.
set -eu
ENV="${1:?usage: deploy-connector.sh <env>}"
npx kcops validate --env "$ENV"
exec npx kcops apply --env "$ENV"
