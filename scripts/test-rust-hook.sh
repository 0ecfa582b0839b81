#!/usr/bin/env bash
# Tests the `keyhound` pre-commit hook (language: rust): pre-commit runs `cargo install` of this checkout
# (minutes on a cold cache), so this runs by hand, not on every CI run:
#
#   scripts/test-rust-hook.sh [PRE_COMMIT]
#
# In a throwaway repo, `pre-commit try-repo <this checkout> keyhound` must fail a staged fake key.
set -euo pipefail
proj=$(cd "$(dirname "$0")/.." && pwd)
pc=${1:-pre-commit}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/pc-home" GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
cd "$work" && git init -q -b main && git config user.name t && git config user.email t@example.org
echo "# demo" >README.md && git add -A && git -c commit.gpgsign=false commit -qm init
printf 'token: %s\n' "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" >leak.yaml # keyhound:allow (fake)
git add leak.yaml
if "$pc" try-repo "$proj" keyhound >out.txt 2>&1; then tail -5 out.txt; echo "FAIL: the rust hook passed a staged key"; exit 1; fi
grep -q leak.yaml out.txt || { tail -5 out.txt; echo "FAIL: the hook did not name leak.yaml"; exit 1; }
echo "test-rust-hook: ok (the language: rust hook blocks a staged key)"
