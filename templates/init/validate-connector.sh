#!/usr/bin/env sh
# Validate connector configs (all environments, or the given files): thin wrapper over kcops.
set -eu
exec npx kcops validate "$@"
