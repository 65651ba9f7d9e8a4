#!/usr/bin/env bash
# Install what the voice-service container tests need (tests/container/):
#   - podman with runc, and debootstrap, to build a stand-in python:3.11-slim
#     and both Dockerfiles (no registry is reachable, no Docker engine runs);
#   - Debian's python3 with pip and venv, for the seconds-long repro of the
#     `pip install --user` failure without containers (runuser is in util-linux).
# Idempotent and quiet: installs only what is missing. Run as root.
# Podman's configuration and storage are not touched here: the tests keep all
# of it in a temporary folder and delete it afterwards.
set -euo pipefail

say() { printf 'container-setup: %s\n' "$*"; }

missing=()
for tool in podman runc; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
# The keyring is only a recommendation of debootstrap, but it checks the
# archive's signatures with it.
command -v debootstrap >/dev/null || missing+=(debootstrap debian-archive-keyring)
if ! [ -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import pip, venv, ensurepip' 2>/dev/null; then
    missing+=(python3 python3-pip python3-venv)
fi
command -v runuser >/dev/null || missing+=(util-linux)

if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
        say "missing ${missing[*]} and cannot install them here (need root and apt-get)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # No recommends: podman's would pull in crun, slirp4netns and friends,
    # none of which these tests use (runc, host networking).
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

say "$(podman --version); runc $(runc --version | head -n 1 | awk '{print $3}');" \
    "debootstrap $(debootstrap --version | awk '{print $2}'); $(/usr/bin/python3 --version)"
