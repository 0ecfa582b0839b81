#!/usr/bin/env bash
# Builds the PyPI wheel of the keyhound binary with maturin, installs it into a fresh venv and runs it:
# `keyhound --version`, and a scan of a small tree with a fake key (must exit 1, the key redacted).
#
#   scripts/build-wheel.sh [OUT_DIR]     (default target/wheels)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/target/wheels}
tools=$(mktemp -d); trap 'rm -rf "$tools"' EXIT
python3 -m venv "$tools/build" && "$tools/build/bin/pip" install -q "maturin>=1.5,<2"
(cd "$here" && "$tools/build/bin/maturin" build --release --locked --out "$out" -q)
wheel=$(ls -t "$out"/keyhound-*.whl | head -n 1)
python3 -m venv "$tools/run" && "$tools/run/bin/pip" install -q "$wheel"
"$tools/run/bin/keyhound" --version
mkdir "$tools/tree"; printf 'GITHUB_TOKEN=%s\n' "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" >"$tools/tree/.env" # keyhound:allow (fake)
set +e; "$tools/run/bin/keyhound" scan "$tools/tree" >"$tools/out" 2>&1; rc=$?; set -e
[ $rc -eq 1 ] || { cat "$tools/out"; echo "build-wheel: the installed keyhound exited $rc on a fake key (want 1)"; exit 1; }
if grep -q ghp_R7nB2xQk9 "$tools/out"; then echo "build-wheel: secret printed"; exit 1; fi
echo "build-wheel: ok: $wheel installs and runs"
