#!/usr/bin/env bash
# npm run lint:n8n-node — n8n's own CLI (@n8n/node-cli, a pinned devDependency) in place on this
# repository: `n8n-node cloud-support` must report the package eligible for n8n Cloud verification
# (strict mode and the literal default eslint.config.mjs), then `n8n-node lint` must pass.
#
# n8n's default ESLint config applies its community-node rules to every .ts file under the package
# root; tests, the sandbox, benchmarks, scripts and tools need Node built-ins, so each of those folders
# has an eslint.config.mjs of its own. ESLint 9 reads those only with the flag
# unstable_config_lookup_from_file (ESLint 10's default behaviour), set here through ESLINT_FLAGS.
# Without it, `n8n-node lint` also lints the tests with the community-node rules and fails there
# (docs/development.md → Linting).
set -euo pipefail
cd "$(dirname "$0")/.."
export ESLINT_FLAGS=unstable_config_lookup_from_file
status="$(npx --no-install n8n-node cloud-support 2>&1 | sed 's/\x1b\[[0-9;]*m//g')"
echo "$status"
grep -q 'eligible for n8n Cloud verification' <<<"$status" && ! grep -q 'NOT eligible' <<<"$status" \
  || { echo "n8n-node cloud-support does not report the package eligible" >&2; exit 1; }
npx --no-install n8n-node lint
