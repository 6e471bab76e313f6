#!/usr/bin/env bash
# Times the terminal UI end to end: from starting `sniffer ui DB` in a 160x50 tmux window to the front list's first
# page on the screen (issue 9: under a second on a database of a million HTTP exchanges). Each run then quits with q.
#
# usage: tests/tools/ui-first-screen.sh DB [--runs N]
#   SNIFFER=path/to/sniffer  time this build instead of publishing the installed one (the release profile, a few
#                            minutes) into a scratch folder
# A database of a million exchanges (250,000 flows): `dotnet build -c Release tests/Sniffer.Storage.Tests -m:1`, then
# `dotnet tests/Sniffer.Storage.Tests/bin/Release/net10.0/Sniffer.Storage.Tests.dll bench NEW.db 1000000`.
# Needs tmux and bc.
set -euo pipefail

database="" runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) database="$1"; shift ;;
  esac
done
[ -n "$database" ] && [ -f "$database" ] || { echo "usage: $0 DB [--runs N]" >&2; exit 2; }
for tool in tmux bc; do command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y tmux bc" >&2; exit 2; }; done

scratch="$(mktemp -d "${TMPDIR:-/tmp}/sniffer-ui-time.XXXXXX")"
session="sniffer-ui-time-$$"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$scratch"; }
trap cleanup EXIT

. "$(dirname "$0")/installed-sniffer.sh"
use_installed_sniffer "$scratch"

times=()
for run in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  tmux new-session -d -s "$session" -x 160 -y 50 "$SNIFFER ui '$database'"
  shown=0
  for _ in $(seq 1 3000); do  # polls every 2 ms, for at most about 10 s
    if tmux capture-pane -p -t "$session" 2>/dev/null | grep -q "^.*Flows: .* rows"; then shown=1; break; fi
    sleep 0.002
  done
  end=$(date +%s.%N)
  if [ "$shown" = 0 ]; then
    echo "run $run: no list on the screen after 10 s; the screen:" >&2
    tmux capture-pane -p -t "$session" >&2 || true
    exit 1
  fi
  elapsed=$(echo "$end - $start" | bc)
  times+=("$elapsed")
  printf 'run %d: first screen after %.3f s\n' "$run" "$elapsed"
  tmux send-keys -t "$session" q
  for _ in $(seq 1 500); do tmux has-session -t "$session" 2>/dev/null || break; sleep 0.01; done
  tmux kill-session -t "$session" 2>/dev/null || true
done
printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "median %.3f s, best %.3f s, worst %.3f s over %d runs\n", a[int((NR + 1) / 2)], a[1], a[NR], NR }'
