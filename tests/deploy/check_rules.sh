#!/usr/bin/env bash
# tests/deploy/check_rules.sh ROOT
#
# The alert rules of deploy/prometheus: `promtool check rules` (syntax, PromQL, templates) and
# `promtool test rules` (herald-alerts.test.yml: alerts fire on synthetic series, and stay silent
# where they should).
set -euo pipefail
root=${1:-.}
command -v promtool >/dev/null || {
    echo "check_rules.sh: promtool is missing (Debian package prometheus; scripts/install-deps.sh installs it)" >&2
    exit 1
}
cd "$root/deploy/prometheus"
promtool check rules herald-alerts.yml
promtool test rules herald-alerts.test.yml
