#!/usr/bin/env bash
# Times whole-process scans of one directory by keyhound and its peers (gitleaks, betterleaks, kingfisher),
# in the same run, and prints wall time, peak memory, MB/s and keyhound's ratio to betterleaks.
#
#   benches/compare.sh [DIR] [RUNS]
#   benches/compare.sh --git REPO [RUNS]      full-history scans of a git repository instead
#
# DIR defaults to the cargo registry's unpacked crate sources (~/.cargo/registry/src: hundreds of MB of
# real code after a build). RUNS (default 3) is the number of timed runs per tool; the best is reported,
# after one untimed warm-up run. Peers are found on PATH or in ~/.local/peers/bin
# (../shared/tools/install-peers.sh installs them). Start-up is timed on one small file.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mode=dir
if [ "${1:-}" = "--git" ]; then mode=git; shift; fi
dir=${1:-$HOME/.cargo/registry/src}
runs=${2:-3}
export PATH="$PATH:$HOME/.local/peers/bin"
kh=${KH_BIN:-$here/target/release/keyhound}
[ -n "${KH_BIN:-}" ] || cargo build --release -q --manifest-path "$here/Cargo.toml"
[ -d "$dir" ] || { echo "compare: no directory $dir" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
bytes=$(du -sb "$dir" | cut -f1)
printf 'tree: %s (%d MB on disk), %s CPUs\n\n' "$dir" $((bytes / 1000000)) "$(nproc)"

# best_of NAME CMD...: runs CMD RUNS times (after a warm-up) and records the best wall time and its peak RSS
declare -A WALL RSS
best_of() {
  local name=$1; shift
  "$@" >/dev/null 2>&1 || true
  local best="" rss=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$tmp/t" "$@" >/dev/null 2>&1 || true
    read -r w m < <(tail -n 1 "$tmp/t")
    if [ -z "$best" ] || awk "BEGIN{exit !($w < $best)}"; then best=$w; rss=$m; fi
  done
  WALL[$name]=$best; RSS[$name]=$rss
  printf '%-34s %7.2f s %8.1f MiB %8.1f MB/s(tree)\n' "$name" "$best" "$(awk "BEGIN{print $rss/1024}")" \
    "$(awk "BEGIN{print $bytes/1000000/($best>0?$best:0.001)}")"
}

have() { command -v "$1" >/dev/null 2>&1; }
if [ "$mode" = git ]; then
  echo "== full git history, each tool at its defaults"
  best_of "keyhound" "$kh" scan --git "$dir" -q --format json --output "$tmp/kh.json"
  have betterleaks && best_of "betterleaks" betterleaks git "$dir" --no-banner --exit-code 0 -o "$tmp/bl.json"
  have gitleaks && best_of "gitleaks" gitleaks git "$dir" --no-banner --exit-code 0 -r "$tmp/gl.json"
  have kingfisher && best_of "kingfisher" kingfisher scan "$dir" --no-validate --no-update-check --format json -o "$tmp/kf.json"
  [ -n "${WALL[betterleaks]:-}" ] && printf '\n%-34s %.2fx\n' "keyhound / betterleaks" "$(awk "BEGIN{print ${WALL[keyhound]}/${WALL[betterleaks]}}")"
  exit 0
fi
echo "== directory scan, each tool at its defaults"
best_of "keyhound" "$kh" scan "$dir" -q --format json --output "$tmp/kh.json"
best_of "keyhound --all-files --no-ignore" "$kh" scan "$dir" -q --all-files --no-ignore --format json --output "$tmp/kh2.json"
have betterleaks && best_of "betterleaks" betterleaks fs "$dir" --no-banner --exit-code 0 -o "$tmp/bl.json"
have gitleaks && best_of "gitleaks" gitleaks dir "$dir" --no-banner --exit-code 0 -r "$tmp/gl.json"
have kingfisher && best_of "kingfisher" kingfisher scan "$dir" --no-validate --no-update-check --format json -o "$tmp/kf.json"

echo; echo "== start-up: one small file (mean of 20 runs)"
printf 'export GITHUB_TOKEN=placeholder\nprint("hello")\n' >"$tmp/small.sh"
# mean_of NAME CMD...: mean wall time of 20 runs, in seconds (time(1) has only 10 ms resolution)
mean_of() {
  local name=$1; shift
  "$@" >/dev/null 2>&1 || true
  local t0 t1
  t0=$(date +%s%N)
  for _ in $(seq 20); do "$@" >/dev/null 2>&1 || true; done
  t1=$(date +%s%N)
  WALL[$name]=$(awk "BEGIN{print ($t1-$t0)/20/1e9}")
  printf '%-34s %7.1f ms\n' "$name" "$(awk "BEGIN{print ${WALL[$name]}*1000}")"
}
mean_of "keyhound (small file)" "$kh" scan "$tmp/small.sh" -q
have betterleaks && mean_of "betterleaks (small file)" betterleaks fs "$tmp/small.sh" --no-banner --exit-code 0
have gitleaks && mean_of "gitleaks (small file)" gitleaks dir "$tmp/small.sh" --no-banner --exit-code 0
have kingfisher && mean_of "kingfisher (small file)" kingfisher scan "$tmp/small.sh" --no-validate --no-update-check

if [ -n "${WALL[betterleaks]:-}" ]; then
  echo; echo "== ratios to betterleaks (wall time; lower is better)"
  for k in "keyhound" "keyhound --all-files --no-ignore"; do
    printf '%-34s %.2fx\n' "$k" "$(awk "BEGIN{print ${WALL[$k]}/${WALL[betterleaks]}}")"
  done
  printf '%-34s %.2fx\n' "start-up" "$(awk "BEGIN{print ${WALL["keyhound (small file)"]}/${WALL["betterleaks (small file)"]}}")"
  printf '%-34s %.2fx\n' "peak memory (default scan)" "$(awk "BEGIN{print ${RSS[keyhound]}/${RSS[betterleaks]}}")"
fi
