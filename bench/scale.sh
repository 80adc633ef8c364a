#!/usr/bin/env bash
# Scaling benchmark (issue 15): how time and peak memory grow with the input.
#
# bench/scale_gen.py writes the inputs under bench/results/scale/ (git-ignored): ../shared/corpus copied 1x, 10x and
# (when the disk has room) 50x; one nginx.conf with 1,000 and 10,000 server blocks; one compose file with 10,000 and
# 20,000 services; one torrc with 1,000 and 10,000 onion services. Each pair (small, large) is timed with
# `hyperfine -N`, one run of each in turn per round, so both sizes see the same machine load, and the growth of each
# round is the large run's time over the small run's; the table gives the median of those paired ratios (and their
# range) for wall time and for CPU time (user + system), and the growth of peak resident memory (/usr/bin/time %M).
#
# Usage: bench/scale.sh [ROUNDS]            (default 5 rounds; 3 for the 50x corpus)
#   AOT=path      the binary to time (default artifacts/aot/configlint, published if missing)
#   BASE=path     a second binary (an older build) timed in the same rounds, for before/after growth from one run
#   ONLY="nginx compose"   only these pairs (corpus, corpus50, nginx, compose, torrc)
#   SCALE_50=0    skip the 50x corpus
# Writes bench/results/scale/summary.md and the hyperfine JSON of every run under bench/results/scale/runs/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
AOT=${AOT:-./artifacts/aot/configlint}
BASE=${BASE:-}
ONLY=${ONLY:-corpus corpus50 nginx compose torrc}
SCALE_50=${SCALE_50:-1}
OUT=bench/results/scale
RUNS=$OUT/runs
mkdir -p "$OUT"

if [[ ! -x $AOT ]]; then
  dotnet publish src/ConfigLint.Cli -c Release -r linux-x64 -o artifacts/aot --nologo -v q
fi

# The 50x corpus needs 50 times the corpus on disk; skip it when less than twice that is free.
copies=1,10
if [[ $SCALE_50 == 1 && -d ../shared/corpus && " $ONLY " == *" corpus50 "* ]]; then
  need=$(( $(du -sk ../shared/corpus | cut -f1) * 50 * 2 ))
  free=$(df -Pk "$OUT" | awk 'NR == 2 { print $4 }')
  if (( free > need )); then copies=1,10,50; else echo "(not enough free disk for the 50x corpus: ${free} KiB free, ${need} KiB wanted)"; fi
fi
python3 bench/scale_gen.py --copies "$copies"

pairs=()
for p in $ONLY; do
  case $p in
    corpus) [[ -d $OUT/corpus-10x ]] && pairs+=("corpus 10 corpus-1x corpus-10x") ;;
    corpus50) [[ -d $OUT/corpus-50x && $copies == *50 ]] && pairs+=("corpus50 50 corpus-1x corpus-50x") ;;
    nginx) pairs+=("nginx 10 nginx-1000 nginx-10000") ;;
    compose) pairs+=("compose 2 compose-10000 compose-20000") ;;
    torrc) pairs+=("torrc 10 torrc-1000 torrc-10000") ;;
  esac
done

binaries=("new=$AOT")
[[ -n $BASE ]] && binaries=("base=$BASE" "${binaries[@]}")

rm -rf "$RUNS"
mkdir -p "$RUNS"
command_for() { echo "$1 check $OUT/$2 --fail-on none --format json"; }

for pair in "${pairs[@]}"; do
  read -r name factor small large <<<"$pair"
  rounds=$ROUNDS
  [[ $name == corpus50 ]] && rounds=$(( ROUNDS < 3 ? ROUNDS : 3 ))
  echo "== $name: $small vs $large ($rounds rounds${BASE:+, base and new alternating})"
  # One untimed run of each fills the page cache.
  for b in "${binaries[@]}"; do
    for input in "$small" "$large"; do $(command_for "${b#*=}" "$input") >/dev/null 2>&1 || true; done
  done
  for ((r = 1; r <= rounds; r++)); do
    for b in "${binaries[@]}"; do
      for input in "$small" "$large"; do
        hyperfine -N -i --style none --warmup 0 --runs 1 --export-json "$RUNS/$name.${b%%=*}.$input.$r.json" \
          "$(command_for "${b#*=}" "$input")" >/dev/null
      done
    done
    printf '.'
  done
  echo
  for b in "${binaries[@]}"; do
    for input in "$small" "$large"; do
      for r in 1 2 3; do
        /usr/bin/time -f "%M" $(command_for "${b#*=}" "$input") 2>&1 >/dev/null | tail -1 >>"$RUNS/$name.${b%%=*}.$input.rss"
      done
    done
  done
done

python3 - "$RUNS" "$OUT/summary.md" "${pairs[@]}" <<'EOF'
import glob, json, os, statistics, sys
runs, summary, pairs = sys.argv[1], sys.argv[2], [p.split() for p in sys.argv[3:]]
targets = {"corpus": "≤ 11× time, ≤ 10× memory", "nginx": "≤ 11× time", "compose": "≤ 2.2× time"}
binaries = sorted({os.path.basename(f).split(".")[1] for f in glob.glob(f"{runs}/*.json")}, key=lambda b: b != "base")

def run(name, b, inp, r):
    res = json.load(open(f"{runs}/{name}.{b}.{inp}.{r}.json"))["results"][0]
    return res["times"][0], res["user"] + res["system"]

def fmt_t(s): return f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"

lines = ["| input | growth | binary | time small → large (median) | time ratio (paired median, range) | CPU ratio | peak RSS small → large | RSS ratio | target |",
         "|---|---|---|---|---|---|---|---|---|"]
for name, factor, small, large in pairs:
    for b in binaries:
        rounds = sorted(int(f.rsplit(".", 2)[1]) for f in glob.glob(f"{runs}/{name}.{b}.{small}.*.json"))
        if not rounds: continue
        s = [run(name, b, small, r) for r in rounds]
        l = [run(name, b, large, r) for r in rounds]
        wall = [y[0] / x[0] for x, y in zip(s, l)]
        cpu = [y[1] / x[1] for x, y in zip(s, l)]
        rss = [statistics.median(int(v) for v in open(f"{runs}/{name}.{b}.{inp}.rss").read().split()) for inp in (small, large)]
        lines.append(f"| {name} ({small} → {large}) | {factor}× | {b} | {fmt_t(statistics.median(x[0] for x in s))} → {fmt_t(statistics.median(x[0] for x in l))} "
                     f"| **{statistics.median(wall):.1f}×** ({min(wall):.1f}–{max(wall):.1f}) | {statistics.median(cpu):.1f}× "
                     f"| {rss[0] / 1024:.0f} → {rss[1] / 1024:.0f} MiB | {rss[1] / rss[0]:.1f}× | {targets.get(name, '')} |")
text = "\n".join(lines) + "\n"
open(summary, "w").write(text)
print(text)
EOF
echo "(written to $OUT/summary.md)"
