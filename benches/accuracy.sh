#!/usr/bin/env bash
# Scores keyhound on a labeled CredData-style corpus: precision, recall and F1 overall, per category and
# for the secrets subset, plus the list of misses and false positives.
#
#   benches/accuracy.sh [CORPUS_DIR] [-- extra keyhound scan flags]
#
# CORPUS_DIR defaults to ../shared/corpus/creddata-dev (it must hold data/ and meta/); the scorer is
# ../shared/tools/score.py (or $KH_SCORE). Misses and false positives go to target/accuracy/missed.tsv.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=$here/../shared/corpus/creddata-dev
if [ $# -gt 0 ] && [ "$1" != "--" ]; then corpus=$1; shift; fi
[ "${1:-}" = "--" ] && shift
score=${KH_SCORE:-$here/../shared/tools/score.py}
[ -d "$corpus/data" ] && [ -d "$corpus/meta" ] || { echo "accuracy: no data/ and meta/ in $corpus" >&2; exit 2; }
[ -f "$score" ] || { echo "accuracy: scorer $score not found (set KH_SCORE)" >&2; exit 2; }
out=$here/target/accuracy
mkdir -p "$out"
bin=${KH_BIN:-$here/target/release/keyhound}
[ -n "${KH_BIN:-}" ] || cargo build --release -q --manifest-path "$here/Cargo.toml"
# Extra flags may name files relative to here (`--rules patterns`); the scan runs inside the corpus.
args=()
for a in "$@"; do if [ -e "$a" ]; then args+=("$(cd "$(dirname "$a")" && pwd)/$(basename "$a")"); else args+=("$a"); fi; done
# The corpus is labeled data, not a repository: scan every file in it, whatever its name.
(cd "$corpus" && "$bin" scan data --all-files --no-ignore --format json --output "$out/findings.json" -q ${args[@]+"${args[@]}"}) || [ $? -eq 1 ]
python3 "$score" --root "$corpus" --dump-missed "$out/missed.tsv" "$out/findings.json"
echo "misses and false positives: $out/missed.tsv"
