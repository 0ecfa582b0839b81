#!/usr/bin/env python3
"""Planted-secret recall: do the rules still fire when their secrets sit in real config and code files?

For every content rule at medium or high confidence, the secret of its first examples is taken (by scanning
the example with `--show-secrets`), then planted into the file formats of FORMATS (.env, YAML, JSON, Python,
JS, Go, Java, C#, Ruby, PHP, shell, Terraform, tfvars, Dockerfile, Compose, a Kubernetes Secret holding it
base64-encoded, an Actions workflow, .properties, XML app.config, TOML, an INI section) under a variable named for the rule's
provider (`STRIPE_API_KEY=...`, `stripeToken := "..."`). All planted files are scanned in one run at default
settings; a planted file counts as found when keyhound reports any finding in it.

Two figures are printed: recall over every rule, and recall over the rules whose secret identifies itself
(the provider rule fires on the bare secret alone: prefixed, checksummed or fixed-shape tokens). Rules that
need context (a password after `password=`, a key after its provider's name) can only be found by the
generic rules when planted this way, so the first figure is the stricter one.

    benches/planted.py [--show N] [-- extra keyhound scan flags]

The keyhound binary is $KH_BIN (default: target/release/keyhound of this checkout).
"""
import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORMATS = {
    "env": ("app.env", "{P}_API_KEY={s}\n"),
    "yaml": ("config.yaml", "service:\n  {p}:\n    api_key: \"{s}\"\n"),
    "json": ("settings.json", "{{\n  \"{p}\": {{\n    \"token\": \"{s}\"\n  }}\n}}\n"),
    "py": ("client.py", "import os\n\n{P}_TOKEN = \"{s}\"\nclient = Client(token={P}_TOKEN)\n"),
    "js": ("index.js", "const client = new Client({{\n  {p}ApiKey: '{s}',\n}});\n"),
    "go": ("main.go", "package main\n\nconst {p}Token = \"{s}\"\n"),
    "sh": ("deploy.sh", "#!/bin/sh\nexport {P}_SECRET=\"{s}\"\n"),
    "tf": ("main.tf", "provider \"{p}\" {{\n  token = \"{s}\"\n}}\n"),
    "docker": ("Dockerfile", "FROM alpine\nENV {P}_KEY={s}\n"),
    "props": ("app.properties", "{p}.api.key={s}\n"),
    "xml": ("app.config", "<add key=\"{P}ApiKey\" value=\"{s}\" />\n"),
    "toml": ("config.toml", "[{p}]\ntoken = \"{s}\"\n"),
    # Only the section header names the provider: `key` alone says nothing.
    "ini": ("app.ini", "[{p}]\nkey = {s}\n"),
    # A Kubernetes Secret holds its values base64-encoded ({b}).
    "k8s": ("secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {p}-credentials\ntype: Opaque\n"
            "data:\n  api-key: {b}\n"),
    "java": ("Config.java", "public class Config {{\n    private static final String {P}_API_KEY = \"{s}\";\n}}\n"),
    "cs": ("Settings.cs", "public static class Settings\n{{\n    public const string {p}ApiKey = \"{s}\";\n}}\n"),
    "rb": ("initializer.rb", "{P}_CONFIG = {{\n  api_key: '{s}',\n}}.freeze\n"),
    "php": ("config.php", "<?php\ndefine('{P}_API_KEY', '{s}');\n"),
    "tfvars": ("terraform.tfvars", "{p}_api_token = \"{s}\"\n"),
    "gha": ("ci.yml", "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      {P}_TOKEN: {s}\n"),
    "compose": ("docker-compose.yml", "services:\n  app:\n    image: acme/app:1.4\n    environment:\n"
                "      - {P}_API_KEY={s}\n"),
}


def b64(text):
    return base64.b64encode(text.encode()).decode()


def scan(kh, path, *flags):
    out = subprocess.run([kh, "scan", path, "-q", "--format", "json", "--no-ignore", "--all-files", *flags],
                         capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"planted: keyhound failed: {out.stderr.strip()}")
    return json.loads(out.stdout)["findings"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", type=int, default=20, help="misses to list (default 20)")
    parser.add_argument("--misses", metavar="FILE", help="write every miss as TSV: rule id, format, secret")
    parser.add_argument("extra", nargs="*", help="extra keyhound scan flags (after --)")
    args = parser.parse_args()
    kh = os.environ.get("KH_BIN", os.path.join(HERE, "target/release/keyhound"))
    rules = json.loads(subprocess.run([kh, "rules", "list", "--format", "json", *args.extra],
                                      capture_output=True, text=True, check=True).stdout)
    rules = {r["id"]: r for r in rules if r.get("confidence") in ("medium", "high") and "pattern" in r}
    with tempfile.TemporaryDirectory() as tmp:
        examples = os.path.join(tmp, "examples")
        os.makedirs(examples)
        for rid, rule in rules.items():
            for k, example in enumerate(rule.get("examples", [])[:2]):
                with open(os.path.join(examples, f"{rid}__{k}.txt"), "w") as f:
                    f.write(example + "\n")
        secrets = {}
        for f in scan(kh, examples, "--show-secrets", "--min-confidence", "low", *args.extra):
            rid = os.path.basename(f["path"]).split("__")[0]
            if f["rule_id"] == rid and "\n" not in f["secret"]:
                secrets.setdefault(rid, f["secret"])
        bare = os.path.join(tmp, "bare")
        os.makedirs(bare)
        for rid, secret in secrets.items():
            with open(os.path.join(bare, rid), "w") as f:
                f.write(secret + "\n")
        self_identifying = {os.path.basename(f["path"]) for f in scan(kh, bare, *args.extra)
                            if f["rule_id"] == os.path.basename(f["path"])}
        planted = os.path.join(tmp, "planted")
        for rid, secret in secrets.items():
            provider = rules[rid]["provider"].replace("-", "_")
            for name, (file_name, template) in FORMATS.items():
                d = os.path.join(planted, rid, name)
                os.makedirs(d)
                with open(os.path.join(d, file_name), "w") as f:
                    f.write(template.format(P=provider.upper(), p=provider, s=secret, b=b64(secret)))
        found = set()
        for f in scan(kh, planted, *args.extra):
            parts = os.path.relpath(f["path"], planted).split(os.sep)
            found.add((parts[0], parts[1]))
    cells = [(rid, name) for rid in secrets for name in FORMATS]
    misses = [c for c in cells if c not in found]
    own = [c for c in cells if c[0] in self_identifying]
    own_misses = [c for c in own if c not in found]
    print(f"rules planted: {len(secrets)} x {len(FORMATS)} formats")
    print(f"recall, all rules:               {len(cells) - len(misses)}/{len(cells)} = {1 - len(misses) / len(cells):.3f}")
    print(f"recall, self-identifying secrets: {len(own) - len(own_misses)}/{len(own)} = "
          f"{1 - len(own_misses) / max(len(own), 1):.3f} ({len(self_identifying)} rules)")
    print("misses by format:", dict(Counter(name for _, name in misses)))
    for rid, count in Counter(rid for rid, _ in misses).most_common(args.show):
        print(f"  {count:2} {rid}")
    if args.misses:
        with open(args.misses, "w") as f:
            for rid, name in misses:
                f.write(f"{rid}\t{name}\t{secrets[rid]}\n")


if __name__ == "__main__":
    main()
