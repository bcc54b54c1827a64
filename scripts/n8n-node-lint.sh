#!/usr/bin/env bash
# npm run lint:n8n-node: `n8n-node cloud-support` must report the package eligible, then `n8n-node
# lint` must pass. ESLINT_FLAGS lets ESLint 9 read the eslint.config.mjs of test/, bench/, scripts/
# and tools/ (docs/development.md → Linting).
set -euo pipefail
cd "$(dirname "$0")/.."
export ESLINT_FLAGS=unstable_config_lookup_from_file
status="$(npx --no-install n8n-node cloud-support 2>&1 | sed 's/\x1b\[[0-9;]*m//g')"
echo "$status"
grep -q 'eligible for n8n Cloud verification' <<<"$status" && ! grep -q 'NOT eligible' <<<"$status" \
  || { echo "n8n-node cloud-support does not report the package eligible" >&2; exit 1; }
npx --no-install n8n-node lint
