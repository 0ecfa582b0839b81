#!/usr/bin/env bash
# Tests this repository as a pre-commit hook repo: in a throwaway git repo, `pre-commit try-repo` with the
# `keyhound-system` hook (language: system) on a keyhound binary already built fails a commit that stages a
# fake key (naming the file, the key redacted), passes a clean change, and passes an acknowledged
# (baselined) key. Used by .ci/run (pre-commit comes from PyPI into a venv).
#
#   scripts/test-precommit.sh KEYHOUND_BINARY [PRE_COMMIT]
set -euo pipefail
proj=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
pc=${2:-pre-commit}
case $pc in */*) pc=$(cd "$(dirname "$pc")" && pwd)/$(basename "$pc") ;; esac  # the test cds away
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"; ln -s "$bin" "$work/bin/keyhound"
export PATH="$work/bin:$PATH" PRE_COMMIT_HOME="$work/pc-home" GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
fail() { echo "test-precommit: FAIL: $*" >&2; exit 1; }
# pre-commit clones the hook repo: give it this checkout's hooks file, committed, as it is now.
hooks="$work/hooks"; mkdir "$hooks"; cp "$proj/.pre-commit-hooks.yaml" "$hooks/"
git -C "$hooks" init -q && git -C "$hooks" add -A
git -C "$hooks" -c user.name=ci -c user.email=ci@example.org -c commit.gpgsign=false commit -qm hooks
repo="$work/repo"; mkdir "$repo"; cd "$repo"
git init -q -b main; git config user.name ci; git config user.email ci@example.org; git config commit.gpgsign false
echo "# demo" >README.md; git add -A; git commit -qm init
# a fake, checksum-valid GitHub token (never live)
token=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 # keyhound:allow (a fake fixture token)
printf 'github:\n  token: %s\n' "$token" >leak.yaml; git add leak.yaml
if "$pc" try-repo "$hooks" keyhound-system >"$work/out" 2>&1; then fail "a staged fake token passed: $(tail -5 "$work/out")"; fi
grep -q leak.yaml "$work/out" || fail "the hook output does not name leak.yaml: $(tail -8 "$work/out")"
if grep -q "$token" "$work/out"; then fail "the hook printed the token"; fi
git rm -q --cached leak.yaml; rm leak.yaml; echo more >>README.md; git add README.md
"$pc" try-repo "$hooks" keyhound-system >"$work/out" 2>&1 || fail "a clean change failed: $(tail -5 "$work/out")"
git commit -qm docs
printf 'github:\n  token: %s\n' "$token" >leak.yaml; git add leak.yaml
keyhound scan . --write-baseline "$work/baseline.json" >/dev/null 2>&1 || true
rev=$(git -C "$hooks" rev-parse HEAD)
printf 'repos:\n- repo: %s\n  rev: %s\n  hooks:\n  - id: keyhound-system\n    args: [--baseline, %s]\n' "$hooks" "$rev" "$work/baseline.json" >"$work/cfg.yaml"
"$pc" run -c "$work/cfg.yaml" >"$work/out" 2>&1 || fail "a baselined token failed the hook: $(tail -5 "$work/out")"
echo "test-precommit: ok (blocks a staged key, passes a clean change and a baselined key)"
