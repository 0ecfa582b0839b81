#!/usr/bin/env python3
"""Recall of keyhound on samples generated from gitleaks' rule regexes.

gitleaks rules carry no example list, but each rule is a regex, so random strings matching it make an
independent recall benchmark, the way gitleaks' own rule tests build theirs. For every `[[rules]]` entry
with a `regex`, this script generates N samples (`--per-rule`, default 3) with a fixed `--seed` (default
1, so runs repeat), each in two variants:

- full: a random match of the whole regex, keyword context included (`adafruit.key = "..."`); kept only
  when it contains one of the rule's `keywords` (case-insensitive), as gitleaks requires, else retried;
- assign: `<name>_api_token = "<secret>"`, like gitleaks' GenerateSampleSecret; name is the first of
  the rule id's first word, the rule's keywords and its whole id that makes the rule match, and the
  secret is the rule's `secretGroup`, else its first non-empty group, else the whole match.

A sample is dropped when gitleaks itself would not report it: the rule regex does not match it, the
secret is allowlisted by the rule's `[rules.allowlist]` / `[[rules.allowlists]]` (regexes, stopwords;
paths never match the neutral file names used here) or by the global `[allowlist]`, or its Shannon
entropy is at or below the rule's `entropy`. Rules without a regex (path-only) are skipped, and so are
rules whose Go RE2 regex cannot be translated to Python's `re` (counted in the summary).

    benches/gitleaks-samples.py [options] CONFIG [-- peer-examples.py options]

CONFIG is a gitleaks TOML config (the default one is config/gitleaks.toml in gitleaks' repository; keep
it out of this repository). Options: --per-rule N; --seed S; --variant full|assign|both (default both);
--out FILE writes the samples as `{"rules": [{"id", "examples"}]}` JSON (default: a temporary file named
gitleaks.json); --run then scans them with benches/peer-examples.py, passing it anything after `--`:

    benches/gitleaks-samples.py /tmp/gitleaks/gitleaks.toml --out /tmp/gitleaks/samples.json \\
        --run -- --show 0 --misses /tmp/gitleaks/misses.tsv

Quantifiers are capped so samples stay realistic: `*` repeats 0-3 times, `+` 1-5, `{n,}` n to n+8,
optional padding (`{0,n}`, lazy `{m,n}?`) is m half the time and else m+1 to m+2, other `{m,n}` any
of m to n; `\\s` is a space and `.` is a dot half the time. Needs Python 3.11+ (tomllib) and nothing else:
the generator walks the parse tree of Python's own `re` parser.
"""
import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import tomllib
import warnings
from collections import Counter
from re import _constants as C, _parser as P  # Python 3.11+: the parser behind re.compile

warnings.filterwarnings("ignore", category=FutureWarning)  # set-operation hints on Go classes like [~.-]

HERE = os.path.dirname(os.path.abspath(__file__))
PRINTABLE = [chr(c) for c in range(0x20, 0x7F)]
TAME = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=-_.")
DIGIT = set("0123456789")
WORD = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
SPACE = {" "}
POSIX = {
    "alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "ascii": "\\x00-\\x7f", "blank": " \\t",
    "cntrl": "\\x00-\\x1f\\x7f", "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~",
    "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z", "word": "\\w",
    "xdigit": "0-9A-Fa-f",
}
ATTEMPTS = 30


class Untranslatable(Exception):
    pass


# ---------------------------------------------------------------- Go RE2 -> Python re

def translate(rx):
    """Rewrite the Go RE2 constructs Python's re rejects: flag groups like `(?i)` after the start (made
    scoped groups up to the end of the enclosing group, per alternative), `\\z`, `\\x{..}`, `[[:alnum:]]`,
    `(?<name>`. Raises Untranslatable for what has no equivalent (`\\p{..}`, the U flag)."""
    out, i, n = [], 0, len(rx)
    wraps = [[]]  # per open group: the flag strings wrapped since its start

    def escape(j):  # returns (text, next index) for the escape at rx[j] == '\\'
        if j + 1 >= n:
            raise Untranslatable("trailing backslash")
        c = rx[j + 1]
        if c == "z":
            return "\\Z", j + 2
        if c in "pP":
            raise Untranslatable("unicode class \\" + c)
        if c == "x" and j + 2 < n and rx[j + 2] == "{":
            k = rx.index("}", j)
            return "\\U%08x" % int(rx[j + 3 : k], 16), k + 1
        return rx[j : j + 2], j + 2

    while i < n:
        c = rx[i]
        if c == "\\":
            t, i = escape(i)
            out.append(t)
        elif c == "[":
            j, cls = i + 1, ["["]
            if j < n and rx[j] == "^":
                cls.append("^")
                j += 1
            if j < n and rx[j] == "]":
                cls.append("\\]")
                j += 1
            while j < n and rx[j] != "]":
                if rx[j] == "\\":
                    t, j = escape(j)
                    cls.append(t)
                elif rx.startswith("[:", j):
                    k = rx.index(":]", j)
                    name = rx[j + 2 : k]
                    if name.startswith("^"):
                        raise Untranslatable("negated POSIX class")
                    if name not in POSIX:
                        raise Untranslatable("POSIX class " + name)
                    cls.append(POSIX[name])
                    j = k + 2
                elif rx[j] == "[":
                    cls.append("\\[")
                    j += 1
                else:
                    cls.append(rx[j])
                    j += 1
            out.append("".join(cls) + "]")
            i = j + 1
        elif c == "(":
            m = re.match(r"\(\?([imsU-]+)\)", rx[i:])
            if m:
                if "U" in m.group(1):
                    raise Untranslatable("ungreedy flag")
                out.append("(?%s:" % m.group(1))
                wraps[-1].append(m.group(1))
                i += m.end()
                continue
            if rx.startswith("(?<", i) and not rx.startswith("(?<=", i) and not rx.startswith("(?<!", i):
                out.append("(?P<")
                i += 3
            else:
                out.append("(")
                i += 1
            wraps.append([])
        elif c == ")":
            out.append(")" * len(wraps.pop()) + ")")
            i += 1
        elif c == "|":
            fl = wraps[-1]
            out.append(")" * len(fl) + "|" + "".join("(?%s:" % f for f in fl))
            i += 1
        else:
            out.append(c)
            i += 1
    out.append(")" * len(wraps[0]))
    return "".join(out)


# ---------------------------------------------------------------- random generation

def charset(items):
    """The characters of a parsed class, and whether to prefer TAME ones (negated sets, \\S, \\W)."""
    chars, neg, tame = set(), False, False
    for op, av in items:
        if op == C.NEGATE:
            neg = tame = True
        elif op == C.LITERAL:
            chars.add(chr(av))
        elif op == C.RANGE:
            chars.update(chr(c) for c in range(av[0], min(av[1], 0x7E) + 1))
        elif op == C.CATEGORY:
            name = str(av)
            base = DIGIT if "DIGIT" in name else WORD if "WORD" in name else SPACE
            if "_NOT_" in name:
                chars.update(set(PRINTABLE) - base - {" "})
                tame = True
            else:
                chars.update(base)
    if neg:
        chars = set(PRINTABLE) - chars
    return chars, tame


def pick(rng, chars, tame):
    pool = chars & TAME if tame and chars & TAME else chars
    printable = [c for c in pool if c.isprintable()]
    return rng.choice(sorted(printable or pool))


def repeats(rng, lo, hi, lazy):
    if hi == C.MAXREPEAT:
        hi = 3 if lo == 0 else 5 if lo == 1 else lo + 8
    elif lo == 0 or lazy:  # optional padding (`[\w.-]{0,50}?kw`): none half the time, else 1-2
        if rng.random() < 0.5:
            return lo
        return rng.randint(min(lo + 1, hi), min(hi, lo + 2))
    return rng.randint(lo, hi)


def generate(rng, tree):
    out = []
    for op, av in tree:
        if op == C.LITERAL:
            out.append(chr(av))
        elif op == C.NOT_LITERAL:
            out.append(pick(rng, set(PRINTABLE) - {chr(av)}, True))
        elif op == C.ANY:  # often a sloppy literal dot (hooks.slack.com), so half the time a dot
            out.append("." if rng.random() < 0.5 else pick(rng, set(PRINTABLE), True))
        elif op == C.IN:
            out.append(pick(rng, *charset(av)))
        elif op == C.BRANCH:
            out.append(generate(rng, rng.choice(av[1])))
        elif op == C.SUBPATTERN:
            out.append(generate(rng, av[-1]))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av
            out.extend(generate(rng, sub) for _ in range(repeats(rng, lo, hi, op == C.MIN_REPEAT)))
        elif op == C.AT:
            pass
        else:
            raise Untranslatable("cannot generate %s" % op)
    return "".join(out)


# ---------------------------------------------------------------- gitleaks' filters

def entropy(s):
    counts = Counter(s)
    return -sum(v / len(s) * math.log2(v / len(s)) for v in counts.values()) if s else 0.0


def compile_go(rx):
    return re.compile(translate(rx), re.ASCII)


class Allowlist:
    def __init__(self, d):
        self.cond = str(d.get("condition", "OR")).upper()
        self.target = d.get("regexTarget", "secret")
        self.regexes = [compile_go(r) for r in d.get("regexes", [])]
        self.stopwords = [s.lower() for s in d.get("stopwords", [])]
        self.paths = d.get("paths", [])
        self.commits = d.get("commits", [])

    def allows(self, secret, match, line):
        target = {"match": match, "line": line}.get(self.target, secret)
        checks = []
        if self.commits:
            checks.append(False)
        if self.paths:  # the benchmark's file names (exNNNNN.txt) match no allowlisted path
            checks.append(False)
        if self.regexes:
            checks.append(any(r.search(target) for r in self.regexes))
        if self.stopwords:
            checks.append(any(w in secret.lower() for w in self.stopwords))
        if not checks:
            return False
        return all(checks) if self.cond == "AND" else any(checks)


def allowlists_of(d):
    out = []
    for key in ("allowlist", "allowlists"):
        v = d.get(key)
        for a in [v] if isinstance(v, dict) else v or []:
            out.append(Allowlist(a))
    return out


class Rule:
    def __init__(self, d, global_lists):
        self.id = d["id"]
        self.rx = compile_go(d["regex"])
        self.tree = P.parse(translate(d["regex"]), re.ASCII)
        self.keywords = [k.lower() for k in d.get("keywords", [])]
        self.entropy = float(d.get("entropy", 0) or 0)
        self.group = int(d.get("secretGroup", 0) or 0)
        self.lists = allowlists_of(d) + [
            a for a, targets in global_lists if not targets or self.id in targets
        ]

    def has_keyword(self, text):
        low = text.lower()
        return not self.keywords or any(k in low for k in self.keywords)

    def reported(self, text):
        """The secret gitleaks would report for text, or None (no match, allowlisted, low entropy)."""
        m = self.rx.search(text)
        if not m:
            return None
        if self.group:
            secret = m.group(self.group) or ""
        else:
            secret = next((g for g in m.groups() if g), m.group(0))
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line = text[line_start : None if line_end < 0 else line_end]
        if not secret or any(a.allows(secret, m.group(0), line) for a in self.lists):
            return None
        if self.entropy and entropy(secret) <= self.entropy:
            return None
        return secret

    def identifiers(self):
        seen = []
        for k in [self.id.split("-")[0]] + self.keywords + [self.id.replace("-", "_")]:
            k = re.sub(r"^[^a-z0-9]+|[^a-z0-9]+$", "", k)
            if k and re.fullmatch(r"[a-z0-9_.-]+", k) and k not in seen:
                seen.append(k)
        return seen


def samples(rule, n, rng, variants, drops):
    out = []
    for _ in range(n):
        full = secret = None
        for _ in range(ATTEMPTS):
            text = generate(rng, rule.tree)
            s = rule.reported(text)
            if s is None:
                continue
            secret = secret or s
            if rule.has_keyword(text):
                full, secret = text, s
                break
        if secret is None:
            drops["no sample gitleaks would report"] += 1
            continue
        if "full" in variants:
            if full is None:
                drops["full: keyword never in the match"] += 1
            else:
                out.append(full)
        if "assign" in variants:
            for ident in rule.identifiers():
                line = '%s_api_token = "%s"' % (ident, secret)
                if rule.has_keyword(line) and rule.reported(line) is not None:
                    out.append(line)
                    break
            else:
                drops["assign: rule does not match the assignment"] += 1
    return list(dict.fromkeys(out))


def main():
    argv = sys.argv[1:]
    rest = []
    if "--" in argv:
        i = argv.index("--")
        argv, rest = argv[:i], argv[i + 1 :]
    ap = argparse.ArgumentParser(description="keyhound recall on samples generated from gitleaks rules")
    ap.add_argument("config")
    ap.add_argument("--per-rule", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--variant", choices=["full", "assign", "both"], default="both")
    ap.add_argument("--out")
    ap.add_argument("--run", action="store_true")
    args = ap.parse_args(argv)
    variants = {"full", "assign"} if args.variant == "both" else {args.variant}

    with open(args.config, "rb") as f:
        cfg = tomllib.load(f)
    global_lists = []
    for key in ("allowlist", "allowlists"):
        v = cfg.get(key)
        for a in [v] if isinstance(v, dict) else v or []:
            # The global list's regexes and stopwords check the secret; its paths never match here.
            global_lists.append((Allowlist({k: a[k] for k in ("regexes", "stopwords") if k in a}),
                                 a.get("targetRules", [])))

    rules_out, skipped, drops = [], {}, Counter()
    for d in cfg.get("rules", []):
        rid = d.get("id", "?")
        if not d.get("regex"):
            skipped[rid] = "no regex (path-only)" if d.get("path") else "no regex"
            continue
        try:
            rule = Rule(d, global_lists)
        except (Untranslatable, re.error, ValueError) as e:
            skipped[rid] = "regex not translatable: %s" % e
            continue
        rng = random.Random("%d:%s" % (args.seed, rid))
        try:
            exs = samples(rule, args.per_rule, rng, variants, drops)
        except Untranslatable as e:
            skipped[rid] = "regex not generatable: %s" % e
            continue
        if not exs:
            skipped[rid] = "no sample gitleaks would report"
            continue
        rules_out.append({"id": rid, "examples": exs})

    total = sum(len(r["examples"]) for r in rules_out)
    print(f"gitleaks-samples: {len(cfg.get('rules', []))} rules, {len(rules_out)} with samples, "
          f"{total} samples (per rule {args.per_rule}, seed {args.seed}, variant {args.variant})")
    for rid, why in skipped.items():
        print(f"  skipped {rid}: {why}")
    for why, k in sorted(drops.items()):
        print(f"  dropped {k}: {why}")

    tmp = None
    out = args.out
    if not out:
        tmp = tempfile.TemporaryDirectory(prefix="kh-gitleaks-")
        out = os.path.join(tmp.name, "gitleaks.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"source": os.path.basename(args.config), "seed": args.seed, "rules": rules_out}, f,
                  indent=1)
    rc = 0
    if args.run:
        sys.stdout.flush()
        rc = subprocess.call([sys.executable, os.path.join(HERE, "peer-examples.py"), out] + rest)
    if tmp:
        tmp.cleanup()
    sys.exit(rc)


if __name__ == "__main__":
    main()
