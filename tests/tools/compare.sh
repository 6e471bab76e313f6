#!/usr/bin/env bash
# Runs Sniffer, tshark and tcpflow on the same capture, one after another in one run, and prints each one's wall time,
# throughput, peak resident memory (/usr/bin/time -v) and the ratios against tshark (issue 11, item 1).
#
# usage: tests/tools/compare.sh CAPTURE [--workers N] [--keep]
#   SNIFFER=path/to/sniffer  use this build instead of publishing the installed one (src/Sniffer.Cli with the release
#                            profile: precompiled, self-contained; a few minutes)
#   --workers N              Sniffer's flow workers for the multi-core runs (default: the number of cores)
#   --keep                   keep the scratch folder (Sniffer's database, tshark's and tcpflow's output)
#
# Runs:
#   sniffer open --no-ui --workers N   end-to-end ingest into a session database (bodies capped at 16 MB)
#   sniffer read --workers 1 / N       analysis only, nothing stored
#   tshark -q -z http,tree -r CAPTURE  with -d tcp.port==P,http for every port Sniffer found HTTP on that tshark
#                                      does not decode as HTTP by default
#   tcpflow -r CAPTURE -o DIR          TCP reassembly to one file per direction
# Peers missing? apt-get install -y tshark tcpflow time
set -euo pipefail

capture="" workers="$(nproc)" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) capture="$1"; shift ;;
  esac
done
[ -n "$capture" ] && [ -f "$capture" ] || { echo "usage: $0 CAPTURE [--workers N] [--keep]" >&2; exit 2; }
for tool in tshark tcpflow /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y tshark tcpflow time python3" >&2; exit 2; }
done

scratch="$(mktemp -d "${TMPDIR:-/tmp}/sniffer-compare.XXXXXX")"
cleanup() { if [ "$keep" = 1 ]; then echo "kept $scratch"; else rm -rf "$scratch"; fi; }
trap cleanup EXIT

. "$(dirname "$0")/installed-sniffer.sh"
use_installed_sniffer "$scratch"

size=$(stat -c %s "$capture")
results="$scratch/results.tsv"
: >"$results"

# measure NAME COMMAND...: runs it under /usr/bin/time -v, output to the scratch folder, and notes wall time and peak RSS.
measure() {
  local name="$1"; shift
  echo "running $name: $*" >&2
  if ! /usr/bin/time -v -o "$scratch/$name.time" "$@" >"$scratch/$name.out" 2>"$scratch/$name.err"; then
    echo "$name failed; its last lines:" >&2; tail -5 "$scratch/$name.err" >&2
  fi
  python3 - "$scratch/$name.time" "$name" "$size" "$*" >>"$results" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
seconds = 0.0
for part in wall.split(":"):
    seconds = seconds * 60 + float(part)
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
cpu = sum(float(re.search(rf"{kind} time \(seconds\): (\S+)", text).group(1)) for kind in ("User", "System"))
print(f"{sys.argv[2]}\t{seconds:.2f}\t{rss_kb / 1024:.0f}\t{cpu:.2f}\t{sys.argv[4]}")
PY
}

measure sniffer-open "$SNIFFER" open "$capture" --no-ui --db "$scratch/session.sniffer.db" --workers "$workers"
measure sniffer-read-1 "$SNIFFER" read "$capture" --workers 1
measure "sniffer-read-$workers" "$SNIFFER" read "$capture" --workers "$workers"

# Ports Sniffer found HTTP on that are not in tshark's default HTTP port range: tshark needs -d for them.
decode_as=()
for port in $("$SNIFFER" report "$scratch/session.sniffer.db" --format ndjson | python3 -c '
import json, sys
tshark_http = {80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710}
ports = set()
for line in sys.stdin:
    record = json.loads(line)
    if record.get("type") == "flow" and record.get("protocol") == "http" and record.get("dest_port") not in tshark_http:
        ports.add(record["dest_port"])
print(" ".join(str(p) for p in sorted(ports)))'); do
  decode_as+=(-d "tcp.port==$port,http")
done
measure tshark-http-tree tshark -q -z http,tree "${decode_as[@]}" -r "$capture"
mkdir -p "$scratch/tcpflow"
measure tcpflow tcpflow -r "$capture" -o "$scratch/tcpflow"

python3 - "$results" "$size" "$capture" "$(nproc)" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
size, capture, cores = int(sys.argv[2]), sys.argv[3], sys.argv[4]
tshark = next((r for r in rows if r[0] == "tshark-http-tree"), None)
print(f"\n{capture}: {size / 1e6:,.1f} MB, {cores} cores")
print("(wall time counts any other load on the machine; CPU time, user + system of all threads, does not)")
print(f"{'run':<18} {'wall s':>8} {'MB/s':>7} {'× tshark':>9} {'CPU s':>8} {'× tshark CPU':>13} {'peak RSS MB':>12} {'tshark RSS ÷ it':>16}")
def ratio(reference, value):
    return f"{reference / value:,.1f}" if tshark and value > 0 else "-"
for name, wall, rss, cpu, command in rows:
    wall, rss, cpu = float(wall), float(rss), float(cpu)
    throughput = f"{size / 1e6 / wall:,.0f}" if wall > 0 else "-"
    print(f"{name:<18} {wall:>8.2f} {throughput:>7} {ratio(float(tshark[1]), wall) if tshark else '-':>9} {cpu:>8.2f}"
          f" {ratio(float(tshark[3]), cpu) if tshark else '-':>13} {rss:>12,.0f} {ratio(float(tshark[2]), rss) if tshark else '-':>16}")
print("\ncommands:")
for name, _, _, _, command in rows:
    print(f"  {name}: {command}")
PY
