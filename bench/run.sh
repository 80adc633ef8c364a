#!/usr/bin/env bash
# Times ConfigLint with hyperfine, in one run:
#   1. the Native AOT binary on examples/onion-site against `tor --verify-config -f` on one torrc;
#   2. the AOT binary against the npm linters on the same single files: dclint (compose) and dockerfilelint (Dockerfile);
#   3. the JIT (framework-dependent) build against the AOT binary;
#   4. the AOT binary on all of examples/ and on the whole ../shared/corpus (when present);
#   5. peak resident memory of each ConfigLint run (/usr/bin/time).
# Usage: bench/run.sh   (needs dotnet, tor and hyperfine; npm tools from .ci/run under artifacts/npm)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results artifacts

if [[ ! -x artifacts/aot/configlint ]]; then
  dotnet publish src/ConfigLint.Cli -c Release -r linux-x64 -o artifacts/aot --nologo -v q
fi
dotnet build src/ConfigLint.Cli -c Release -o artifacts/jit --nologo -v q >/dev/null

AOT=./artifacts/aot/configlint
JIT="dotnet artifacts/jit/configlint.dll"
NPM_BIN=artifacts/npm/node_modules/.bin
# A torrc tor accepts without network access (the published onion-site torrc names 'nginx', which tor
# must resolve at start-up, so tor fails on a machine without that host).
TORRC=examples/onion-site-hardened/tor/settings/torrc
COMPOSE=examples/onion-site/compose.yaml
DOCKERFILE=examples/onion-site-hardened/tor/Dockerfile

echo "== AOT check vs tor --verify-config =="
hyperfine -N --warmup 5 --runs 50 --export-markdown bench/results/aot-vs-tor.md --export-json bench/results/aot-vs-tor.json \
  "$AOT check examples/onion-site --fail-on none" \
  "tor --verify-config -f $TORRC"

if [[ -x $NPM_BIN/dclint && -x $NPM_BIN/dockerfilelint ]]; then
  echo "== same compose file: AOT vs dclint =="
  hyperfine -N -i --warmup 2 --runs 20 --export-markdown bench/results/compose.md --export-json bench/results/compose.json \
    "$AOT check $COMPOSE --fail-on none" \
    "$NPM_BIN/dclint $COMPOSE"
  echo "== same Dockerfile: AOT vs dockerfilelint =="
  hyperfine -N -i --warmup 2 --runs 20 --export-markdown bench/results/dockerfile.md --export-json bench/results/dockerfile.json \
    "$AOT check $DOCKERFILE --fail-on none" \
    "$NPM_BIN/dockerfilelint $DOCKERFILE"
else
  echo "(dclint/dockerfilelint not under $NPM_BIN: run .ci/run's npm install first)"
fi

echo "== JIT vs AOT =="
hyperfine -N --warmup 3 --runs 20 --export-markdown bench/results/jit-vs-aot.md --export-json bench/results/jit-vs-aot.json \
  "$JIT check examples/onion-site --fail-on none" \
  "$AOT check examples/onion-site --fail-on none"

echo "== AOT on all examples and on the whole shared corpus =="
CORPUS=()
if [[ -d ../shared/corpus ]]; then CORPUS=("$AOT check ../shared/corpus --fail-on none"); fi
hyperfine -N -i --warmup 2 --runs 10 --export-markdown bench/results/corpus.md --export-json bench/results/corpus.json \
  "$AOT check examples --fail-on none" "${CORPUS[@]}"

echo "== configlint fix --diff (analysis passes until nothing is left to fix; writes nothing) =="
FIXCORPUS=()
if [[ -d ../shared/corpus ]]; then FIXCORPUS=("$AOT fix --diff ../shared/corpus"); fi
hyperfine -N -i --warmup 2 --runs 10 --export-markdown bench/results/fix.md --export-json bench/results/fix.json \
  "$AOT fix --diff examples" "${FIXCORPUS[@]}"

echo "== peak resident memory (KiB) =="
for target in examples/onion-site examples ../shared/corpus; do
  [[ -e $target ]] || continue
  printf '%s\t' "$target"
  /usr/bin/time -f "%M" $AOT check "$target" --fail-on none 2>&1 >/dev/null | tail -1
done
