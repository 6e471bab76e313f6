# Sourced by the measuring scripts: sets SNIFFER to the build they time. A SNIFFER already set is kept; otherwise
# the installed build (src/Sniffer.Cli published with the release profile, a few minutes) is published into the
# folder given, which the caller removes.
#
# usage: . tests/tools/installed-sniffer.sh; use_installed_sniffer SCRATCH_DIR
use_installed_sniffer() {
  [ -n "${SNIFFER:-}" ] && return 0
  local repo
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  echo "publishing Sniffer with the release profile ..." >&2
  dotnet publish "$repo/src/Sniffer.Cli" -p:PublishProfile=release -m:1 -o "$1/sniffer-build" >"$1/publish.log" 2>&1 \
    || { cat "$1/publish.log" >&2; exit 1; }
  # bin/sniffer is the command README installs: the program with the generation-0 budget it is meant to run with.
  SNIFFER="$1/sniffer-build/bin/sniffer"
}
