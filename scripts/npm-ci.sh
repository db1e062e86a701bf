#!/usr/bin/env bash
# `npm ci` in the given folder, retried: a registry hiccup on a fresh machine should not fail the whole
# `make test` (CI once failed here after 95 s with nothing but a log path). npm's own fetch retries only
# cover single requests; this retries the install, and on the last failure prints the end of npm's log
# so the cause is in the CI output rather than in a file that disappears with the machine.
set -uo pipefail
dir=$1
attempts=${NPM_CI_ATTEMPTS:-3}
cd "$dir" || exit 1
for attempt in $(seq 1 "$attempts"); do
  started=$(date +%s)
  if npm ci --no-audit --no-fund --loglevel=error --fetch-retries=4 --fetch-retry-mintimeout=2000; then
    exit 0
  fi
  log=$(ls -t "${npm_config_cache:-$HOME/.npm}"/_logs/*-debug-*.log 2>/dev/null | head -n 1)
  if [ "$attempt" -lt "$attempts" ]; then
    echo "npm ci in $dir failed (attempt $attempt of $attempts, $(($(date +%s) - started)) s); retrying" >&2
    sleep $((attempt * 5))
  else
    echo "npm ci in $dir failed $attempts times; the end of npm's log ($log):" >&2
    [ -n "$log" ] && tail -n 40 "$log" >&2
  fi
done
exit 1
