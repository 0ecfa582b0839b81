#!/usr/bin/env bash
# Installs keyhound for the GitHub Action: a pinned crates.io version, or the action's own checkout.
set -euo pipefail
if command -v keyhound >/dev/null 2>&1 && { [ -z "${INPUT_VERSION:-}" ] || keyhound --version | grep -qF "${INPUT_VERSION}"; }; then
  echo "keyhound $(keyhound --version) already installed (cached)"
  exit 0
fi
if [ -n "${INPUT_VERSION:-}" ]; then
  cargo install keyhound --version "$INPUT_VERSION" --locked
else
  cargo install --path "$GITHUB_ACTION_PATH" --locked
fi
