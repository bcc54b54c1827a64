#!/usr/bin/env bash
# npm run lint:n8n-node — n8n's own `n8n-node lint` (@n8n/node-cli), the check n8n asks verified
# community-node authors to pass, exactly as it runs in a package made with `n8n-node new`.
#
# This repository keeps tests, the sandbox and benchmarks beside the node code, and its own
# eslint.config.mjs (npm run lint) scopes n8n's rules to the shipped code; `n8n-node lint` lints
# every .ts file and, in strict mode, insists on its default eslint.config.mjs. So the shipped sources
# (credentials/, nodes/, icons/, package.json, tsconfig.json) are staged with that default config and
# linted there. @n8n/node-cli (about 700 MB with its dependencies) is installed once into the cache,
# scripts off, at the version in versions.env.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/tools/lib.sh"
dir="$RR_CACHE/node-cli-$N8N_NODE_CLI_VERSION"

mkdir -p "$RR_CACHE"
exec 9>"$RR_CACHE/.install-node-cli.lock"
flock 9
if [ ! -f "$dir/.complete" ]; then
  echo "[n8n-node lint] installing @n8n/node-cli $N8N_NODE_CLI_VERSION into $dir (first time only) ..." >&2
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  echo '{"name":"node-cli-holder","private":true}' > "$dir.tmp/package.json"
  (cd "$dir.tmp" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error "@n8n/node-cli@$N8N_NODE_CLI_VERSION" >&2)
  touch "$dir.tmp/.complete"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
fi
exec 9>&-

stage="$(mktemp -d "$dir/stage.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
cp -r "$root/credentials" "$root/nodes" "$root/icons" "$root/package.json" "$root/tsconfig.json" "$stage/"
cp "$dir/node_modules/@n8n/node-cli/dist/template/templates/shared/default/eslint.config.mjs" "$stage/"
cd "$stage"
"$dir/node_modules/.bin/n8n-node" lint
