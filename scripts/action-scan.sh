#!/usr/bin/env bash
# The GitHub Action's scan step: picks the range from the event (push: before..after, a new branch or a
# force push: the pushed commits not on the default branch; pull_request: base..head; schedule, dispatch
# and anything else: the whole history), deepens a shallow checkout as far as the range needs, runs keyhound
# with SARIF output, writes a job summary and ::error annotations, and sets the outputs. Never prints a
# secret: everything shown comes from keyhound's redacted report.
#
# Environment: GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP (as on
# Actions), INPUT_ARGS, INPUT_BASE, INPUT_HEAD, INPUT_FAIL_ON (any|none), INPUT_BASELINE; KEYHOUND (the
# binary, default `keyhound`).
set -uo pipefail
kh=${KEYHOUND:-keyhound}
out=${GITHUB_OUTPUT:-/dev/null}
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
sarif="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/keyhound.sarif"
zero=0000000000000000000000000000000000000000
event() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); 
for k in sys.argv[2].split("."): d = d.get(k) if isinstance(d, dict) else None
print("" if d is None else str(d).lower() if isinstance(d, bool) else d)' "${GITHUB_EVENT_PATH:-/dev/null}" "$1" 2>/dev/null; }
have() { git cat-file -e "$1^{commit}" 2>/dev/null; }

base=${INPUT_BASE:-} head=${INPUT_HEAD:-} mode=range
if [ -z "$base$head" ]; then
  case "${GITHUB_EVENT_NAME:-}" in
    push)
      base=$(event before) head=$(event after)
      if [ "$base" = "$zero" ] || [ -z "$base" ] || [ "$(event forced)" = true ]; then
        # A new branch, or a force push whose old head is gone: what the default branch lacks.
        base="origin/$(event repository.default_branch)"
        echo "new branch or force push: scanning the pushed commits not on $base"
      fi ;;
    pull_request|pull_request_target)
      base=$(event pull_request.base.sha) head=$(event pull_request.head.sha) ;;
    *) mode=history ;;
  esac
fi
head=${head:-HEAD}

if [ "$mode" = range ]; then
  if [ "$(git rev-parse "$head^{commit}" 2>/dev/null)" = "$(git rev-parse "$base^{commit}" 2>/dev/null)" ]; then
    echo "::notice title=keyhound::nothing to scan: base and head are the same commit"
    { echo "findings=0"; echo "sarif-file="; } >>"$out"
    echo "### keyhound: nothing to scan (base == head)" >>"$summary"
    exit 0
  fi
  # actions/checkout fetches one commit: deepen until the base is here.
  if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ] || ! have "$base"; then
    case "$base" in origin/*) git fetch -q origin "${base#origin/}:refs/remotes/$base" 2>/dev/null || true ;; esac
    for depth in 50 200 1000; do
      have "$base" && git merge-base "$base" "$head" >/dev/null 2>&1 && break
      git fetch -q --deepen="$depth" origin 2>/dev/null || true
    done
    if ! have "$base" || ! git merge-base "$base" "$head" >/dev/null 2>&1; then
      git fetch -q --unshallow origin 2>/dev/null || true
    fi
  fi
  if ! have "$base"; then
    echo "::error title=keyhound::base revision $base is not in this clone; set fetch-depth: 0 on actions/checkout (or fetch it) so the range can be scanned"
    exit 2
  fi
  scope=(--range "$base..$head")
else
  scope=(--git)
fi

args=()
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
# shellcheck disable=SC2206 # INPUT_ARGS is a list of flags, split on purpose
extra=(${INPUT_ARGS:-})
"$kh" scan . "${scope[@]}" "${args[@]}" "${extra[@]}" --format sarif --output "$sarif"
rc=$?
if [ $rc -ge 2 ]; then
  echo "::error title=keyhound::the scan failed (exit $rc); see the log above"
  exit $rc
fi
python3 - "$sarif" "$summary" "$out" <<'PY'
import json, sys
sarif, summary, out = sys.argv[1:]
results = json.load(open(sarif))["runs"][0]["results"]
with open(out, "a") as f:
    f.write(f"findings={len(results)}\nsarif-file={sarif}\n")
lines = [f"### keyhound: {len(results)} finding{'s' if len(results) != 1 else ''}", ""]
if results:
    lines += ["| rule | location | commit | confidence |", "|---|---|---|---|"]
for r in results:
    loc = r["locations"][0]["physicalLocation"]
    uri, line = loc["artifactLocation"]["uri"], loc.get("region", {}).get("startLine", 1)
    commit = (r.get("properties", {}).get("commit") or "")[:7]
    lines.append(f"| `{r['ruleId']}` | `{uri}:{line}` | {commit} | {r.get('properties', {}).get('confidence', '')} |")
with open(summary, "a") as f:
    f.write("\n".join(lines) + "\n")
for r in results[:10]:  # GitHub shows at most 10 annotations per step
    loc = r["locations"][0]["physicalLocation"]
    uri, line = loc["artifactLocation"]["uri"], loc.get("region", {}).get("startLine", 1)
    print(f"::error file={uri},line={line},title=keyhound {r['ruleId']}::{r['message']['text']}")
if len(results) > 10:
    print(f"::warning title=keyhound::{len(results) - 10} more findings are not annotated; see the job summary and code scanning")
PY
if [ "${INPUT_FAIL_ON:-any}" = any ] && [ $rc -eq 1 ]; then
  exit 1
fi
exit 0
