#!/usr/bin/env bash
# Times ConfigLint with hyperfine:
#   1. the Native AOT binary on examples/onion-site against `tor --verify-config -f` on one torrc;
#   2. the JIT (framework-dependent) build against the AOT binary.
# Usage: bench/run.sh            (from anywhere; needs dotnet, tor and hyperfine)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results artifacts

if [[ ! -x artifacts/aot/configlint ]]; then
  dotnet publish src/ConfigLint.Cli -c Release -r linux-x64 -o artifacts/aot --nologo -v q
fi
dotnet build src/ConfigLint.Cli -c Release -o artifacts/jit --nologo -v q >/dev/null

AOT=./artifacts/aot/configlint
JIT="dotnet artifacts/jit/configlint.dll"
# A torrc tor accepts without network access (the published onion-site torrc names 'nginx', which tor
# must resolve at start-up, so tor fails on a machine without that host).
TORRC=examples/onion-site-hardened/tor/settings/torrc

echo "== AOT check vs tor --verify-config =="
hyperfine -N --warmup 5 --runs 50 --export-markdown bench/results/aot-vs-tor.md --export-json bench/results/aot-vs-tor.json \
  "$AOT check examples/onion-site --fail-on none" \
  "tor --verify-config -f $TORRC"

echo "== JIT vs AOT =="
hyperfine -N --warmup 3 --runs 20 --export-markdown bench/results/jit-vs-aot.md --export-json bench/results/jit-vs-aot.json \
  "$JIT check examples/onion-site --fail-on none" \
  "$AOT check examples/onion-site --fail-on none"

if [[ -d ../shared/corpus ]]; then
  echo "== AOT on the whole shared corpus =="
  hyperfine -N -i --warmup 2 --runs 10 --export-markdown bench/results/corpus.md \
    "$AOT check ../shared/corpus --fail-on none"
fi

echo "== peak memory (KiB), AOT check examples/onion-site =="
/usr/bin/time -f "%M" $AOT check examples/onion-site --fail-on none >/dev/null
