#!/usr/bin/env bash
# Kept for callers of the old name: installs all three engines (see ensure-browsers.sh).
exec "$(dirname "$0")/ensure-browsers.sh" "$@"
