#!/usr/bin/env bash
# Captures the traffic generator's real traffic on a veth pair with Ethernet-sized frames, while storing it, and
# checks that nothing was dropped (issue 11: the realistic benchmark capture and the live zero-drop figure).
#
# usage: tests/tools/veth-capture.sh OUT.pcap [--size 1GB | --duration 20s | --count N] [--generators N] [--logs DIR]
#                                    [--keep-db] [--no-priority]
#   --size SIZE       run the generators at full speed until the capture file reaches SIZE (K/M/G suffixes, 1000s);
#                     default 1GB
#   --duration D      instead, run each generator for D (as `sniffer generate --duration`: 500ms, 20s, 5m)
#   --count N         instead, run each generator's scenarios N times: none is cut short, so the logs are exact
#   --generators N    generators in parallel, each with its own set of servers (default 3)
#   --logs DIR        keep each generator's log (DIR/generator-N.json, see src/Sniffer.Generator/LOG.md)
#   --keep-db         keep the session database OUT.sniffer.db the capture stored into (deleted otherwise)
#   --no-priority     run the capture at the generators' priority instead of nice -10 (see below)
#   SNIFFER=path      use this sniffer instead of building src/Sniffer.Cli in Release
#
# Two network namespaces joined by a veth pair (MTU 1500, segmentation/receive offloads and checksum offloads off,
# IPv6 off), so every frame is at most 1514 bytes as on a real Ethernet link. The addresses come from 198.18.0.0/15,
# reserved for benchmarks (RFC 2544 appendix C.2.2, RFC 6890) and exist only inside the namespaces: the server
# namespace holds 198.18.0.1..N, one `sniffer serve` (HTTP 80, SMTP 25, IMAP 143) per address, and the client
# namespace 198.18.0.100, where `sniffer capture -i <veth> -w OUT.pcap --db OUT.sniffer.db` and N
# `sniffer generate --scenario all` (seeds 1..N) run. Each generator has its own servers, so the traffic is several
# client-server pairs as on a real network and each server's mailboxes hold one generator's mail.
# The generators, their servers and the capture share this machine's cores, where on a real network the traffic
# comes from other machines; so the capture runs at nice -10, ahead of the generators (and of other work on a shared
# machine). --no-priority measures without that.
# Everything is stopped by PID and both namespaces (with the veth pair) are deleted on exit, Ctrl-C or TERM.
#
# Prints the generators' summary, the capture's summary (drop counters), then from the pcap itself (tshark):
# frames, bytes, TCP flows, the largest frame, and the generators' rate. Exits 1 if a frame exceeds 1514 bytes or
# the capture dropped anything, 2 on a usage or set-up error. Needs root, iproute2, ethtool and tshark.
set -euo pipefail

output="" size="1GB" duration="" count="" generators=3 logs="" keep_db=0 priority=10
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; duration=""; count=""; shift 2 ;;
    --duration) duration="$2"; size=""; count=""; shift 2 ;;
    --count) count="$2"; size=""; duration=""; shift 2 ;;
    --generators) generators="$2"; shift 2 ;;
    --logs) logs="$2"; shift 2 ;;
    --keep-db) keep_db=1; shift ;;
    --no-priority) priority=0; shift ;;
    -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) output="$1"; shift ;;
  esac
done
[ -n "$output" ] || { echo "usage: $0 OUT.pcap [--size 1GB | --duration 20s | --count N] [--generators N] [--logs DIR] [--keep-db] [--no-priority]" >&2; exit 2; }
[[ "$generators" =~ ^[1-9][0-9]?$ ]] && [ "$generators" -le 50 ] || { echo "--generators must be 1 to 50" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces)" >&2; exit 2; }
for tool in ip ethtool tshark; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y iproute2 ethtool tshark" >&2; exit 2; }
done
size_bytes=0
if [ -n "$size" ]; then
  size_bytes="$(numfmt --from=si "${size%B}" 2>/dev/null)" || { echo "--size: '$size' is not a size such as 500MB or 1GB" >&2; exit 2; }
fi

repo="$(cd "$(dirname "$0")/../.." && pwd)"
output="$(realpath -m "$output")"
database="${output%.pcap}.sniffer.db"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/sniffer-veth.XXXXXX")"
server_ns="sniffer-veth-$$-server" client_ns="sniffer-veth-$$-client"
server_if="snf$$s" client_if="snf$$c"
client_address=198.18.0.100
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  # Deleting the namespaces deletes the veth pair with them.
  ip netns del "$client_ns" 2>/dev/null || true
  ip netns del "$server_ns" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits (at most 30 s) until file $1 has $3 lines matching $2; gives up early if process $4 ends.
wait_for_lines() {
  local file="$1" pattern="$2" count="$3" pid="$4"
  for _ in $(seq 300); do
    [ "$(grep -c "$pattern" "$file" 2>/dev/null || true)" -ge "$count" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "gave up waiting for '$pattern' in $file:" >&2; cat "$file" >&2; exit 2
}

if [ -z "${SNIFFER:-}" ]; then
  echo "building Sniffer (Release) ..." >&2
  dotnet build "$repo/src/Sniffer.Cli/Sniffer.Cli.csproj" -c Release -m:1 >"$scratch/build.log" 2>&1 \
    || { cat "$scratch/build.log" >&2; exit 2; }
  SNIFFER="$repo/src/Sniffer.Cli/bin/Release/net10.0/sniffer"
fi

ip netns add "$server_ns"
ip netns add "$client_ns"
ip link add "$client_if" netns "$client_ns" type veth peer name "$server_if" netns "$server_ns"
for end in "$server_ns $server_if" "$client_ns $client_if"; do
  set -- $end
  ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
  ip netns exec "$1" ip link set "$2" mtu 1500
  # lro is fixed off on veth; ethtool reports what it could not change and exits non-zero for it, hence the check below.
  ip netns exec "$1" ethtool -K "$2" tso off gso off gro off lro off tx off rx off >/dev/null 2>&1 || true
  offloads="$(ip netns exec "$1" ethtool -k "$2" | grep -E '^(tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload|large-receive-offload|rx-checksumming|tx-checksumming):' | grep -v ': off' || true)"
  [ -z "$offloads" ] || { echo "offloads still on for $2: $offloads" >&2; exit 2; }
  ip netns exec "$1" ip link set lo up
  ip netns exec "$1" ip link set "$2" up
done
ip netns exec "$client_ns" ip addr add "$client_address/24" dev "$client_if"
for n in $(seq "$generators"); do ip netns exec "$server_ns" ip addr add "198.18.0.$n/24" dev "$server_if"; done

# serve stops cleanly on SIGTERM, which cleanup sends.
for n in $(seq "$generators"); do
  ip netns exec "$server_ns" "$SNIFFER" serve --bind "198.18.0.$n" --http 80 --smtp 25 --imap 143 \
    >"$scratch/serve-$n.out" 2>"$scratch/serve-$n.err" &
  pids+=($!)
  wait_for_lines "$scratch/serve-$n.out" "listening on" 3 $!
done

# Background jobs of a script ignore SIGINT; env --default-signal gives it back, so the capture and the generators
# can be stopped the way Ctrl-C stops them (they then finish the pcap and the database, and write their logs).
rm -f "$output" "$database"
capture_started=$(date +%s.%N)
ip netns exec "$client_ns" nice -n "-$priority" env --default-signal=INT "$SNIFFER" capture -i "$client_if" -w "$output" --db "$database" \
  >"$scratch/capture.out" 2>"$scratch/capture.err" &
capture_pid=$!
pids+=("$capture_pid")
wait_for_lines "$scratch/capture.err" "^Capturing on" 1 "$capture_pid"

[ -z "$logs" ] || mkdir -p "$logs"
generator_pids=()
# Both directions cross the client's end of the veth; its counters see every frame whatever the capture does.
wire_bytes() {
  local counters="/sys/class/net/$client_if/statistics"
  echo $(( $(ip netns exec "$client_ns" cat "$counters/rx_bytes") + $(ip netns exec "$client_ns" cat "$counters/tx_bytes") ))
}
wire_before="$(wire_bytes)"
generators_started=$(date +%s.%N)
for n in $(seq "$generators"); do
  ip netns exec "$client_ns" env --default-signal=INT "$SNIFFER" generate --scenario all --seed "$n" \
    --http "http://198.18.0.$n/" --smtp "198.18.0.$n:25" --imap "198.18.0.$n:143" \
    ${duration:+--duration "$duration"} ${count:+--count "$count"} ${size:+--duration 2h} --log "${logs:-$scratch}/generator-$n.json" \
    >"$scratch/generator-$n.out" 2>&1 &
  pids+=($!)
  generator_pids+=($!)
done

running() { local pid; for pid in "$@"; do kill -0 "$pid" 2>/dev/null && return 0; done; return 1; }
if [ -n "$size" ]; then
  # Full speed until the file is big enough; the 2 h duration above bounds a run whose rate collapses.
  while running "${generator_pids[@]}" && [ "$(stat -c %s "$output")" -lt "$size_bytes" ]; do sleep 0.2; done
  for pid in "${generator_pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
fi
generator_status=0
for pid in "${generator_pids[@]}"; do wait "$pid" || generator_status=$?; done
generators_ended=$(date +%s.%N)
sleep 1 # the last FIN/ACKs are on the wire before the capture stops
wire="$(( $(wire_bytes) - wire_before ))"
kill -INT "$capture_pid"
capture_status=0
wait "$capture_pid" || capture_status=$?
capture_ended=$(date +%s.%N)

for n in $(seq "$generators"); do sed "s/^/generator $n: /" "$scratch/generator-$n.out"; done
cat "$scratch/capture.out"
grep -v '^Capturing on' "$scratch/capture.err" >&2 || true
[ "$capture_status" -eq 0 ] || { echo "sniffer capture failed (exit $capture_status)" >&2; exit 2; }
[ "$keep_db" -eq 1 ] || rm -f "$database" "$database.lock" "${database%.db}-log.db"

# The pcap, read back by tshark: frames, bytes, the largest frame (io,stat) and TCP conversations (conv,tcp).
statistics="$(tshark -r "$output" -q -z io,stat,0,FRAMES,BYTES,"MAX(frame.len)frame.len" -z conv,tcp 2>/dev/null)"
read -r frames bytes largest < <(echo "$statistics" | awk -F'|' '/<>/ { print $3 + 0, $4 + 0, $5 + 0 }')
flows="$(echo "$statistics" | grep -c '<->' || true)"
rate="$(echo "$wire $generators_started $generators_ended" | awk '{ printf "%.1f", $1 / ($3 - $2) / 1e6 }')"
dropped() { sed -n "s/^Dropped by $1: *\([0-9,]*\).*/\1/p" "$scratch/capture.out" | tr -d ,; }
kernel="$(dropped kernel)" interface="$(dropped interface)" ours="$(dropped sniffer)"

echo "veth-capture: $output"
echo "veth-capture: frames $frames, bytes $bytes, TCP flows $flows, largest frame $largest bytes (limit 1514)"
echo "veth-capture: dropped kernel ${kernel:-?}, interface ${interface:-?}, sniffer ${ours:-?}"
echo "veth-capture: $generators generators for $(echo "$generators_started $generators_ended" | awk '{ printf "%.1f", $2 - $1 }') s:" \
  "$wire bytes on the wire (the veth's counters, Ethernet headers without FCS), $rate MB/s;" \
  "capture ran $(echo "$capture_started $capture_ended" | awk '{ printf "%.1f", $2 - $1 }') s"
[ "$generator_status" -eq 0 ] || echo "veth-capture: a generator reported errors (exit $generator_status); see its lines above" >&2
failed=0
[ "$largest" -le 1514 ] || { echo "veth-capture: a frame of $largest bytes exceeds Ethernet's 1514" >&2; failed=1; }
[ "$kernel" = 0 ] && [ "$interface" = 0 ] && [ "$ours" = 0 ] || { echo "veth-capture: the capture dropped packets" >&2; failed=1; }
exit "$failed"
