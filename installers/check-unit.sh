#!/usr/bin/env bash
# Verifies the systemd unit offline: syntax and references (verify) and the hardening score (security).
set -euo pipefail
unit="$(cd "$(dirname "$0")" && pwd)/systemd/bulwark.service"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# verify checks that ExecStart exists: point it at a stand-in inside the temp dir.
sed "s#/opt/bulwark/bin/bulwark#$tmp/bulwark#" "$unit" > "$tmp/bulwark.service"
printf '#!/bin/sh\n' > "$tmp/bulwark" && chmod +x "$tmp/bulwark"
systemd-analyze verify "$tmp/bulwark.service"
systemd-analyze security --offline=yes "$tmp/bulwark.service" | tail -1
