#!/usr/bin/env sh
# Validate connector configs (all environments, or the given files): a thin wrapper over kcops, the same on a laptop
# and in CI (no terminal needed). Extra flags pass through, e.g. --offline, --env prod, -o sarif.
set -eu
if command -v kcops >/dev/null 2>&1; then exec kcops validate "$@"; fi
exec npx --no-install kcops validate "$@"
