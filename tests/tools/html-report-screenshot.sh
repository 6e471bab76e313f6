#!/bin/sh
# Renders Sniffer's HTML report of a session database (or capture) in headless Chromium and saves a screenshot.
# Usage: tests/tools/html-report-screenshot.sh DB|CAPTURE OUT.png [WIDTHxHEIGHT]
# SNIFFER names the sniffer command (default: dotnet run --project src/Sniffer.Cli --); CHROMIUM the browser
# (default: chromium, as Debian's package installs it). Exit 2 on usage, 77 when Chromium is absent, else Chromium's.
set -eu
if [ $# -lt 2 ]; then
    echo "usage: $0 DB|CAPTURE OUT.png [WIDTHxHEIGHT]" >&2
    exit 2
fi
input=$1
out=$2
size=${3:-1400x3000}
root=$(cd "$(dirname "$0")/../.." && pwd)
browser=${CHROMIUM:-chromium}
command -v "$browser" >/dev/null 2>&1 || { echo "$browser is not installed" >&2; exit 77; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
${SNIFFER:-dotnet run --project "$root/src/Sniffer.Cli" --} report "$input" --format html -o "$work/report.html"
# --no-sandbox: Chromium's sandbox needs user namespaces, which containers and root shells often lack; the page
# runs no script (the report's Content-Security-Policy forbids it) and fetches nothing.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$(echo "$size" | tr x ,)" \
    --screenshot="$work/shot.png" "file://$work/report.html" >/dev/null 2>&1
mv "$work/shot.png" "$out"
