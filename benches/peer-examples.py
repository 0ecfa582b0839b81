#!/usr/bin/env python3
"""Recall of keyhound on other scanners' rule examples.

Other secret scanners ship their rules with positive examples (kingfisher and Nosey Parker rules have an
`examples:` list). Those strings are a cheap, independent recall benchmark: each example is written to its
own small file, the files are scanned with keyhound in one run, and an example counts as found when keyhound
reports any finding in its file.

    benches/peer-examples.py [options] SOURCE... [-- extra keyhound scan flags]

SOURCE is a rule file (*.yml, *.yaml, *.json) or a directory of them (searched recursively). A file holds
either a mapping with a `rules:` list or a bare list of rules; a rule is a mapping with `id` (or `name`) and
`examples` (a list of strings; anything else is skipped). Each SOURCE's base name (without extension) is
the source name in the per-source figures; `--by-subdir` names sources by the first sub-directory instead
(one ROOT holding kingfisher/, noseyparker/, ...).

The keyhound binary is $KH_BIN (default: target/release/keyhound of this checkout). Extra flags after `--`
are passed to `keyhound scan`, for example to test working-tree rules without a rebuild:

    KH_BIN=/path/to/keyhound benches/peer-examples.py --by-subdir /tmp/peer-rules -- \\
        --no-builtin-rules --rules patterns

Options: --by-subdir; --misses FILE writes the missed examples as TSV (source, rule id, example) in full;
--show N caps the misses printed per source (default all); --keep DIR writes the example files to DIR and
keeps them. Secrets in the printed misses are shortened to 100 characters.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

try:
    import yaml
except ImportError:  # pragma: no cover
    yaml = None

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULE_EXTS = (".yml", ".yaml", ".json")


def load_file(path):
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8", errors="replace")
    if path.endswith(".json"):
        return json.loads(text)
    if yaml is None:
        sys.exit("peer-examples: PyYAML is needed for YAML rule files (pip install pyyaml)")
    return yaml.safe_load(text)


def rules_of(doc):
    if isinstance(doc, dict):
        doc = doc.get("rules", [])
    if not isinstance(doc, list):
        return []
    return [r for r in doc if isinstance(r, dict)]


def rule_files(source):
    if os.path.isfile(source):
        return [source]
    out = []
    for root, dirs, files in os.walk(source):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(RULE_EXTS):
                out.append(os.path.join(root, name))
    return out


def source_name(source, path, by_subdir):
    if by_subdir and os.path.isdir(source):
        rel = os.path.relpath(path, source)
        parts = rel.split(os.sep)
        if len(parts) > 1:
            return parts[0]
    base = os.path.basename(os.path.normpath(source))
    for ext in RULE_EXTS:
        if base.endswith(ext):
            base = base[: -len(ext)]
    return base


def collect(sources, by_subdir):
    examples = []  # (source, rule_id, text)
    seen = set()
    for source in sources:
        if not os.path.exists(source):
            sys.exit(f"peer-examples: {source} does not exist")
        for path in rule_files(source):
            try:
                doc = load_file(path)
            except Exception as e:  # malformed peer file: report and go on
                print(f"peer-examples: skipping {path}: {e}", file=sys.stderr)
                continue
            src = source_name(source, path, by_subdir)
            for rule in rules_of(doc):
                rid = str(rule.get("id") or rule.get("name") or "?")
                exs = rule.get("examples")
                if not isinstance(exs, list):
                    continue
                for ex in exs:
                    if not isinstance(ex, str) or not ex.strip():
                        continue
                    key = (src, ex)
                    if key in seen:
                        continue
                    seen.add(key)
                    examples.append((src, rid, ex))
    return examples


def shorten(text, n=100):
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return text if len(text) <= n else text[:n] + "..."


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1 :]
    ap = argparse.ArgumentParser(description="keyhound recall on peer scanners' rule examples")
    ap.add_argument("sources", nargs="+")
    ap.add_argument("--by-subdir", action="store_true")
    ap.add_argument("--misses")
    ap.add_argument("--show", type=int, default=-1)
    ap.add_argument("--keep")
    args = ap.parse_args(argv)

    examples = collect(args.sources, args.by_subdir)
    if not examples:
        sys.exit("peer-examples: no examples found")
    bin_ = os.environ.get("KH_BIN") or os.path.join(HERE, "target", "release", "keyhound")
    if not os.path.exists(bin_):
        sys.exit(f"peer-examples: no keyhound binary at {bin_} (build it or set KH_BIN)")

    tmp = None
    if args.keep:
        work = args.keep
        os.makedirs(work, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="kh-peer-")
        work = tmp.name
    files = {}
    for i, (src, rid, ex) in enumerate(examples):
        # A neutral name and extension: no path rule or file-type filter should decide the outcome.
        name = f"ex{i:05d}.txt"
        with open(os.path.join(work, name), "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(ex if ex.endswith("\n") else ex + "\n")
        files[name] = i

    cmd = [bin_, "scan", work, "--all-files", "--no-ignore", "--format", "json", "-q"] + extra
    proc = subprocess.run(cmd, capture_output=True)
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        sys.exit(f"peer-examples: keyhound exited {proc.returncode}")
    report = json.loads(proc.stdout.decode("utf-8", errors="replace"))
    found = set()
    for finding in report.get("findings", []):
        name = os.path.basename(finding.get("path") or "")
        if name in files:
            found.add(files[name])
    if tmp:
        tmp.cleanup()

    total = defaultdict(int)
    hits = defaultdict(int)
    misses = defaultdict(list)
    for i, (src, rid, ex) in enumerate(examples):
        total[src] += 1
        if i in found:
            hits[src] += 1
        else:
            misses[src].append((rid, ex))

    for src in sorted(misses):
        items = misses[src]
        shown = items if args.show < 0 else items[: args.show]
        print(f"== missed in {src}: {len(items)}")
        for rid, ex in shown:
            print(f"  {rid}\t{shorten(ex)}")
        if len(shown) < len(items):
            print(f"  ... {len(items) - len(shown)} more")
    if args.misses:
        with open(args.misses, "w", encoding="utf-8") as f:
            for src in sorted(misses):
                for rid, ex in misses[src]:
                    f.write(f"{src}\t{rid}\t{shorten(ex, 1 << 20)}\n")

    print()
    print(f"{'source':<20} {'found':>6} {'total':>6} {'recall':>7}")
    for src in sorted(total):
        print(f"{src:<20} {hits[src]:>6} {total[src]:>6} {hits[src] / total[src]:>7.3f}")
    all_hits, all_total = sum(hits.values()), sum(total.values())
    print(f"{'overall':<20} {all_hits:>6} {all_total:>6} {all_hits / all_total:>7.3f}")


if __name__ == "__main__":
    main()
