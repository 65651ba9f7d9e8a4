#!/usr/bin/env bash
# Install the JavaScript tools the schema tests run: the JSON Schema validator ajv
# and ajv-formats, and yaml-language-server (the YAML language server VS Code's YAML
# extension runs), from the npm registry, into a folder inside the repo that git ignores.
# Idempotent and quiet: installs only when the pinned versions are not there yet.
#
#   NEXUS_PM_NODE_PREFIX  where to install (default .cache/node in the repo); the
#                         tests read the same variable
set -euo pipefail
cd "$(dirname "$0")/.."

AJV_VERSION="8.20.0"
AJV_FORMATS_VERSION="3.0.1"
# 1.x: 2.0 needs Node.js 22.13 or later, newer than the distribution's Node.js.
YAML_LANGUAGE_SERVER_VERSION="1.25.0"
prefix="${NEXUS_PM_NODE_PREFIX:-$PWD/.cache/node}"

say() { printf 'node-setup: %s\n' "$*"; }

if ! command -v npm >/dev/null; then
    if ! command -v apt-get >/dev/null; then
        say "npm is missing; install Node.js and npm" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq nodejs npm >/dev/null
fi

version() {
    local package_json="$prefix/node_modules/$1/package.json"
    if [ -f "$package_json" ]; then
        node -p "require(process.argv[1]).version" "$package_json"
    fi
}

if [ "$(version ajv)" != "$AJV_VERSION" ] || [ "$(version ajv-formats)" != "$AJV_FORMATS_VERSION" ] \
    || [ "$(version yaml-language-server)" != "$YAML_LANGUAGE_SERVER_VERSION" ]; then
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-fund --no-audit --loglevel=error --save-exact \
        "ajv@$AJV_VERSION" "ajv-formats@$AJV_FORMATS_VERSION" \
        "yaml-language-server@$YAML_LANGUAGE_SERVER_VERSION" >/dev/null
fi

say "node $(node --version); ajv $(version ajv), ajv-formats $(version ajv-formats)," \
    "yaml-language-server $(version yaml-language-server) in $prefix"
