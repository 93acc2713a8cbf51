#!/usr/bin/env bash
# Runs a tool in a directory and fails if it fails or prints a warning: the RTL quality gates.
# Usage: run_clean.sh DIR COMMAND [ARGS...]
set -uo pipefail
dir=$1
shift
cd "$dir" || exit 2
output=$("$@" 2>&1)
status=$?
printf '%s\n' "$output"
if [[ $status -ne 0 ]]; then
  echo "run_clean: '$*' exited with $status" >&2
  exit 1
fi
if grep -qi 'warning' <<<"$output"; then
  echo "run_clean: '$*' printed warnings" >&2
  exit 1
fi
