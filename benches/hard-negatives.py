#!/usr/bin/env python3
"""False-positive rate of keyhound on generated hard negatives.

A hard negative is text that looks like a secret to a careless scanner but is not one: a placeholder under
a credential-named key, a vendor's documented example key, a checksum, a public key, an encrypted value, a
reference to a secret store, a masked value, a translated UI string, a type declaration, an empty or
computed value. This script generates such negatives (one per file, under realistic file names such as
.env, config.yaml, main.go, Dockerfile, .github/workflows/ci.yml, messages.po), scans them with keyhound in
one run, and reports the share of negatives with any finding, per class and overall. Target: at most 1%.

    benches/hard-negatives.py [--seed N] [--out DIR] [--classes a,b] [--list] [-- extra keyhound scan flags]

The negatives are fixed; only the random hex / base64 material (hashes, digests, public keys, ciphertexts)
varies with --seed (default 1), so a run is reproducible. --out DIR writes the files to DIR and keeps them
(default: a temporary directory, removed afterwards); each negative lives in its own DIR/nNNNN/ and
DIR/MANIFEST.tsv maps it to its class. --classes limits the run to some classes; --list prints the classes.

The keyhound binary is $KH_BIN (default: target/release/keyhound of this checkout). It is run as
`keyhound scan DIR -f jsonl -q --no-ignore --all-files` plus the flags after `--`, so the default judges
findings at --min-confidence medium; for example

    benches/hard-negatives.py -- --min-confidence low

Output: per class the negatives, the files with any finding and the rate, then the overall rate, then every
hit (file, line, rule id, confidence, snippet). Exit status 0 whatever the rate (it is a measurement).
Entries marked "unsure" in the vendor-example table are documented examples whose provenance was not
re-checked; they are listed with the hits so a reader can discount them.
"""
import argparse
import base64
import binascii
import json
import os
import random
import re
import shutil
import string
import struct
import subprocess
import sys
import tempfile
import uuid
from collections import defaultdict

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------------------------------------------------------
# Random material (the only thing --seed changes)


class Material:
    """Seeded source of hex, base64, UUIDs and structured blobs."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def bytes(self, n):
        return bytes(self.rng.getrandbits(8) for _ in range(n))

    def hex(self, nbytes):
        return self.bytes(nbytes).hex()

    def b64(self, nbytes):
        return base64.b64encode(self.bytes(nbytes)).decode()

    def b64url(self, nbytes):
        return base64.urlsafe_b64encode(self.bytes(nbytes)).decode().rstrip("=")

    def uuid(self):
        return str(uuid.UUID(bytes=self.bytes(16), version=4))

    def chars(self, n, alphabet=string.ascii_letters + string.digits):
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def b64_lines(self, nbytes, width=64):
        s = self.b64(nbytes)
        return [s[i : i + width] for i in range(0, len(s), width)]

    def bcrypt(self, cost=12):
        return f"$2b${cost:02d}$" + self.chars(53, "./" + string.ascii_letters + string.digits)


def ssh_string(b):
    return struct.pack(">I", len(b)) + b


def ssh_rsa(m, bits=2048):
    n = b"\x00" + bytes([m.bytes(1)[0] | 0x80]) + m.bytes(bits // 8 - 1)
    blob = ssh_string(b"ssh-rsa") + ssh_string(b"\x01\x00\x01") + ssh_string(n)
    return "ssh-rsa " + base64.b64encode(blob).decode()


def ssh_ed25519(m):
    blob = ssh_string(b"ssh-ed25519") + ssh_string(m.bytes(32))
    return "ssh-ed25519 " + base64.b64encode(blob).decode()


def ssh_ecdsa(m):
    blob = ssh_string(b"ecdsa-sha2-nistp256") + ssh_string(b"nistp256") + ssh_string(b"\x04" + m.bytes(64))
    return "ecdsa-sha2-nistp256 " + base64.b64encode(blob).decode()


def pem(label, lines):
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


# ---------------------------------------------------------------------------------------------------------
# Key spellings and one-value renderers: (file name, content) for a key/value pair in a file format


def words(key):
    return re.split(r"[_.\-]+", key.strip("_"))


def upper(key):
    return "_".join(w.upper() for w in words(key))


def camel(key):
    ws = words(key)
    return ws[0].lower() + "".join(w.capitalize() for w in ws[1:])


def pascal(key):
    return "".join(w.capitalize() for w in words(key))


def dotted(key):
    return ".".join(w.lower() for w in words(key))


def yq(v):
    """A YAML scalar: plain when safe, double-quoted otherwise."""
    if v == "" or not re.fullmatch(r"[A-Za-z0-9_./+=:@-]+", v) or v[0] in "@:-" or v in ("null", "true", "false"):
        return json.dumps(v)
    return v


def r_env(k, v):
    return ".env", f"# local settings\nAPP_ENV=production\n{upper(k)}={v}\nPORT=8080\n"


def r_yaml(k, v):
    return "config.yaml", f"service:\n  name: billing\n  {k}: {yq(v)}\n  port: 8080\n"


def r_json(k, v):
    return "settings.json", json.dumps({"service": "billing", k: v, "port": 8080}, indent=2) + "\n"


def r_py(k, v):
    return "app.py", f'import logging\n\n{upper(k)} = "{v}"\nlog = logging.getLogger(__name__)\n'


def r_js(k, v):
    return "index.js", f"const config = {{\n  {camel(k)}: '{v}',\n  port: 3000,\n}};\n\nmodule.exports = config;\n"


def r_go(k, v):
    return "main.go", f'package main\n\nconst {camel(k)} = "{v}"\n\nfunc main() {{\n\trun({camel(k)})\n}}\n'


def r_java(k, v):
    return (
        "App.java",
        f'public class App {{\n    private static final String {upper(k)} = "{v}";\n\n'
        f"    public static void main(String[] args) {{\n        Client.connect({upper(k)});\n    }}\n}}\n",
    )


def r_tf(k, v):
    return "main.tf", f'module "app" {{\n  source = "./modules/app"\n  {k} = "{v}"\n}}\n'


def r_docker(k, v):
    return "Dockerfile", f"FROM python:3.12-slim\nWORKDIR /app\nENV {upper(k)}={v}\nCMD [\"python\", \"app.py\"]\n"


def r_compose(k, v):
    return (
        "docker-compose.yml",
        f"services:\n  api:\n    image: shop/api:1.4\n    environment:\n      - {upper(k)}={v}\n      - PORT=8080\n",
    )


def r_k8s(k, v):
    return (
        "k8s/secret.yaml",
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-credentials\ntype: Opaque\nstringData:\n"
        f"  {k}: {yq(v)}\n",
    )


def r_gha(k, v):
    return (
        ".github/workflows/ci.yml",
        f"name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n      {upper(k)}: {yq(v)}\n"
        f"    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n",
    )


def r_md(k, v):
    return (
        "README.md",
        f"## Configuration\n\nSet `{upper(k)}` before starting the service:\n\n```sh\nexport {upper(k)}={v}\n"
        f"./bin/server\n```\n",
    )


def r_props(k, v):
    return "app.properties", f"server.port=8080\napp.{dotted(k)}={v}\nlogging.level.root=INFO\n"


def r_webconfig(k, v):
    return (
        "web.config",
        f'<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <appSettings>\n'
        f'    <add key="{pascal(k)}" value="{v}" />\n  </appSettings>\n</configuration>\n',
    )


def r_toml(k, v):
    return "config.toml", f'[service]\nname = "billing"\n{k} = "{v}"\n'


def r_ini(k, v):
    return "settings.ini", f"[default]\nregion = eu-west-1\n{k} = {v}\n"


def r_sh(k, v):
    return "deploy.sh", f'#!/bin/sh\nset -eu\nexport {upper(k)}="{v}"\nexec ./server\n'


def r_php(k, v):
    return "config.php", f"<?php\nreturn [\n    'debug' => false,\n    '{k}' => '{v}',\n];\n"


def r_rb(k, v):
    return "config/initializers/client.rb", f"Client.configure do |c|\n  c.{k} = \"{v}\"\nend\n"


RENDERERS = {
    "env": r_env, "yaml": r_yaml, "json": r_json, "py": r_py, "js": r_js, "go": r_go, "java": r_java,
    "tf": r_tf, "docker": r_docker, "compose": r_compose, "k8s": r_k8s, "gha": r_gha, "md": r_md,
    "props": r_props, "webconfig": r_webconfig, "toml": r_toml, "ini": r_ini, "sh": r_sh, "php": r_php,
    "rb": r_rb,
}
FMT_CYCLE = list(RENDERERS)


def kv_negatives(pairs, offset=0):
    """(key, value[, fmt]) rows -> (file, content) items; rows without a format cycle through all formats."""
    out = []
    for i, row in enumerate(pairs):
        k, v = row[0], row[1]
        fmt = row[2] if len(row) > 2 and row[2] else FMT_CYCLE[(i + offset) % len(FMT_CYCLE)]
        out.append(RENDERERS[fmt](k, v))
    return out


# ---------------------------------------------------------------------------------------------------------
# Class 1: placeholders and templates under credential-named keys


PLACEHOLDERS = [
    ("api_key", "${API_KEY}", "env"),
    ("db_password", "${DB_PASSWORD}", "compose"),
    ("client_secret", "${CLIENT_SECRET:-}", "compose"),
    ("secret_key", "${SECRET_KEY}", "yaml"),
    ("password", "{{ .Values.db.password }}", "k8s"),
    ("api_token", "{{ .Values.apiToken | b64enc }}", "k8s"),
    ("github_token", "{{ github_token }}", "yaml"),
    ("db_password", "{{ vault_db_password }}", "yaml"),
    ("password", "%(db_password)s", "ini"),
    ("secret", "%(SECRET)s", "ini"),
    ("auth_token", "$AUTH_TOKEN", "sh"),
    ("aws_secret_access_key", "$AWS_SECRET_ACCESS_KEY", "docker"),
    ("access_token", "<token>", "md"),
    ("api_key", "<api-key>", "md"),
    ("password", "[password]", "md"),
    ("client_secret", "<client_secret>", "json"),
    ("password", "***", "yaml"),
    ("api_key", "xxxx", "env"),
    ("stripe_secret_key", "xxxxxxxxxxxxxxxxxxxxxxxx", "env"),
    ("password", "changeme", "props"),
    ("admin_password", "changeme123", "compose"),
    ("api_key", "your_api_key_here", "py"),
    ("openai_api_key", "your-openai-api-key", "env"),
    ("github_token", "<YOUR-TOKEN>", "md"),
    ("slack_bot_token", "<YOUR_SLACK_BOT_TOKEN>", "js"),
    ("secret_key", "REPLACE_ME", "toml"),
    ("jwt_secret", "REPLACE_WITH_A_LONG_RANDOM_STRING", "env"),
    ("openai_api_key", "sk-...", "py"),
    ("openai_api_key", "sk-your-key-here", "env"),
    ("anthropic_api_key", "sk-ant-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "env"),
    ("github_token", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "gha"),
    ("github_token", "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "md"),
    ("aws_access_key_id", "AKIAXXXXXXXXXXXXXXXX", "ini"),
    ("aws_secret_access_key", "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "ini"),
    ("api_key", "1234567890abcdef1234567890abcdef", "json"),
    ("secret_key", "0123456789abcdef0123456789abcdef", "py"),
    ("auth_token", "abcdefghijklmnopqrstuvwxyz123456", "yaml"),
    ("stripe_secret_key", "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", "php"),
    ("stripe_secret_key", "sk_test_XXXXXXXXXXXXXXXXXXXXXXXX", "rb"),
    ("slack_token", "xoxb-xxxxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx", "env"),
    ("slack_webhook_url", "https://hooks.slack.com/services/XXXXXXXXX/XXXXXXXXX/XXXXXXXXXXXXXXXXXXXXXXXX", "yaml"),
    ("sendgrid_api_key", "SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "env"),
    ("database_url", "postgres://user:password@localhost:5432/app", "env"),
    ("database_url", "postgresql://<user>:<password>@<host>:5432/<db>", "md"),
    ("mongo_uri", "mongodb://username:password@host:27017/db", "py"),
    ("redis_url", "redis://:${REDIS_PASSWORD}@redis:6379/0", "compose"),
    ("password", "YOUR_PASSWORD", "webconfig"),
    ("api_key", "INSERT_API_KEY_HERE", "java"),
    ("client_secret", "TODO", "go"),
    ("api_secret", "<your api secret>", "tf"),
    ("token", "@@TOKEN@@", "props"),
    ("password", "__PASSWORD__", "webconfig"),
    ("secret_key", "#{SECRET_KEY}", "webconfig"),
    ("api_key", "{{API_KEY}}", "json"),
    ("private_key", "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----", "json"),
    ("twilio_auth_token", "your_auth_token", "py"),
    ("npm_token", "npm_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "gha"),
    ("gitlab_token", "glpat-xxxxxxxxxxxxxxxxxxxx", "sh"),
    ("client_secret", "${{ CLIENT_SECRET }}", "go"),
    ("secret_access_key", "<%= ENV['SECRET_ACCESS_KEY'] %>", "rb"),
    ("password", "${env:DB_PASSWORD}", "tf"),
    ("encryption_key", "0000000000000000000000000000000000000000000000000000000000000000", "toml"),
    ("api_key", "dummy", "java"),
    ("api_key", "fake-api-key", "js"),
]


def gen_placeholders(m):
    return kv_negatives(PLACEHOLDERS)


# ---------------------------------------------------------------------------------------------------------
# Class 2: example keys that vendors publish in their documentation


AWS_DOCS = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")  # AWS IAM / CLI docs
AWS_DOCS_2 = ("AKIAI44QH8DHBEXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY")  # AWS CLI docs, 2nd pair
JWT_IO = (  # the token on jwt.io (HS256, secret "your-256-bit-secret")
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

# (key, value, format, provenance); provenance ending in "(unsure)" was not re-checked against the vendor.
VENDOR_EXAMPLES = [
    ("stripe_secret_key", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "env", "Stripe API docs test key"),
    ("stripe_api_key", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "py", "Stripe API docs test key"),
    ("stripe_key", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "rb", "Stripe API docs test key"),
    ("stripe_secret", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "php", "Stripe API docs test key"),
    ("stripe_api_key", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "md", "Stripe API docs test key"),
    ("stripe_publishable_key", "pk_test_TYooMQauvdEDq54NiTphI7jx", "js", "Stripe API docs publishable key"),
    ("stripe_publishable_key", "pk_test_TYooMQauvdEDq54NiTphI7jx", "md", "Stripe API docs publishable key"),
    ("jwt", JWT_IO, "md", "jwt.io default token"),
    ("access_token", JWT_IO, "json", "jwt.io default token"),
    ("auth_token", JWT_IO, "py", "jwt.io default token"),
    ("token", JWT_IO, "js", "jwt.io default token"),
    ("bearer_token", JWT_IO, "java", "jwt.io default token"),
    ("github_token", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "md", "GitHub REST docs example"),
    ("github_token", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "gha", "GitHub REST docs example"),
    ("gh_token", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "sh", "GitHub REST docs example"),
    ("github_pat", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "env", "GitHub REST docs example"),
    ("slack_bot_token", "xoxb-not-a-real-token-this-will-not-work", "env", "Slack API docs"),
    ("slack_token", "xoxb-not-a-real-token-this-will-not-work", "py", "Slack API docs"),
    ("slack_bot_token", "xoxb-not-a-real-token-this-will-not-work", "md", "Slack API docs"),
    ("bot_token", "xoxb-not-a-real-token-this-will-not-work", "js", "Slack API docs"),
    ("slack_webhook_url", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "md",
     "Slack incoming-webhook docs"),
    ("slack_webhook_url", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "yaml",
     "Slack incoming-webhook docs"),
    ("slack_webhook", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "env",
     "Slack incoming-webhook docs"),
    ("twilio_account_sid", "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "env", "Twilio docs"),
    ("account_sid", "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "py", "Twilio docs"),
    ("twilio_account_sid", "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "md", "Twilio docs"),
    ("twilio_api_key", "SKXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "js", "Twilio docs"),
    ("google_maps_api_key", "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", "md", "Google Maps docs (unsure)"),
    ("google_api_key", "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", "js", "Google Maps docs (unsure)"),
    ("maps_api_key", "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", "env", "Google Maps docs (unsure)"),
    ("mailgun_api_key", "key-3ax6xnjp29jd6fds4gc373sgvjxteol0", "md", "Mailgun docs (unsure)"),
    ("mailgun_api_key", "key-3ax6xnjp29jd6fds4gc373sgvjxteol0", "py", "Mailgun docs (unsure)"),
    ("azure_storage_key", AZURITE_KEY, "md", "Azurite emulator well-known key"),
    ("account_key", AZURITE_KEY, "json", "Azurite emulator well-known key"),
]


def aws_docs_files(pair):
    akid, sk = pair
    return [
        (".aws/credentials", f"[default]\naws_access_key_id = {akid}\naws_secret_access_key = {sk}\nregion = us-east-1\n"),
        (".env", f"AWS_ACCESS_KEY_ID={akid}\nAWS_SECRET_ACCESS_KEY={sk}\nAWS_DEFAULT_REGION=us-west-2\n"),
        ("README.md", "## AWS credentials\n\nThe CLI reads them from the environment:\n\n```sh\n"
         f"export AWS_ACCESS_KEY_ID={akid}\nexport AWS_SECRET_ACCESS_KEY={sk}\n```\n"),
        ("app.py", "import boto3\n\ns3 = boto3.client(\n    \"s3\",\n"
         f"    aws_access_key_id=\"{akid}\",\n    aws_secret_access_key=\"{sk}\",\n)\n"),
        ("main.tf", f'provider "aws" {{\n  region     = "us-west-2"\n  access_key = "{akid}"\n  secret_key = "{sk}"\n}}\n'),
        ("docker-compose.yml", "services:\n  localstack:\n    image: localstack/localstack\n    environment:\n"
         f"      AWS_ACCESS_KEY_ID: {akid}\n      AWS_SECRET_ACCESS_KEY: {sk}\n"),
        ("src/main/java/S3Config.java", "public class S3Config {\n    AwsBasicCredentials creds = AwsBasicCredentials.create(\n"
         f'        "{akid}",\n        "{sk}");\n}}\n'),
        ("index.js", "const s3 = new S3Client({\n  credentials: {\n"
         f"    accessKeyId: '{akid}',\n    secretAccessKey: '{sk}',\n  }},\n}});\n"),
    ]


def azurite_files():
    cs = ("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
          f"AccountKey={AZURITE_KEY};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;")
    return [
        ("appsettings.Development.json", json.dumps({"ConnectionStrings": {"Storage": cs}}, indent=2) + "\n"),
        ("local.settings.json", json.dumps({"IsEncrypted": False, "Values": {"AzureWebJobsStorage": cs}}, indent=2) + "\n"),
        ("docker-compose.yml", "services:\n  azurite:\n    image: mcr.microsoft.com/azure-storage/azurite\n  app:\n"
         f"    environment:\n      STORAGE_CONNECTION_STRING: \"{cs}\"\n"),
    ]


def gen_vendor_examples(m):
    out = [RENDERERS[fmt](k, v) for k, v, fmt, _ in VENDOR_EXAMPLES]
    out += aws_docs_files(AWS_DOCS) + aws_docs_files(AWS_DOCS_2)[:4] + azurite_files()
    return out


# ---------------------------------------------------------------------------------------------------------
# Class 3: hashes, checksums, digests and identifiers

NPM_PKGS = ["lodash", "express", "react-dom", "@babel/core", "typescript", "axios", "chalk", "debug"]
GO_MODS = ["github.com/stretchr/testify v1.9.0", "golang.org/x/crypto v0.23.0", "github.com/spf13/cobra v1.8.0",
           "google.golang.org/grpc v1.64.0"]
CRATES = ["serde", "tokio", "regex", "memchr", "aho-corasick", "clap"]
PY_PKGS = ["requests==2.32.3", "urllib3==2.2.2", "certifi==2024.7.4", "idna==3.7"]


def h_package_lock(m, pkg):
    body = {"name": "web", "lockfileVersion": 3, "packages": {f"node_modules/{pkg}": {
        "version": "4.17.21", "resolved": f"https://registry.npmjs.org/{pkg}/-/{pkg.split('/')[-1]}-4.17.21.tgz",
        "integrity": "sha512-" + m.b64(64)}}}
    return "package-lock.json", json.dumps(body, indent=2) + "\n"


def h_yarn_lock(m, pkg):
    return "yarn.lock", (f'"{pkg}@^1.2.0":\n  version "1.2.6"\n  resolved "https://registry.yarnpkg.com/{pkg}/-/'
                         f'{pkg.split("/")[-1]}-1.2.6.tgz#{m.hex(20)}"\n  integrity sha512-{m.b64(64)}\n')


def h_pnpm_lock(m, pkg):
    return "pnpm-lock.yaml", (f"lockfileVersion: '9.0'\npackages:\n  {pkg}@2.0.1:\n    resolution: "
                              f"{{integrity: sha512-{m.b64(64)}}}\n")


def h_go_sum(m, mod):
    name, ver = mod.split()
    return "go.sum", f"{name} {ver} h1:{m.b64(32)}\n{name} {ver}/go.mod h1:{m.b64(32)}\n"


def h_cargo_lock(m, crate):
    return "Cargo.lock", (f'[[package]]\nname = "{crate}"\nversion = "1.0.203"\n'
                          f'source = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "{m.hex(32)}"\n')


def h_requirements(m, pkg):
    return "requirements.txt", f"{pkg} \\\n    --hash=sha256:{m.hex(32)} \\\n    --hash=sha256:{m.hex(32)}\n"


def h_poetry_lock(m, pkg):
    name, ver = pkg.split("==")
    return "poetry.lock", (f'[[package]]\nname = "{name}"\nversion = "{ver}"\nfiles = [\n'
                           f'    {{file = "{name}-{ver}-py3-none-any.whl", hash = "sha256:{m.hex(32)}"}},\n]\n')


HASH_BUILDERS = [
    lambda m: ("Gemfile.lock", f"CHECKSUMS\n  rack (3.1.7) sha256={m.hex(32)}\n  rails (7.1.3) sha256={m.hex(32)}\n"),
    lambda m: ("composer.lock", json.dumps({"packages": [{"name": "monolog/monolog", "dist": {
        "type": "zip", "reference": m.hex(20), "shasum": ""}}], "content-hash": m.hex(16)}, indent=4) + "\n"),
    lambda m: (".terraform.lock.hcl", 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "5.54.1"\n'
               f'  hashes = [\n    "h1:{m.b64(32)}",\n    "zh:{m.hex(32)}",\n    "zh:{m.hex(32)}",\n  ]\n}}\n'),
    lambda m: ("flake.lock", json.dumps({"nodes": {"nixpkgs": {"locked": {"narHash": "sha256-" + m.b64(32),
               "rev": m.hex(20), "type": "github"}}}}, indent=2) + "\n"),
    lambda m: ("Chart.lock", "dependencies:\n- name: postgresql\n  repository: https://charts.bitnami.com/bitnami\n"
               f"  version: 15.5.0\ndigest: sha256:{m.hex(32)}\ngenerated: \"2024-06-01T10:00:00Z\"\n"),
    lambda m: (".pre-commit-config.yaml", "repos:\n  - repo: https://github.com/psf/black\n"
               f"    rev: {m.hex(20)}  # frozen: 24.4.2\n    hooks:\n      - id: black\n"),
    lambda m: (".github/workflows/ci.yml", "name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
               f"    steps:\n      - uses: actions/checkout@{m.hex(20)} # v4.1.7\n"
               f"      - uses: actions/setup-node@{m.hex(20)} # v4.0.2\n"),
    lambda m: ("renovate.json", json.dumps({"packageRules": [{"matchPackageNames": ["node"],
               "sha": m.hex(20), "commit": m.hex(20)}]}, indent=2) + "\n"),
    lambda m: ("deploy.yaml", f"release:\n  commit: {m.hex(20)}\n  sha: {m.hex(20)}\n  build_id: 4812\n"),
    lambda m: ("CHANGELOG.md", f"## 2.3.1\n\n- fix retry on timeout ({m.hex(20)[:7]})\n- bump deps "
               f"([{m.hex(20)}](https://github.com/acme/shop/commit/{m.hex(20)}))\n"),
    lambda m: ("Dockerfile", f"FROM python:3.12-slim@sha256:{m.hex(32)}\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n"),
    lambda m: ("k8s/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n"
               f"    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api@sha256:{m.hex(32)}\n"),
    lambda m: ("docker-compose.yml", f"services:\n  db:\n    image: postgres:16@sha256:{m.hex(32)}\n"),
    lambda m: ("logs/app.log", "\n".join(f'{{"level":"info","request_id":"{m.uuid()}","trace_id":"{m.hex(16)}",'
               f'"span_id":"{m.hex(8)}","msg":"GET /api/orders 200"}}' for _ in range(3)) + "\n"),
    lambda m: ("azure.tfvars", f'tenant_id       = "{m.uuid()}"\nsubscription_id = "{m.uuid()}"\nclient_id       = "{m.uuid()}"\n'),
    lambda m: ("settings.json", json.dumps({"tenantId": m.uuid(), "correlationId": m.uuid(), "requestId": m.uuid()},
               indent=2) + "\n"),
    lambda m: ("fixtures/orders.sql", "INSERT INTO orders (id, customer_id, idempotency_key) VALUES\n"
               f"  ('{m.uuid()}', '{m.uuid()}', '{m.uuid()}');\n"),
    lambda m: ("SHA256SUMS", "".join(f"{m.hex(32)}  keyhound-{a}.tar.gz\n" for a in
                                     ("x86_64-linux", "aarch64-linux", "x86_64-darwin"))),
    lambda m: ("release.sha256", f"{m.hex(32)}  app-2.3.1.zip\n"),
    lambda m: ("MD5SUMS", "".join(f"{m.hex(16)}  {n}\n" for n in ("vmlinuz", "initrd.img", "filesystem.squashfs"))),
    lambda m: ("checksums.sha1", "".join(f"{m.hex(20)} *{n}\n" for n in ("setup.exe", "setup.msi"))),
    lambda m: ("index.html", '<!doctype html>\n<html>\n<head>\n  <script src="https://cdn.jsdelivr.net/npm/'
               f'bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js"\n    integrity="sha384-{m.b64(48)}"\n'
               '    crossorigin="anonymous"></script>\n</head>\n</html>\n'),
    lambda m: ("templates/base.html", f'<link rel="stylesheet" href="/static/app.css" integrity="sha256-{m.b64(32)}">\n'),
    lambda m: ("fixtures/users.yaml", f"- username: alice\n  password_hash: \"{m.bcrypt()}\"\n"
               f"- username: bob\n  password_hash: \"{m.bcrypt(10)}\"\n"),
    lambda m: ("db/seeds.sql", "INSERT INTO users (email, password_digest) VALUES\n"
               f"  ('admin@example.org', '{m.bcrypt()}');\n"),
    lambda m: ("users.json", json.dumps([{"user": "carol", "hashed_password":
               f"$argon2id$v=19$m=65536,t=3,p=4${m.b64(16).rstrip('=')}${m.b64(32).rstrip('=')}"}], indent=2) + "\n"),
    lambda m: ("shadow.txt", f"deploy:$6${m.chars(16)}${m.chars(86, './' + string.ascii_letters + string.digits)}:19500:0:99999:7:::\n"),
    lambda m: ("known_hosts.md", f"Host key fingerprint: `SHA256:{m.b64(32).rstrip('=')}` (ED25519)\n"),
    lambda m: ("cache.yml", f"cache:\n  key: {m.hex(20)}\n  paths:\n    - node_modules/\n"),
    lambda m: ("etag.py", f'ETAG = "W/\\"{m.hex(16)}\\""\nCONTENT_HASH = "{m.hex(32)}"\n'),
    lambda m: ("WORKSPACE", 'http_archive(\n    name = "rules_go",\n'
               f'    sha256 = "{m.hex(32)}",\n    urls = ["https://github.com/bazelbuild/rules_go/releases/download/v0.48.0/rules_go-v0.48.0.zip"],\n)\n'),
    lambda m: ("Formula/tool.rb", f'class Tool < Formula\n  url "https://example.org/tool-1.0.tar.gz"\n  sha256 "{m.hex(32)}"\nend\n'),
    lambda m: ("default.nix", f'fetchFromGitHub {{\n  owner = "acme";\n  repo = "tool";\n  rev = "{m.hex(20)}";\n'
               f'  hash = "sha256-{m.b64(32)}";\n}}\n'),
    lambda m: (".gitmodules.lock", f"vendor/lib {m.hex(20)}\nvendor/proto {m.hex(20)}\n"),
    lambda m: ("sentry.properties", f"defaults.org=acme\ndefaults.project=web\nrelease={m.hex(20)}\n"),
    lambda m: ("packed-refs", f"# pack-refs with: peeled fully-peeled sorted\n{m.hex(20)} refs/heads/main\n"
               f"{m.hex(20)} refs/tags/v1.0.0\n^{m.hex(20)}\n"),
    lambda m: ("Package.resolved", json.dumps({"pins": [{"identity": "alamofire", "kind": "remoteSourceControl",
               "state": {"revision": m.hex(20), "version": "5.9.1"}}], "version": 2}, indent=2) + "\n"),
    lambda m: ("Podfile.lock", f"SPEC CHECKSUMS:\n  Alamofire: {m.hex(20)}\n  Firebase: {m.hex(20)}\n\n"
               f"PODFILE CHECKSUM: {m.hex(20)}\n\nCOCOAPODS: 1.15.2\n"),
    lambda m: ("mix.lock", f'%{{\n  "jason": {{:hex, :jason, "1.4.1", "{m.hex(32)}", [:mix], [], "hexpm", "{m.hex(32)}"}},\n}}\n'),
    lambda m: ("pubspec.lock", f'packages:\n  http:\n    dependency: "direct main"\n    description:\n      name: http\n'
               f'      sha256: "{m.hex(32)}"\n      url: "https://pub.dev"\n    version: "1.2.1"\n'),
    lambda m: ("gradle/verification-metadata.xml", '<component group="com.google.guava" name="guava" version="33.2.0-jre">\n'
               f'   <artifact name="guava-33.2.0-jre.jar">\n      <sha256 value="{m.hex(32)}" origin="Generated by Gradle"/>\n'
               "   </artifact>\n</component>\n"),
    lambda m: ("uv.lock", f'[[package]]\nname = "httpx"\nversion = "0.27.0"\nsdist = {{ url = "https://files.pythonhosted.org/'
               f'packages/httpx-0.27.0.tar.gz", hash = "sha256:{m.hex(32)}" }}\n'),
    lambda m: ("docs/webhooks.md", "Example delivery headers:\n\n```\nX-GitHub-Delivery: " + m.uuid()
               + f"\nX-Hub-Signature-256: sha256={m.hex(32)}\n```\n"),
    lambda m: ("logs/s3-access.log", f"PUT /bucket/obj x-amz-content-sha256={m.hex(32)} x-amz-request-id={m.hex(8).upper()} "
               f"x-amz-id-2={m.b64(48)}\n"),
]


def gen_hashes(m):
    out = [h_package_lock(m, p) for p in NPM_PKGS[:4]] + [h_yarn_lock(m, p) for p in NPM_PKGS[4:7]]
    out += [h_pnpm_lock(m, NPM_PKGS[7])] + [h_go_sum(m, g) for g in GO_MODS]
    out += [h_cargo_lock(m, c) for c in CRATES[:4]] + [h_requirements(m, p) for p in PY_PKGS[:3]]
    out += [h_poetry_lock(m, PY_PKGS[3])]
    out += [b(m) for b in HASH_BUILDERS]
    return out


# ---------------------------------------------------------------------------------------------------------
# Class 4: public keys and certificates


def jwk_public(m):
    return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": m.hex(8), "n": m.b64url(256), "e": "AQAB"}


def jwk_ec_public(m):
    return {"kty": "EC", "crv": "P-256", "kid": m.uuid(), "x": m.b64url(32), "y": m.b64url(32)}


def pgp_public(m):
    return ("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n" + "\n".join(m.b64_lines(600)) + "\n=" + m.b64(3)
            + "\n-----END PGP PUBLIC KEY BLOCK-----\n")


def age_recipient(m):
    return "age1" + m.chars(58, BECH32)


PUBKEY_BUILDERS = [
    lambda m: (".ssh/authorized_keys", f"{ssh_rsa(m)} alice@laptop\n{ssh_ed25519(m)} bob@workstation\n"),
    lambda m: (".ssh/id_ed25519.pub", f"{ssh_ed25519(m)} deploy@ci\n"),
    lambda m: (".ssh/id_rsa.pub", f"{ssh_rsa(m, 4096)} carol@example.org\n"),
    lambda m: ("known_hosts", f"github.com {ssh_ed25519(m)}\ngitlab.example.org {ssh_ecdsa(m)}\n"),
    lambda m: ("cloud-init.yaml", f"#cloud-config\nusers:\n  - name: ops\n    ssh_authorized_keys:\n      - {ssh_ed25519(m)} ops@bastion\n"),
    lambda m: ("main.tf", f'resource "aws_key_pair" "deployer" {{\n  key_name   = "deployer-key"\n  public_key = "{ssh_rsa(m)} deployer"\n}}\n'),
    lambda m: ("group_vars/all.yml", f"admin_ssh_keys:\n  - \"{ssh_ed25519(m)} dave\"\n  - \"{ssh_rsa(m)} erin\"\n"),
    lambda m: ("users.json", json.dumps({"user": "frank", "ssh_public_key": ssh_ed25519(m) + " frank@mac"}, indent=2) + "\n"),
    lambda m: ("keys/public.pem", pem("PUBLIC KEY", m.b64_lines(294))),
    lambda m: ("keys/rsa_pub.pem", pem("RSA PUBLIC KEY", m.b64_lines(270))),
    lambda m: ("certs/ca.crt", pem("CERTIFICATE", m.b64_lines(900))),
    lambda m: ("certs/server.pem", pem("CERTIFICATE", m.b64_lines(1100)) + pem("CERTIFICATE", m.b64_lines(950))),
    lambda m: ("nginx/tls.crt", pem("CERTIFICATE", m.b64_lines(1024))),
    lambda m: ("k8s/configmap.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: trust-bundle\ndata:\n  ca.crt: |\n"
               + "".join("    " + l + "\n" for l in pem("CERTIFICATE", m.b64_lines(800)).splitlines())),
    lambda m: ("config.json", json.dumps({"tls": {"ca_cert": pem("CERTIFICATE", m.b64_lines(700)),
                                                   "verify": True}}, indent=2) + "\n"),
    lambda m: ("jwt_public_key.py", 'JWT_PUBLIC_KEY = """\n' + pem("PUBLIC KEY", m.b64_lines(294)) + '"""\n'),
    lambda m: ("application.yml", "jwt:\n  public-key: |\n" + "".join(
        "    " + l + "\n" for l in pem("PUBLIC KEY", m.b64_lines(91)).splitlines())),
    lambda m: ("app.properties", "saml.idp.certificate=" + m.b64(700) + "\nsaml.idp.entity-id=https://idp.example.org\n"),
    lambda m: ("metadata.xml", '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">\n  <ds:KeyInfo>\n'
               f"    <ds:X509Certificate>{m.b64(760)}</ds:X509Certificate>\n  </ds:KeyInfo>\n</md:EntityDescriptor>\n"),
    lambda m: (".well-known/jwks.json", json.dumps({"keys": [jwk_public(m), jwk_public(m)]}, indent=2) + "\n"),
    lambda m: ("jwks.json", json.dumps({"keys": [jwk_ec_public(m)]}, indent=2) + "\n"),
    lambda m: ("auth/config.yaml", f"oidc:\n  jwks:\n    keys:\n      - kty: RSA\n        kid: {m.hex(8)}\n"
               f"        n: {m.b64url(256)}\n        e: AQAB\n"),
    lambda m: ("KEYS", pgp_public(m)),
    lambda m: ("docs/signing-key.asc", pgp_public(m)),
    lambda m: ("README.md", "## Verifying releases\n\nImport the release key:\n\n```\n" + pgp_public(m) + "```\n"),
    lambda m: ("debian/upstream/signing-key.asc", pgp_public(m)),
    lambda m: ("index.js", f"const stripe = Stripe('pk_live_51{m.chars(96)}');\n"),
    lambda m: ("checkout.tsx", f"const stripePromise = loadStripe(\"pk_test_51{m.chars(96)}\");\n"),
    lambda m: (".env", f"NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=pk_live_{m.chars(24)}\n"),
    lambda m: ("config.yaml", f"stripe:\n  publishable_key: pk_live_{m.chars(99)}\n  public_key: pk_test_{m.chars(24)}\n"),
    lambda m: ("settings.py", f'STRIPE_PUBLIC_KEY = "pk_live_{m.chars(24)}"\n'),
    lambda m: (".sops.yaml", f"creation_rules:\n  - path_regex: secrets/.*\\.yaml$\n    age: {age_recipient(m)}\n"),
    lambda m: ("recipients.txt", f"# ops team\n{age_recipient(m)}\n{age_recipient(m)}\n"),
    lambda m: ("flux/kustomization.yaml", f"decryption:\n  provider: sops\n  recipient: {age_recipient(m)}\n"),
    lambda m: ("wg0.conf", f"[Peer]\n# site B\nPublicKey = {m.b64(32)}\nAllowedIPs = 10.8.0.2/32\nEndpoint = vpn.example.org:51820\n"),
    lambda m: ("tailscale.md", f"Node key: `nodekey:{m.hex(32)}`\nMachine key: `mkey:{m.hex(32)}`\n"),
    lambda m: ("minisign.pub", f"untrusted comment: minisign public key {m.hex(8).upper()}\n{m.b64(42)}\n"),
    lambda m: ("cosign.pub", pem("PUBLIC KEY", m.b64_lines(91))),
    lambda m: ("gpg.txt", f"pub   rsa4096 2023-01-01 [SC]\n      {m.hex(20).upper()}\nuid           Release Signing <release@example.org>\n"),
    lambda m: ("dkim.txt", f'default._domainkey IN TXT "v=DKIM1; k=rsa; p={m.b64(294)}"\n'),
    lambda m: ("ssh_host_ecdsa_key.pub", f"{ssh_ecdsa(m)} root@build\n"),
    lambda m: ("secrets/cert-manager.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ca\ntype: kubernetes.io/tls\n"
               f"data:\n  ca.crt: {base64.b64encode(pem('CERTIFICATE', m.b64_lines(700)).encode()).decode()}\n"),
    lambda m: ("nostr.json", json.dumps({"names": {"alice": m.hex(32)}}, indent=2) + "\n"),
    lambda m: ("eth.json", json.dumps({"address": "0x" + m.hex(20), "publicKey": "0x04" + m.hex(64)}, indent=2) + "\n"),
    lambda m: ("web.config", '<assemblyBinding>\n  <dependentAssembly>\n    <assemblyIdentity name="Newtonsoft.Json" '
               f'publicKeyToken="{m.hex(8)}" culture="neutral" />\n  </dependentAssembly>\n</assemblyBinding>\n'),
    lambda m: ("root.json", json.dumps({"signed": {"_type": "root", "keys": {m.hex(32): {"keytype": "ed25519",
               "scheme": "ed25519", "keyval": {"public": m.hex(32)}}}}, "signatures": [{"keyid": m.hex(32),
               "sig": m.hex(64)}]}, indent=2) + "\n"),
    lambda m: ("nix.conf", "substituters = https://cache.nixos.org https://cache.example.org\n"
               f"trusted-public-keys = cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY= "
               f"cache.example.org-1:{m.b64(32)}\n"),
    lambda m: (".ssh/authorized_keys", f'command="/usr/local/bin/backup",no-pty {ssh_ed25519(m)} backup@nas\n'
               f"cert-authority,principals=\"ops\" {ssh_ed25519(m)} ca@example.org\n"),
    lambda m: ("wallet.md", "Donations: `xpub661MyMwAqRbc" + m.chars(95, "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz") + "`\n"),
    lambda m: ("zone.db", f"example.org. 3600 IN DNSKEY 257 3 13 {m.b64(64)}\nexample.org. 3600 IN SSHFP 4 2 {m.hex(32)}\n"),
    lambda m: ("res/xml/network_security_config.xml", '<pin-set expiration="2026-01-01">\n'
               f'    <pin digest="SHA-256">{m.b64(32)}</pin>\n    <pin digest="SHA-256">{m.b64(32)}</pin>\n</pin-set>\n'),
    lambda m: ("certs/ca-bundle.crt", "".join(pem("CERTIFICATE", m.b64_lines(n)) for n in (850, 900, 1000))),
]


def gen_public_keys(m):
    return [b(m) for b in PUBKEY_BUILDERS]


# ---------------------------------------------------------------------------------------------------------
# Class 5: encrypted values (sops, SealedSecrets, Ansible Vault, Travis, Jasypt, eyaml, KMS, ...)


def sops_enc(m, n, typ="str"):
    return f"ENC[AES256_GCM,data:{m.b64(n)},iv:{m.b64(32)},tag:{m.b64(16)},type:{typ}]"


def age_armor(m, indent):
    lines = ["-----BEGIN AGE ENCRYPTED FILE-----"] + m.b64_lines(240) + ["-----END AGE ENCRYPTED FILE-----"]
    return "".join(indent + l + "\n" for l in lines)


def sops_meta_yaml(m, backend):
    out = "sops:\n"
    if backend == "kms":
        out += (f"    kms:\n        - arn: arn:aws:kms:eu-west-1:{m.chars(12, string.digits)}:key/{m.uuid()}\n"
                f"          created_at: \"2024-05-02T09:14:11Z\"\n          enc: AQICAHh{m.b64(160)}\n"
                f"          aws_profile: \"\"\n    age: []\n")
    else:
        out += f"    kms: []\n    age:\n        - recipient: {age_recipient(m)}\n          enc: |\n" + age_armor(m, "            ")
    return out + (f"    lastmodified: \"2024-05-02T09:14:11Z\"\n    mac: {sops_enc(m, 64)}\n    pgp: []\n"
                  "    unencrypted_suffix: _unencrypted\n    version: 3.8.1\n")


def sops_yaml(m, path, keys, backend):
    body = "".join(f"    {k}: {sops_enc(m, n)}\n" for k, n in keys)
    return path, f"database:\n    host: db.internal\n{body}" + sops_meta_yaml(m, backend)


def sops_json(m, path, keys):
    doc = {k: sops_enc(m, n) for k, n in keys}
    doc["sops"] = {"kms": None, "age": [{"recipient": age_recipient(m), "enc": "".join(age_armor(m, ""))}],
                   "lastmodified": "2024-05-02T09:14:11Z", "mac": sops_enc(m, 64), "version": "3.8.1"}
    return path, json.dumps(doc, indent=4) + "\n"


def sops_dotenv(m, path, keys):
    body = "".join(f"{upper(k)}={sops_enc(m, n)}\n" for k, n in keys)
    return path, body + (f"sops_age__list_0__map_recipient={age_recipient(m)}\nsops_lastmodified=2024-05-02T09:14:11Z\n"
                         f"sops_mac={sops_enc(m, 64)}\nsops_version=3.8.1\n")


def sealed_secret(m, name, keys):
    enc = "".join(f"    {k}: AgB{m.b64(512)}\n" for k in keys)
    return f"k8s/{name}-sealedsecret.yaml", (
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n"
        f"  name: {name}\n  namespace: prod\nspec:\n  encryptedData:\n{enc}  template:\n    metadata:\n      name: {name}\n")


def vault_hex(m, nbytes):
    h = binascii.hexlify(f"{m.hex(32)}\n{m.hex(32)}\n{m.hex(nbytes)}".encode()).decode()
    return [h[i : i + 80] for i in range(0, len(h), 80)]


def ansible_vault_file(m, path):
    return path, "$ANSIBLE_VAULT;1.1;AES256\n" + "\n".join(vault_hex(m, 96)) + "\n"


def ansible_inline(m, path, key):
    lines = "".join(f"  {l}\n" for l in ["$ANSIBLE_VAULT;1.1;AES256"] + vault_hex(m, 32))
    return path, f"---\n{key}: !vault |\n{lines}db_host: db.internal\n"


def travis(m, keys):
    env = "".join(f"    - secure: \"{m.b64(256)}\"\n" for _ in keys)
    return ".travis.yml", f"language: python\npython: \"3.12\"\nenv:\n  global:\n{env}deploy:\n  provider: pypi\n" \
                          f"  password:\n    secure: \"{m.b64(256)}\"\n"


ENCRYPTED_BUILDERS = [
    lambda m: sops_yaml(m, "secrets/prod.yaml", [("password", 24), ("api_key", 40)], "kms"),
    lambda m: sops_yaml(m, "secrets/staging.enc.yaml", [("db_password", 18)], "age"),
    lambda m: sops_yaml(m, "helm/values.secrets.yaml", [("secret_key", 50), ("stripe_secret_key", 32)], "age"),
    lambda m: sops_yaml(m, "clusters/prod/secret.sops.yaml", [("client_secret", 40), ("token", 64)], "kms"),
    lambda m: sops_yaml(m, "secrets.yaml", [("aws_secret_access_key", 40), ("aws_access_key_id", 20)], "kms"),
    lambda m: sops_yaml(m, "env/prod/secrets.yaml", [("github_token", 40)], "age"),
    lambda m: sops_json(m, "secrets/prod.json", [("password", 20), ("apiKey", 32)]),
    lambda m: sops_json(m, "config/secrets.enc.json", [("clientSecret", 40)]),
    lambda m: sops_json(m, "secrets.json", [("slack_token", 56), ("sendgrid_api_key", 69)]),
    lambda m: sops_dotenv(m, ".env.enc", [("database_password", 24), ("jwt_secret", 64)]),
    lambda m: sops_dotenv(m, "prod.env", [("openai_api_key", 51)]),
    lambda m: ("secrets.ini", f"[database]\npassword = {sops_enc(m, 20)}\n[sops]\nmac = {sops_enc(m, 64)}\nversion = 3.8.1\n"),
    lambda m: sealed_secret(m, "db-credentials", ["password", "username"]),
    lambda m: sealed_secret(m, "api-keys", ["stripe_secret_key", "sendgrid_api_key"]),
    lambda m: sealed_secret(m, "registry", [".dockerconfigjson"]),
    lambda m: sealed_secret(m, "oauth", ["client_secret"]),
    lambda m: sealed_secret(m, "tls", ["tls.key", "tls.crt"]),
    lambda m: ansible_vault_file(m, "group_vars/prod/vault.yml"),
    lambda m: ansible_vault_file(m, "host_vars/db1/vault.yml"),
    lambda m: ansible_vault_file(m, "secrets.yml"),
    lambda m: ansible_inline(m, "group_vars/all.yml", "db_password"),
    lambda m: ansible_inline(m, "roles/app/defaults/main.yml", "api_token"),
    lambda m: ansible_inline(m, "inventory/group_vars/web.yml", "aws_secret_access_key"),
    lambda m: travis(m, ["GITHUB_TOKEN"]),
    lambda m: travis(m, ["A", "B", "C"]),
    lambda m: ("appveyor.yml", f"environment:\n  api_token:\n    secure: {m.b64(48)}\n  password:\n    secure: {m.b64(32)}\n"),
    lambda m: ("application.properties", f"spring.datasource.url=jdbc:postgresql://db:5432/app\n"
               f"spring.datasource.password=ENC({m.b64(32)})\njasypt.encryptor.algorithm=PBEWithMD5AndDES\n"),
    lambda m: ("application.yml", f"spring:\n  mail:\n    password: ENC({m.b64(48)})\napi:\n  secret-key: ENC({m.b64(64)})\n"),
    lambda m: ("hieradata/common.eyaml", f"---\nprofile::db::password: >\n    ENC[PKCS7,{m.b64(300)}]\n"),
    lambda m: ("data/prod.eyaml", f"---\napi_key: ENC[PKCS7,{m.b64(250)}]\n"),
    lambda m: ("data_bags/passwords/mysql.json", json.dumps({"id": "mysql", "password": {
        "encrypted_data": m.b64(48) + "\n", "iv": m.b64(12) + "\n", "auth_tag": m.b64(16) + "\n",
        "version": 3, "cipher": "aes-256-gcm"}}, indent=2) + "\n"),
    lambda m: ("config/credentials.yml.enc", f"{m.b64(420)}--{m.b64(12)}--{m.b64(16)}"),
    lambda m: ("config/credentials/production.yml.enc", f"{m.b64(300)}--{m.b64(12)}--{m.b64(16)}"),
    lambda m: ("secrets/api_key.age", "".join(age_armor(m, ""))),
    lambda m: ("secrets/db_password.asc", "-----BEGIN PGP MESSAGE-----\n\n" + "\n".join(m.b64_lines(400))
               + f"\n={m.b64(3)}\n-----END PGP MESSAGE-----\n"),
    lambda m: ("serverless.yml", f"provider:\n  environment:\n    DB_PASSWORD_ENCRYPTED: AQICAHh{m.b64(170)}\n"),
    lambda m: ("lambda.env", f"ENCRYPTED_API_KEY=AQICAHh{m.b64(190)}\n"),
    lambda m: ("config.py", f'ENCRYPTED_SECRET = "vault:v1:{m.b64(60)}"  # transit ciphertext\n'),
    lambda m: ("settings.yaml", f"payments:\n  api_key_ciphertext: \"vault:v1:{m.b64(80)}\"\n"),
    lambda m: ("credentials.xml", "<com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>\n"
               f"  <username>deploy</username>\n  <password>{{AQAAABAAAAAQ{m.b64(42)}}}</password>\n"
               "</com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>\n"),
    lambda m: ("jenkins/secret.xml", f"<hudson.util.Secret>\n  <secret>{{AQAAABAAAAAg{m.b64(60)}}}</secret>\n</hudson.util.Secret>\n"),
    lambda m: ("web.config", '<configuration>\n  <connectionStrings configProtectionProvider="RsaProtectedConfigurationProvider">\n'
               '    <EncryptedData Type="http://www.w3.org/2001/04/xmlenc#Element">\n      <CipherData>\n'
               f"        <CipherValue>{m.b64(256)}</CipherValue>\n      </CipherData>\n    </EncryptedData>\n"
               "  </connectionStrings>\n</configuration>\n"),
    lambda m: ("mule.properties", f"db.password=![{m.b64(32)}]\nsalesforce.token=![{m.b64(48)}]\n"),
    lambda m: ("gocd/cruise-config.xml", f'<param name="password" encryptedValue="AES:{m.b64(16)}:{m.b64(32)}" />\n'),
    lambda m: ("git-crypt.md", "Files under secrets/ are encrypted with git-crypt; the key is in the vault.\n\n"
               f"```\nGITCRYPT{m.hex(40)}\n```\n"),
    lambda m: ("terraform.tfvars", f'encrypted_db_password = "{m.b64(180)}"  # gcloud kms encrypt output\n'),
    lambda m: ("group_vars/prod/vault.yml", "$ANSIBLE_VAULT;1.2;AES256;prod\n" + "\n".join(vault_hex(m, 64)) + "\n"),
    lambda m: ("outputs.tf", 'output "ci_secret" {\n  value = aws_iam_access_key.ci.encrypted_secret\n}\n'
               f'# terraform output ci_secret\n# "wcBMA{m.b64(300)}"\n'),
    lambda m: ("pillar/db.sls", "#!yaml|gpg\ndb:\n  password: |\n    -----BEGIN PGP MESSAGE-----\n\n"
               + "".join(f"    {l}\n" for l in m.b64_lines(250)) + f"    ={m.b64(3)}\n    -----END PGP MESSAGE-----\n"),
    lambda m: ("k8s/sealed-cluster-wide.yaml", "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n"
               "  name: api\n  annotations:\n    sealedsecrets.bitnami.com/cluster-wide: \"true\"\nspec:\n"
               f"  encryptedData:\n    API_KEY: AgA{m.b64(560)}\n"),
    lambda m: (".drone.yml", f"kind: secret\nname: docker_password\ndata: {m.b64(120)}\n"),
    lambda m: ("secrets/prod.yaml", f"password: {sops_enc(m, 16)}\napi_key: {sops_enc(m, 32)}\n" + sops_meta_yaml(m, "kms")),
]


def gen_encrypted(m):
    return [b(m) for b in ENCRYPTED_BUILDERS]


# ---------------------------------------------------------------------------------------------------------
# Class 6: references to secrets held elsewhere


REFERENCES = [
    ("db_password", "arn:aws:ssm:us-east-1:123456789012:parameter/prod/db/password", "yaml"),
    ("api_key_arn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-key-AbCdEf", "json"),
    ("secret_arn", "arn:aws:secretsmanager:us-west-2:210987654321:secret:rds!db-3f1a2b", "env"),
    ("kms_key_arn", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "tf"),
    ("password", "vault:secret/data/prod/db#password", "yaml"),
    ("api_token", "vault:secret/data/payments#api_token", "k8s"),
    ("client_secret", "ref+vault://secret/app#/client_secret", "yaml"),
    ("github_token", "op://Engineering/GitHub/token", "env"),
    ("stripe_secret_key", "op://prod/stripe/credential", "env"),
    ("db_password", "op://Private/Postgres/password", "sh"),
    ("password", "{{resolve:secretsmanager:prod/db:SecretString:password}}", "json"),
    ("master_user_password", "{{resolve:ssm-secure:/prod/db/password:1}}", "yaml"),
    ("api_key", "@Microsoft.KeyVault(SecretUri=https://myvault.vault.azure.net/secrets/ApiKey/)", "json"),
    ("db_password", "@Microsoft.KeyVault(VaultName=prodvault;SecretName=DbPassword)", "webconfig"),
    ("api_key", "${{ secrets.API_KEY }}", "gha"),
    ("npm_token", "${{ secrets.NPM_TOKEN }}", "gha"),
    ("aws_secret_access_key", "${{ secrets.AWS_SECRET_ACCESS_KEY }}", "gha"),
    ("password", "${db.password}", "props"),
    ("secret_key", "${SECRET_KEY:changeit}", "props"),
    ("client_secret", "${vault.oauth.client-secret}", "props"),
    ("password", "sm://projects/acme/secrets/db-password/versions/latest", "yaml"),
    ("api_key", "gcp:secretmanager:projects/123/secrets/api-key", "env"),
    ("token", "azurekeyvault://prodvault/secrets/token", "yaml"),
    ("password", "#{ENV['DB_PASSWORD']}", "rb"),
    ("slack_token", "env(SLACK_TOKEN)", "yaml"),
    ("secret", "%env(APP_SECRET)%", "yaml"),
    ("password", "{{ lookup('env', 'DB_PASSWORD') }}", "yaml"),
    ("api_key", "{{ lookup('community.hashi_vault.hashi_vault', 'secret=secret/data/app:api_key') }}", "yaml"),
    ("password", "$(DB_PASSWORD)", "k8s"),
    ("secret_key", "file:/run/secrets/secret_key", "ini"),
    ("api_key", "/run/secrets/api_key", "compose"),
    ("private_key_path", "~/.ssh/id_ed25519", "toml"),
    ("credentials_file", "/var/run/secrets/gcp/credentials.json", "env"),
    ("token", "sops://secrets/prod.yaml#token", "yaml"),
    ("api_key", "doppler://prod/API_KEY", "env"),
    ("password", "keyring:myapp/db", "ini"),
]

REFERENCE_FILES = [
    ("k8s/deployment.yaml", "        env:\n          - name: DB_PASSWORD\n            valueFrom:\n              secretKeyRef:\n"
     "                name: db-credentials\n                key: password\n"),
    ("k8s/pod.yaml", "    envFrom:\n      - secretRef:\n          name: api-secrets\n    env:\n      - name: API_TOKEN\n"
     "        valueFrom:\n          secretKeyRef: {name: api-secrets, key: token}\n"),
    ("k8s/external-secret.yaml", "apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nspec:\n  data:\n"
     "    - secretKey: password\n      remoteRef:\n        key: prod/db\n        property: password\n"),
    ("app.py", 'import os\n\nAPI_KEY = os.environ["API_KEY"]\nSECRET_KEY = os.getenv("SECRET_KEY")\n'
     'DB_PASSWORD = os.environ.get("DB_PASSWORD", "")\n'),
    ("settings.py", 'from decouple import config\n\nSECRET_KEY = config("SECRET_KEY")\nSTRIPE_SECRET_KEY = config("STRIPE_SECRET_KEY")\n'),
    ("index.js", "const apiKey = process.env.API_KEY;\nconst stripe = require('stripe')(process.env.STRIPE_SECRET_KEY);\n"),
    ("config.ts", "export const config = {\n  githubToken: process.env.GITHUB_TOKEN!,\n  jwtSecret: process.env['JWT_SECRET'] ?? '',\n};\n"),
    ("src/main/java/App.java", 'String password = System.getenv("DB_PASSWORD");\nString apiKey = System.getProperty("api.key");\n'),
    ("main.go", 'package main\n\nimport "os"\n\nvar apiToken = os.Getenv("API_TOKEN")\nvar secretKey, _ = os.LookupEnv("SECRET_KEY")\n'),
    ("src/config.rs", 'let api_key = std::env::var("API_KEY").expect("API_KEY not set");\n'
     'let password = env::var("DB_PASSWORD")?;\n'),
    ("config.rb", "STRIPE_KEY = ENV.fetch('STRIPE_SECRET_KEY')\nAPI_TOKEN = ENV['API_TOKEN']\n"
     "SECRET = Rails.application.credentials.secret_key_base\n"),
    ("config.php", "<?php\n$password = getenv('DB_PASSWORD');\n$apiKey = $_ENV['API_KEY'];\n'secret' => env('APP_SECRET'),\n"),
    ("Program.cs", 'var apiKey = builder.Configuration["Stripe:SecretKey"];\n'
     'var password = Environment.GetEnvironmentVariable("DB_PASSWORD");\n'),
    ("service.py", 'password = config.get("database", "password")\napi_key = settings.get("api_key")\n'
     'token = secrets_client.get_secret_value(SecretId="prod/token")["SecretString"]\n'),
    ("main.tf", 'resource "aws_db_instance" "db" {\n  username = "app"\n  password = var.db_password\n}\n'),
    ("rds.tf", 'data "aws_secretsmanager_secret_version" "db" {\n  secret_id = "prod/db"\n}\n\n'
     'locals {\n  db_password = jsondecode(data.aws_secretsmanager_secret_version.db.secret_string)["password"]\n}\n'),
    ("secrets.tf", 'resource "kubernetes_secret" "app" {\n  data = {\n    api_key  = data.vault_generic_secret.app.data["api_key"]\n'
     '    password = random_password.db.result\n  }\n}\n'),
    ("variables.tf", 'variable "api_token" {\n  type      = string\n  sensitive = true\n}\n'),
    (".github/workflows/deploy.yml", "    steps:\n      - run: ./deploy.sh\n        env:\n"
     "          GITHUB_TOKEN: ${{ github.token }}\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n"),
    (".gitlab-ci.yml", "deploy:\n  script:\n    - docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY\n"),
    ("Jenkinsfile", "withCredentials([string(credentialsId: 'api-token', variable: 'API_TOKEN')]) {\n"
     "    sh 'curl -H \"Authorization: Bearer $API_TOKEN\" https://api.example.org'\n}\n"),
    ("azure-pipelines.yml", "variables:\n  - group: prod-secrets\nsteps:\n  - script: ./deploy.sh\n    env:\n"
     "      CLIENT_SECRET: $(clientSecret)\n"),
    ("docker-compose.yml", "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n"
     "secrets:\n  db_password:\n    file: ./secrets/db_password.txt\n"),
    ("values.yaml", "postgresql:\n  auth:\n    existingSecret: db-credentials\n    secretKeys:\n      adminPasswordKey: postgres-password\n"),
    ("template.yaml", "Resources:\n  Db:\n    Properties:\n      MasterUserPassword: !Sub '{{resolve:secretsmanager:${DbSecret}:SecretString:password}}'\n"),
    ("appsettings.json", json.dumps({"KeyVault": {"VaultUri": "https://prod-kv.vault.azure.net/"},
                                     "Stripe": {"SecretKeyName": "stripe-secret-key"}}, indent=2) + "\n"),
    ("cloudbuild.yaml", "availableSecrets:\n  secretManager:\n  - versionName: projects/acme/secrets/npm-token/versions/latest\n"
     "    env: NPM_TOKEN\n"),
    ("README.md", "## Secrets\n\nThe API key is read from `$API_KEY`; in production it comes from\n"
     "`arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api-key`.\n"),
]


def gen_references(m):
    return kv_negatives(REFERENCES) + list(REFERENCE_FILES)


# ---------------------------------------------------------------------------------------------------------
# Class 7: masked and redacted values


MASKED = [
    ("password", "****", "yaml"),
    ("password", "********", "props"),
    ("api_key", "****************", "json"),
    ("stripe_secret_key", "sk_live_****abcd", "md"),
    ("stripe_secret_key", "sk_live_••••••••••••4242", "md"),
    ("github_token", "ghp_...XXXX", "md"),
    ("github_token", "ghp_************************************", "yaml"),
    ("aws_secret_access_key", "****************************************", "ini"),
    ("aws_access_key_id", "AKIA************", "ini"),
    ("token", "[REDACTED]", "json"),
    ("client_secret", "<redacted>", "yaml"),
    ("secret", "REDACTED", "env"),
    ("api_key", "[FILTERED]", "rb"),
    ("password", "[hidden]", "toml"),
    ("slack_token", "xoxb-****", "env"),
    ("slack_token", "xoxb-***-***-***", "md"),
    ("openai_api_key", "sk-...abcd", "md"),
    ("openai_api_key", "sk-proj-****************************wxyz", "json"),
    ("db_password", "<hidden>", "compose"),
    ("auth_token", "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", "yaml"),
    ("api_key", "*****", "go"),
    ("password", "(sensitive value)", "tf"),
    ("secret_key", "**redacted**", "py"),
    ("api_token", "••••••••", "js"),
    ("sendgrid_api_key", "SG.***", "env"),
    ("twilio_auth_token", "[MASKED]", "java"),
    ("client_secret", "*** (set in vault)", "webconfig"),
    ("npm_token", "npm_****", "sh"),
    ("gitlab_token", "glpat-********************", "docker"),
    ("database_url", "postgres://app:****@db.internal:5432/app", "env"),
    ("database_url", "postgresql://app:[REDACTED]@db:5432/prod", "yaml"),
    ("private_key", "-----BEGIN PRIVATE KEY-----\n[redacted]\n-----END PRIVATE KEY-----", "json"),
]

MASKED_FILES = [
    ("logs/http.log", "2024-06-01T10:00:01Z INFO request GET /v1/orders\n"
     "2024-06-01T10:00:01Z DEBUG headers: Authorization: Bearer ***\n"
     "2024-06-01T10:00:02Z DEBUG headers: X-Api-Key: ****\n"),
    ("logs/app.log", "[2024-06-01 10:00:00] connecting to db with user=app password=********\n"
     "[2024-06-01 10:00:01] token=[REDACTED] refreshed\n"),
    ("logs/deploy.log", "Run docker login -u ci -p *** ghcr.io\nLogin Succeeded\nenv: GITHUB_TOKEN=***\n"),
    ("ci-output.txt", "  AWS_ACCESS_KEY_ID: ***\n  AWS_SECRET_ACCESS_KEY: ***\n  NPM_TOKEN: ***\n"),
    ("logs/curl.log", "> GET /api HTTP/1.1\n> Host: api.example.org\n> Authorization: Basic ********\n"
     "> Cookie: session=<redacted>\n< HTTP/1.1 200 OK\n"),
    ("debug.json", json.dumps({"headers": {"authorization": "Bearer [REDACTED]", "x-api-key": "[REDACTED]"},
                               "body": {"password": "[FILTERED]"}}, indent=2) + "\n"),
    ("rails.log", 'Parameters: {"user"=>{"email"=>"a@b.org", "password"=>"[FILTERED]", '
     '"password_confirmation"=>"[FILTERED]"}, "authenticity_token"=>"[FILTERED]"}\n'),
    ("terraform-plan.txt", '  + resource "aws_db_instance" "db" {\n      + password = (sensitive value)\n'
     '      + username = "app"\n    }\n'),
    ("kubectl-describe.txt", "Name:         api-secrets\nType:  Opaque\n\nData\n====\napi_key:   40 bytes\npassword:  24 bytes\n"),
    ("docs/settings.md", "| Setting | Value |\n|---|---|\n| API key | `sk_live_…4242` |\n| Webhook secret | `whsec_••••` |\n"),
    ("support-ticket.md", "Customer pasted their key as `ghp_****************************1a2b` (rotated).\n"),
    ("screenshot-alt.html", '<input type="password" name="password" value="••••••••" disabled>\n'),
    ("audit.csv", "time,actor,action,detail\n2024-06-01,alice,rotate_key,old=AKIA****************\n"
     "2024-06-01,alice,set_secret,value=********\n"),
    ("env-dump.txt", "HOME=/root\nDB_PASSWORD=<masked>\nAPI_KEY=<masked>\nSTRIPE_SECRET_KEY=sk_live_<masked>\n"),
    ("pg.log", 'LOG:  statement: ALTER ROLE app WITH PASSWORD \'********\'\n'),
    ("nginx.conf", "    # proxy_set_header Authorization \"Bearer ****\";\n    proxy_set_header X-Api-Key \"$api_key\";\n"),
    ("ansible-output.txt", 'TASK [db : set password] ***\nok: [db1] => {"censored": "the output has been hidden due to the fact that '
     "'no_log: true' was specified for this result\"}\n"),
    ("heroku-config.txt", "=== shop-prod Config Vars\nDATABASE_URL:  postgres://u:****@ec2.compute.amazonaws.com:5432/d\n"
     "SECRET_KEY:    ***\n"),
    ("vercel-env.txt", " name                value      environments\n DATABASE_URL        Encrypted  Production\n"
     " STRIPE_SECRET_KEY   Encrypted  Production, Preview\n"),
    ("logs/gha.log", "##[group]Run ./deploy.sh\n  env:\n    API_TOKEN: ***\n    AWS_SECRET_ACCESS_KEY: ***\n##[endgroup]\n"),
    ("docs/rotation.md", "Old key `AKIA************EXMP` was disabled on 2024-05-01.\n"),
    ("logs/auth.log", "2024-06-01 10:00:00 issued token eyJhbGciOiJIUzI1NiIs... (truncated) for user 42\n"),
]


def gen_masked(m):
    return kv_negatives(MASKED) + list(MASKED_FILES)


# ---------------------------------------------------------------------------------------------------------
# Class 8: translated UI strings under credential-named keys


I18N_KEYS = ["password", "password_placeholder", "forgot_password", "confirm_password", "password_too_short",
             "token_expired", "invalid_token", "api_key_label", "api_key_help", "secret_question", "access_token",
             "client_secret"]

I18N = {
    "en": ["Password", "Enter your password", "Forgot your password?", "Confirm password",
           "Password must be at least 8 characters", "Your session token has expired. Please sign in again.",
           "Invalid or expired token", "API key", "Keep your API key secret. Do not share it.", "Secret question",
           "Access token", "Client secret"],
    "de": ["Passwort", "Passwort eingeben", "Passwort vergessen?", "Passwort bestätigen",
           "Das Passwort muss mindestens 8 Zeichen lang sein",
           "Ihr Sitzungstoken ist abgelaufen. Bitte melden Sie sich erneut an.", "Ungültiges oder abgelaufenes Token",
           "API-Schlüssel", "Halten Sie Ihren API-Schlüssel geheim. Geben Sie ihn nicht weiter.", "Geheimfrage",
           "Zugriffstoken", "Client-Geheimnis"],
    "fr": ["Mot de passe", "Saisissez votre mot de passe", "Mot de passe oublié ?", "Confirmer le mot de passe",
           "Le mot de passe doit contenir au moins 8 caractères",
           "Votre jeton de session a expiré. Veuillez vous reconnecter.", "Jeton invalide ou expiré", "Clé API",
           "Gardez votre clé API secrète. Ne la partagez pas.", "Question secrète", "Jeton d'accès", "Secret client"],
    "es": ["Contraseña", "Introduce tu contraseña", "¿Olvidaste tu contraseña?", "Confirmar contraseña",
           "La contraseña debe tener al menos 8 caracteres", "Tu token de sesión ha caducado. Vuelve a iniciar sesión.",
           "Token no válido o caducado", "Clave de API", "Mantén tu clave de API en secreto. No la compartas.",
           "Pregunta secreta", "Token de acceso", "Secreto de cliente"],
    "pt-BR": ["Senha", "Digite sua senha", "Esqueceu sua senha?", "Confirmar senha",
              "A senha deve ter pelo menos 8 caracteres", "Seu token de sessão expirou. Faça login novamente.",
              "Token inválido ou expirado", "Chave de API", "Mantenha sua chave de API em segredo. Não a compartilhe.",
              "Pergunta secreta", "Token de acesso", "Segredo do cliente"],
    "it": ["Password", "Inserisci la password", "Password dimenticata?", "Conferma password",
           "La password deve contenere almeno 8 caratteri", "Il token di sessione è scaduto. Accedi di nuovo.",
           "Token non valido o scaduto", "Chiave API", "Mantieni segreta la tua chiave API. Non condividerla.",
           "Domanda segreta", "Token di accesso", "Segreto client"],
    "nl": ["Wachtwoord", "Voer je wachtwoord in", "Wachtwoord vergeten?", "Wachtwoord bevestigen",
           "Het wachtwoord moet minstens 8 tekens bevatten", "Je sessietoken is verlopen. Log opnieuw in.",
           "Ongeldig of verlopen token", "API-sleutel", "Houd je API-sleutel geheim. Deel hem niet.", "Geheime vraag",
           "Toegangstoken", "Clientgeheim"],
    "pl": ["Hasło", "Wprowadź hasło", "Nie pamiętasz hasła?", "Potwierdź hasło", "Hasło musi mieć co najmniej 8 znaków",
           "Twój token sesji wygasł. Zaloguj się ponownie.", "Nieprawidłowy lub wygasły token", "Klucz API",
           "Zachowaj klucz API w tajemnicy. Nie udostępniaj go.", "Pytanie pomocnicze", "Token dostępu", "Sekret klienta"],
    "tr": ["Şifre", "Şifrenizi girin", "Şifrenizi mi unuttunuz?", "Şifreyi onaylayın", "Şifre en az 8 karakter olmalıdır",
           "Oturum belirtecinizin süresi doldu. Lütfen tekrar giriş yapın.", "Geçersiz veya süresi dolmuş belirteç",
           "API anahtarı", "API anahtarınızı gizli tutun. Kimseyle paylaşmayın.", "Gizli soru", "Erişim belirteci",
           "İstemci gizli anahtarı"],
    "id": ["Kata sandi", "Masukkan kata sandi Anda", "Lupa kata sandi?", "Konfirmasi kata sandi",
           "Kata sandi minimal 8 karakter", "Token sesi Anda telah kedaluwarsa. Silakan masuk kembali.",
           "Token tidak valid atau kedaluwarsa", "Kunci API", "Jaga kerahasiaan kunci API Anda. Jangan bagikan.",
           "Pertanyaan rahasia", "Token akses", "Rahasia klien"],
    "ja": ["パスワード", "パスワードを入力してください", "パスワードをお忘れですか？", "パスワード（確認）",
           "パスワードは8文字以上で入力してください", "セッショントークンの有効期限が切れました。もう一度ログインしてください。",
           "トークンが無効か期限切れです", "APIキー", "APIキーは秘密にしてください。共有しないでください。", "秘密の質問",
           "アクセストークン", "クライアントシークレット"],
}


def i18n_json(lang, pairs):
    return f"locales/{lang}.json", json.dumps({"auth": dict(pairs)}, indent=2, ensure_ascii=False) + "\n"


def i18n_yaml(lang, pairs):
    return f"config/locales/{lang}.yml", f"{lang}:\n  auth:\n" + "".join(f"    {k}: {yq(v)}\n" for k, v in pairs)


def i18n_po(lang, pairs):
    en = dict(zip(I18N_KEYS, I18N["en"]))
    head = f'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    body = "".join(f'#: templates/login.html\nmsgctxt "{k}"\nmsgid "{en[k]}"\nmsgstr "{v if lang != "en" else ""}"\n\n'
                   for k, v in pairs)
    return f"locale/{lang.replace('-', '_')}/LC_MESSAGES/messages.po", head + body


def i18n_properties(lang, pairs):
    esc = lambda v: "".join(c if ord(c) < 128 else f"\\u{ord(c):04x}" for c in v)
    return f"src/main/resources/messages_{lang.replace('-', '_')}.properties", \
        "".join(f"auth.{dotted(k)}={esc(v)}\n" for k, v in pairs)


def i18n_android(lang, pairs):
    esc = lambda v: v.replace("'", "\\'").replace("&", "&amp;")
    d = "values" if lang == "en" else f"values-{lang.replace('-', '-r')}"
    return f"app/src/main/res/{d}/strings.xml", '<?xml version="1.0" encoding="utf-8"?>\n<resources>\n' + "".join(
        f'    <string name="{k}">{esc(v)}</string>\n' for k, v in pairs) + "</resources>\n"


def i18n_ios(lang, pairs):
    return f"{lang}.lproj/Localizable.strings", "".join(f'"{k}" = "{v}";\n' for k, v in pairs)


I18N_FORMATS = [i18n_json, i18n_yaml, i18n_po, i18n_properties, i18n_android, i18n_ios]

UI_FILES = [
    ("templates/login.html", '<form method="post">\n  <label for="password">Password</label>\n'
     '  <input type="password" id="password" name="password" placeholder="Enter your password" '
     'autocomplete="current-password" required>\n  <a href="/forgot-password">Forgot password?</a>\n</form>\n'),
    ("src/LoginForm.jsx", "export function LoginForm() {\n  const [password, setPassword] = useState('');\n  return (\n"
     '    <input type="password" name="password" placeholder="Enter your password"\n'
     "      value={password} onChange={(e) => setPassword(e.target.value)} />\n  );\n}\n"),
    ("src/components/ApiKeyField.vue", '<template>\n  <label>API key</label>\n  <input v-model="apiKey" '
     'placeholder="Paste your API key (starts with sk_live_)" type="password" />\n</template>\n'),
    ("src/app/login.component.html", '<mat-form-field>\n  <mat-label>{{ "auth.password" | translate }}</mat-label>\n'
     '  <input matInput type="password" formControlName="password" placeholder="Password">\n</mat-form-field>\n'),
    ("lang/en/validation.php", "<?php\nreturn [\n    'password' => 'The provided password is incorrect.',\n"
     "    'current_password' => 'The password is incorrect.',\n    'confirmed' => 'The :attribute confirmation does not match.',\n];\n"),
    ("config/locales/devise.en.yml", "en:\n  devise:\n    mailer:\n      reset_password_instructions:\n"
     "        subject: \"Reset password instructions\"\n      password_change:\n        subject: \"Password Changed\"\n"
     "    failure:\n      invalid_token: \"Invalid authentication token.\"\n"),
    ("validators.py", 'PASSWORD_TOO_SHORT = "Password must be at least 8 characters."\n'
     'TOKEN_EXPIRED = "Your token has expired, request a new one."\nAPI_KEY_HELP = "Your secret key is shown only once."\n'),
    ("errors.go", 'package auth\n\nimport "errors"\n\nvar (\n\tErrInvalidToken = errors.New("invalid token")\n'
     '\tErrTokenExpired = errors.New("token expired")\n\tErrBadPassword  = errors.New("password does not match")\n)\n'),
    ("src/messages.ts", 'export const messages = {\n  apiKeyLabel: "API key",\n  secretKeyHint: "Your secret key starts with sk_live_",\n'
     '  passwordLabel: "Password",\n  tokenExpired: "Session expired",\n};\n'),
    ("src/schema.ts", 'export const LoginSchema = z.object({\n  password: z.string().min(8, { message: '
     '"Password must contain at least 8 characters" }),\n});\n'),
    ("docs/faq.md", "## How do I reset my password?\n\nClick **Forgot password?** on the sign-in page. Password reset "
     "tokens expire after one hour.\n\n## Where is my API key?\n\nUnder *Settings → API keys*.\n"),
]


def gen_i18n(m):
    out = []
    for lang, texts in I18N.items():
        pairs = list(zip(I18N_KEYS, texts))
        out += [fmt(lang, pairs) for fmt in I18N_FORMATS]
    return out + UI_FILES


# ---------------------------------------------------------------------------------------------------------
# Class 9: types, schemas, declarations


SCHEMA_FILES = [
    ("src/types.ts", "export interface Credentials {\n  username: string;\n  password: string;\n  apiKey?: string;\n}\n"),
    ("src/config.d.ts", "export type Config = {\n  secretKey: string;\n  token: string | null;\n  clientSecret: Secret<string>;\n};\n"),
    ("models.py", "from dataclasses import dataclass\nfrom typing import Optional\n\n\n@dataclass\nclass Login:\n"
     "    password: str\n    api_key: Optional[str] = None\n"),
    ("schemas.py", "class Settings(BaseSettings):\n    db_password: SecretStr\n    api_key: SecretStr = Field(..., min_length=32)\n"
     "    jwt_secret: str = Field(alias=\"JWT_SECRET\")\n"),
    ("config.go", "type Config struct {\n\tPassword string `json:\"password\" yaml:\"password\"`\n"
     "\tAPIKey   string `env:\"API_KEY,required\"`\n\tToken    string `mapstructure:\"token\"`\n}\n"),
    ("src/config.rs", "#[derive(Deserialize)]\npub struct Config {\n    pub password: String,\n"
     "    #[serde(rename = \"api_key\")]\n    pub api_key: Secret<String>,\n    pub token: Option<String>,\n}\n"),
    ("src/main/java/Credentials.java", "public class Credentials {\n    private String password;\n"
     "    @JsonProperty(\"client_secret\")\n    private String clientSecret;\n    private char[] apiKey;\n}\n"),
    ("Credentials.kt", "data class Credentials(\n    val username: String,\n    val password: String,\n    val apiToken: String? = null,\n)\n"),
    ("Models/LoginModel.cs", "public class LoginModel\n{\n    public string Password { get; set; }\n"
     "    [JsonPropertyName(\"api_key\")]\n    public string ApiKey { get; set; } = string.Empty;\n}\n"),
    ("db/schema.sql", "CREATE TABLE users (\n  id BIGSERIAL PRIMARY KEY,\n  password VARCHAR(255) NOT NULL,\n"
     "  api_key CHAR(64) UNIQUE,\n  reset_token TEXT\n);\n"),
    ("db/migrate/20240101000000_devise_create_users.rb", "create_table :users do |t|\n"
     "  t.string :encrypted_password, null: false, default: \"\"\n  t.string :reset_password_token\n"
     "  t.string :api_key, limit: 40\nend\n"),
    ("accounts/models.py", "class ApiClient(models.Model):\n    password = models.CharField(max_length=128)\n"
     "    api_key = models.CharField(max_length=40, unique=True)\n    secret = models.BinaryField()\n"),
    ("db/models.py", "class User(Base):\n    __tablename__ = \"users\"\n    password_hash = Column(String(128), nullable=False)\n"
     "    api_token = Column(String(64), index=True)\n"),
    ("prisma/schema.prisma", "model User {\n  id       Int    @id @default(autoincrement())\n  password String\n"
     "  apiKey   String @unique\n}\n"),
    ("schema.graphql", "input LoginInput {\n  email: String!\n  password: String!\n}\n\ntype ApiKey {\n  id: ID!\n"
     "  secret: String!\n  token: String\n}\n"),
    ("proto/auth.proto", "syntax = \"proto3\";\n\nmessage LoginRequest {\n  string username = 1;\n  string password = 2;\n"
     "  string api_key = 3;\n}\n"),
    ("openapi.yaml", "components:\n  schemas:\n    Login:\n      type: object\n      properties:\n        password:\n"
     "          type: string\n          format: password\n  securitySchemes:\n    ApiKeyAuth:\n      type: apiKey\n"
     "      in: header\n      name: X-API-Key\n"),
    ("swagger.json", json.dumps({"definitions": {"Token": {"type": "object", "properties": {
        "access_token": {"type": "string"}, "refresh_token": {"type": "string"}, "expires_in": {"type": "integer"}}}},
        "securityDefinitions": {"api_key": {"type": "apiKey", "name": "api_key", "in": "header"}}}, indent=2) + "\n"),
    ("config.schema.json", json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", "properties": {
        "password": {"type": "string", "minLength": 8}, "apiKey": {"type": "string",
        "pattern": "^sk_(live|test)_[A-Za-z0-9]{24}$"}, "secret": {"type": "string", "writeOnly": True}}}, indent=2) + "\n"),
    ("user.avsc", json.dumps({"type": "record", "name": "User", "fields": [{"name": "password", "type": "string"},
                              {"name": "api_key", "type": ["null", "string"]}]}, indent=2) + "\n"),
    ("variables.tf", 'variable "db_password" {\n  type        = string\n  sensitive   = true\n  description = "Master password"\n}\n'),
    ("values.schema.json", json.dumps({"properties": {"auth": {"properties": {"password": {"type": "string"},
                                       "existingSecret": {"type": "string"}}}}}, indent=2) + "\n"),
    ("roles/db/meta/argument_specs.yml", "argument_specs:\n  main:\n    options:\n      db_password:\n"
     "        type: str\n        no_log: true\n        required: true\n"),
    ("crd.yaml", "openAPIV3Schema:\n  properties:\n    spec:\n      properties:\n        apiKey:\n          type: string\n"
     "        secretRef:\n          type: string\n"),
    ("models/user.js", "const UserSchema = new Schema({\n  email: { type: String, required: true },\n"
     "  password: { type: String, required: true, select: false },\n  apiKey: { type: String, index: true },\n});\n"),
    ("validation.js", "const schema = Joi.object({\n  password: Joi.string().min(8).required(),\n"
     "  token: Joi.string().hex().length(64),\n});\n"),
    ("forms.ts", "const schema = yup.object({\n  password: yup.string().required('Password is required'),\n"
     "  apiKey: yup.string().length(32),\n});\n"),
    ("app/Models/User.php", "class User extends Model\n{\n    private string $password;\n"
     "    protected $hidden = ['password', 'remember_token'];\n    protected $casts = ['api_key' => 'encrypted'];\n}\n"),
    ("Sources/Credentials.swift", "struct Credentials: Codable {\n    let username: String\n    let password: String\n"
     "    var apiToken: String?\n}\n"),
    ("lib/accounts/user.ex", "schema \"users\" do\n  field :password, :string, virtual: true\n"
     "  field :password_hash, :string\n  field :api_token, :string\nend\n"),
    ("forms/login.json", json.dumps([{"name": "email", "type": "email"}, {"name": "password", "type": "password",
                                     "label": "Password", "required": True}], indent=2) + "\n"),
    ("forms.py", "class LoginForm(FlaskForm):\n    password = PasswordField(\"Password\", validators=[DataRequired()])\n"
     "    api_key = StringField(\"API key\")\n"),
    ("cmd/flags.go", 'var (\n\tapiKey   = flag.String("api-key", "", "API key for the service")\n'
     '\tpassword = flag.String("password", "", "database password")\n)\n'),
    ("cli.py", 'parser.add_argument("--password", help="database password")\n'
     'parser.add_argument("--token", default=None, help="GitHub token (default: $GITHUB_TOKEN)")\n'),
    ("docs/cli.md", "```\nOptions:\n  --token TOKEN        GitHub token (default: $GITHUB_TOKEN)\n"
     "  --api-key KEY        API key\n  --password PASSWORD  database password\n```\n"),
    ("schema.xsd", '<xs:complexType name="Login">\n  <xs:sequence>\n    <xs:element name="password" type="xs:string"/>\n'
     '    <xs:element name="apiKey" type="xs:string" minOccurs="0"/>\n  </xs:sequence>\n</xs:complexType>\n'),
    ("auth.thrift", "struct LoginRequest {\n  1: required string username\n  2: required string password\n"
     "  3: optional string api_key\n}\n"),
    ("include/auth.h", "struct credentials {\n    char username[64];\n    char password[128];\n    const char *api_key;\n};\n"),
    ("policy.hcl", 'path "secret/data/app/*" {\n  capabilities = ["read"]\n}\n\npath "auth/token/create" {\n'
     '  capabilities = ["update"]\n}\n'),
    ("queries.graphql", "mutation Login($email: String!, $password: String!) {\n  login(email: $email, password: $password) {\n"
     "    token\n    refreshToken\n  }\n}\n"),
    ("queries.sql", "SELECT id FROM users\nWHERE api_key = $1\n  AND password_hash = crypt($2, password_hash);\n"),
    ("src/api.ts", "export async function login(username: string, password: string): Promise<{ token: string }> {\n"
     "  return post('/login', { username, password });\n}\n"),
    ("store.py", "def set_password(self, password: str) -> None:\n    self.password_hash = hasher.hash(password)\n\n"
     "def check_token(token: bytes, secret: bytes) -> bool:\n    return hmac.compare_digest(token, sign(secret))\n"),
    ("Auth.java", "public interface TokenService {\n    String issue(User user, Duration ttl);\n"
     "    boolean verify(String token, String secretKey);\n}\n"),
    ("secret.rs", "pub fn derive_key(password: &[u8], salt: &[u8]) -> [u8; 32] {\n    let mut key = [0u8; 32];\n"
     "    pbkdf2_hmac::<Sha256>(password, salt, 600_000, &mut key);\n    key\n}\n"),
    ("types.py", "Password = NewType(\"Password\", str)\nApiKey = Annotated[str, Field(min_length=32, max_length=64)]\n"
     "TokenPair = tuple[str, str]\n"),
    ("k8s/crd-secretstore.yaml", "spec:\n  provider:\n    aws:\n      auth:\n        secretRef:\n"
     "          accessKeyIDSecretRef:\n            name: awssm-secret\n            key: access-key\n"
     "          secretAccessKeySecretRef:\n            name: awssm-secret\n            key: secret-access-key\n"),
    ("docs/api.md", "| Field | Type | Description |\n|---|---|---|\n| `password` | string | The user's password |\n"
     "| `api_key` | string | 40-character API key |\n| `client_secret` | string | OAuth client secret |\n"),
    ("admin.py", "class UserAdmin(admin.ModelAdmin):\n    exclude = (\"password\", \"api_key\")\n"
     "    readonly_fields = (\"token_created_at\",)\n"),
    ("serializers.py", "class RegisterSerializer(serializers.Serializer):\n"
     "    password = serializers.CharField(write_only=True, min_length=8)\n    token = serializers.CharField(read_only=True)\n"),
    ("mapping.json", json.dumps({"mappings": {"properties": {"password": {"type": "keyword", "index": False},
                                 "api_key": {"type": "keyword"}}}}, indent=2) + "\n"),
    ("openapi-security.yaml", "components:\n  securitySchemes:\n    bearerAuth:\n      type: http\n      scheme: bearer\n"
     "      bearerFormat: JWT\nsecurity:\n  - bearerAuth: []\n"),
    ("src/tokens.ts", 'export enum TokenType {\n  Access = "access_token",\n  Refresh = "refresh_token",\n'
     '  Id = "id_token",\n}\n'),
    ("constants.py", 'PASSWORD_FIELD = "password"\nAPI_KEY_HEADER = "X-API-Key"\nTOKEN_PREFIX = "Bearer "\n'
     'SECRET_KEY_SETTING = "SECRET_KEY"\n'),
    ("Constants.java", 'public static final String PASSWORD_PARAM = "password";\n'
     'public static final String ACCESS_TOKEN_KEY = "access_token";\npublic static final int TOKEN_LENGTH = 32;\n'),
]


def gen_schemas(m):
    return list(SCHEMA_FILES)


# ---------------------------------------------------------------------------------------------------------
# Class 10: empty, boolean, numeric and computed values


RAW_FRAMES = {
    "env": (".env", "APP_ENV=development\n{line}\nPORT=8080\n"),
    "yaml": ("config.yaml", "auth:\n{line}\n  issuer: https://id.example.org\n"),
    "json": ("settings.json", '{{\n  "service": "billing",\n{line}\n  "port": 8080\n}}\n'),
    "props": ("app.properties", "server.port=8080\n{line}\n"),
    "ini": ("settings.ini", "[database]\nhost = localhost\n{line}\n"),
    "toml": ("config.toml", "[auth]\n{line}\n"),
    "py": ("app.py", "def handler(request):\n{line}\n    return login(request.user, password)\n"),
    "js": ("index.js", "async function handler(req, res) {{\n{line}\n  res.json({{ ok: true }});\n}}\n"),
    "go": ("main.go", "func handler(w http.ResponseWriter, r *http.Request) {{\n{line}\n\t_ = w\n}}\n"),
    "java": ("App.java", "public class App {{\n    void login(User user) {{\n{line}\n    }}\n}}\n"),
    "rb": ("app/controllers/sessions_controller.rb", "def create\n{line}\nend\n"),
    "php": ("login.php", "<?php\n{line}\n"),
    "tf": ("main.tf", 'resource "aws_db_instance" "db" {{\n{line}\n}}\n'),
    "sh": ("run.sh", "#!/bin/sh\n{line}\n./server\n"),
    "cs": ("Program.cs", "public void Login(LoginModel model)\n{{\n{line}\n}}\n"),
    "rs": ("src/main.rs", "fn main() {{\n{line}\n}}\n"),
    "compose": ("docker-compose.yml", "services:\n  db:\n    environment:\n{line}\n"),
}

RAW_LINES = [
    ("env", "PASSWORD="), ("env", "API_KEY="), ("env", 'SECRET_KEY=""'), ("env", "TOKEN=''"),
    ("env", "AWS_SECRET_ACCESS_KEY="), ("env", "USE_API_KEY=false"), ("env", "TOKEN_TTL_SECONDS=3600"),
    ("yaml", "  token: null"), ("yaml", "  secret: false"), ("yaml", '  api_key: ""'), ("yaml", "  password: ~"),
    ("yaml", "  client_secret:"), ("yaml", "  password_min_length: 12"), ("yaml", "  token_ttl: 3600"),
    ("yaml", "  enable_api_key: true"), ("yaml", "  secret_rotation_days: 90"), ("yaml", "  private_key: []"),
    ("json", '  "api_key": "",'), ("json", '  "password": null,'), ("json", '  "secret": false,'),
    ("json", '  "token_expiry": 86400,'), ("json", '  "requireApiKey": true,'),
    ("props", "spring.datasource.password="), ("props", "app.jwt.secret="),
    ("props", "security.token.validity-seconds=3600"), ("props", "app.api-key.enabled=false"),
    ("ini", "password ="), ("ini", "api_key = none"), ("ini", "key_size = 2048"),
    ("toml", 'api_key = ""'), ("toml", "timeout_key = 30"), ("toml", "secret = false"), ("toml", "token_limit = 1000"),
    ("py", '    password = password'), ("py", "    token = get_token()"), ("py", "    secret_key = None"),
    ("py", '    password = request.form["password"]'), ("py", "    api_key = args.api_key"),
    ("py", "    password = getpass.getpass()"), ("py", "    secret = secrets.token_hex(32)"),
    ("py", '    token = jwt.encode(payload, signing_key, algorithm="HS256")'), ("py", "    client_secret = ''"),
    ("js", "  const password = req.body.password;"), ("js", "  const token = await getToken();"),
    ("js", "  let apiKey = '';"), ("js", "  const accessToken = response.data.access_token;"),
    ("js", "  const token = localStorage.getItem('token');"), ("js", "  const secret = undefined;"),
    ("go", '\tpassword := r.FormValue("password")'), ("go", "\ttoken, err := auth.NewToken(r.Context())"),
    ("go", '\tapiKey := ""'), ("go", "\tsecret := cfg.Secret"),
    ("java", "        String password = user.getPassword();"), ("java", "        String token = tokenService.issue(user);"),
    ("java", "        String apiKey = null;"), ("java", "        char[] password = System.console().readPassword();"),
    ("rb", "  password = params[:password]"), ("rb", "  token = SecureRandom.hex(32)"), ("rb", "  api_key = nil"),
    ("php", "$password = $request->input('password');"), ("php", "$token = bin2hex(random_bytes(32));"),
    ("php", "$apiKey = null;"),
    ("tf", "  password = random_password.db.result"), ("tf", "  password = null"), ("tf", '  password = ""'),
    ("sh", 'PASSWORD="$(cat /run/secrets/db_password)"'), ("sh", 'TOKEN="$1"'), ("sh", "read -rs PASSWORD"),
    ("cs", "    var password = model.Password;"), ("cs", "    string apiKey = string.Empty;"),
    ("rs", "    let password = String::new();"), ("rs", "    let token = generate_token(&mut rng);"),
    ("compose", "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}"), ("compose", "      POSTGRES_HOST_AUTH_METHOD: trust"),
]


def gen_empty(m):
    out = []
    for fmt, line in RAW_LINES:
        name, frame = RAW_FRAMES[fmt]
        out.append((name, frame.format(line=line)))
    return out


# ---------------------------------------------------------------------------------------------------------
# Class table and the scan


CLASSES = [
    ("placeholders", "placeholders and templates under credential-named keys", gen_placeholders),
    ("vendor-examples", "example keys published in vendor documentation", gen_vendor_examples),
    ("hashes", "hashes, checksums, digests, commit SHAs, UUIDs, password hashes", gen_hashes),
    ("public-keys", "SSH/PEM/PGP public keys, certificates, JWKs, publishable keys, age recipients", gen_public_keys),
    ("encrypted", "sops, SealedSecret, Ansible Vault, Travis secure, Jasypt, eyaml, KMS ciphertexts", gen_encrypted),
    ("references", "references to secret stores, CI secrets and environment variables", gen_references),
    ("masked", "masked and redacted values, log lines", gen_masked),
    ("i18n", "translated UI strings, form placeholders, validation messages", gen_i18n),
    ("schemas", "types, schemas, declarations, signatures", gen_schemas),
    ("empty", "empty, boolean, numeric and computed values", gen_empty),
]


def generate(m, selected):
    """[(class, relpath, content)] for the selected classes."""
    out = []
    for name, _, gen in CLASSES:
        if selected and name not in selected:
            continue
        for rel, content in gen(m):
            out.append((name, rel, content))
    return out


def clear_previous(work):
    """Remove the nNNNN/ dirs of an earlier run in DIR; refuse a non-empty DIR that is not one."""
    names = os.listdir(work)
    if not names:
        return
    if "MANIFEST.tsv" not in names:
        sys.exit(f"hard-negatives: {work} is not empty and holds no MANIFEST.tsv; use an empty or new --out DIR")
    for name in names:
        if re.fullmatch(r"n\d{4}", name):
            shutil.rmtree(os.path.join(work, name))


def write_negatives(work, items):
    with open(os.path.join(work, "MANIFEST.tsv"), "w", encoding="utf-8") as mf:
        for i, (cls, rel, content) in enumerate(items):
            d = f"n{i:04d}"
            path = os.path.join(work, d, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(content)
            mf.write(f"{d}/{rel}\t{cls}\n")


def scan(bin_, work, extra):
    cmd = [bin_, "scan", work, "-f", "jsonl", "-q", "--no-ignore", "--all-files"] + extra
    proc = subprocess.run(cmd, capture_output=True)
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        sys.exit(f"hard-negatives: keyhound exited {proc.returncode}")
    findings = []
    for line in proc.stdout.decode("utf-8", errors="replace").splitlines():
        line = line.strip()
        if line.startswith("{"):
            findings.append(json.loads(line))
    return findings


def shorten(text, n=120):
    text = str(text).replace("\n", "\\n").replace("\t", "\\t")
    return text if len(text) <= n else text[:n] + "..."


def report(items, findings, work):
    per_file = defaultdict(list)
    for f in findings:
        rel = os.path.relpath(os.path.abspath(f.get("path") or ""), os.path.abspath(work))
        top = rel.split(os.sep)[0]
        per_file[top].append((rel, f))
    total = defaultdict(int)
    hit = defaultdict(int)
    for i, (cls, _, _) in enumerate(items):
        total[cls] += 1
        if f"n{i:04d}" in per_file:
            hit[cls] += 1
    order = [c for c, _, _ in CLASSES if c in total]
    print(f"{'class':<16} {'negatives':>9} {'hit':>5} {'rate':>7}")
    for c in order:
        print(f"{c:<16} {total[c]:>9} {hit[c]:>5} {hit[c] / total[c]:>7.2%}")
    all_hit, all_total = sum(hit.values()), sum(total.values())
    print(f"{'overall':<16} {all_total:>9} {all_hit:>5} {all_hit / all_total:>7.2%}")
    print()
    hits = sorted(
        ((rel, f) for top, fs in per_file.items() if is_negative(top, items) for rel, f in fs),
        key=lambda h: (h[0], h[1].get("line") or 0),
    )
    print(f"== hits: {len(hits)} findings in {all_hit} files")
    for rel, f in hits:
        cls = items[int(rel.split(os.sep)[0][1:])][0]
        print(f"  [{cls}] {rel}:{f.get('line')}\t{f.get('rule_id')}\t{f.get('confidence')}\t{shorten(f.get('snippet'))}")
        src = source_line(os.path.join(work, rel), f.get("line"))
        if src is not None:
            print(f"      > {shorten(src, 160)}")


def source_line(path, line):
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
        return lines[int(line) - 1]
    except (OSError, ValueError, TypeError, IndexError):
        return None


def is_negative(top, items):
    return re.fullmatch(r"n\d{4}", top) is not None and int(top[1:]) < len(items)


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1 :]
    ap = argparse.ArgumentParser(description="keyhound false-positive rate on generated hard negatives")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    ap.add_argument("--classes", help="comma-separated class names (default all)")
    ap.add_argument("--list", action="store_true", help="list the classes and exit")
    args = ap.parse_args(argv)

    if args.list:
        for name, desc, _ in CLASSES:
            print(f"{name:<16} {desc}")
        return
    selected = set(filter(None, (args.classes or "").split(",")))
    unknown = selected - {c for c, _, _ in CLASSES}
    if unknown:
        sys.exit(f"hard-negatives: unknown class(es): {', '.join(sorted(unknown))} (see --list)")
    bin_ = os.environ.get("KH_BIN") or os.path.join(HERE, "target", "release", "keyhound")
    if not os.path.exists(bin_):
        sys.exit(f"hard-negatives: no keyhound binary at {bin_} (build it or set KH_BIN)")

    items = generate(Material(args.seed), selected)
    tmp = None
    if args.out:
        work = args.out
        os.makedirs(work, exist_ok=True)
        clear_previous(work)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="kh-hardneg-")
        work = tmp.name
    try:
        write_negatives(work, items)
        findings = scan(bin_, work, extra)
        print(f"keyhound {' '.join(extra) or '(default flags)'}; seed {args.seed}; {len(items)} negatives in {work}")
        report(items, findings, work)
    except BrokenPipeError:  # output piped into head
        sys.stderr.close()
    finally:
        if tmp:
            tmp.cleanup()


if __name__ == "__main__":
    main()
