#!/usr/bin/env bash
# Runs an AFL++ campaign on one harness: builds the harness in Release into WORK/bin, instruments Sniffer's
# assemblies there with SharpFuzz, exports the seed corpus, then runs afl-fuzz for SECONDS at low priority.
# Usage: tests/Sniffer.Fuzzing/run-afl.sh TARGET SECONDS [WORK]   (WORK defaults to ./fuzz-work, outside git)
# Needs: afl-fuzz (Debian package afl++) and the sharpfuzz tool (dotnet tool install -g SharpFuzz.CommandLine).
set -euo pipefail
target=${1:?target: capture, decoder, reassembler, http, smtp or imap}
seconds=${2:?seconds}
work=${3:-fuzz-work}
here=$(cd "$(dirname "$0")" && pwd)
export PATH="$PATH:$HOME/.dotnet/tools"

if [ ! -f "$work/bin/.instrumented" ]; then
  dotnet publish "$here/Sniffer.Fuzzing.csproj" -c Release -o "$work/bin" -m:1 --nologo -v quiet
  # Seeds first: instrumented assemblies only run under afl-fuzz (they write to its shared memory).
  dotnet "$work/bin/Sniffer.Fuzzing.dll" seeds "$work/seeds" "$here/../../captures"
  for assembly in "$work"/bin/Sniffer.*.dll; do
    case "$(basename "$assembly")" in
      Sniffer.Fuzzing.dll | Sniffer.TestSupport.dll) ;;  # the harness itself needs no coverage feedback
      *) sharpfuzz "$assembly" ;;
    esac
  done
  touch "$work/bin/.instrumented"
fi

# The harness is a managed program, not an afl-instrumented binary: skip afl's binary check. -t: per-input time
# limit in ms (the runtime's start-up is paid once; inputs run in the forked server loop).
mkdir -p "$work/out"
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
  nice -n 10 afl-fuzz -V "$seconds" -t 5000 -m none -i "$work/seeds/$target" -o "$work/out/$target" \
  -- dotnet "$work/bin/Sniffer.Fuzzing.dll" "$target"
grep -E '^(execs_done|execs_per_sec|saved_crashes|saved_hangs|corpus_count|run_time)' "$work/out/$target/default/fuzzer_stats"
