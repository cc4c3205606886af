#!/usr/bin/env bash
# The README's 60-second quickstart, runnable: build and install sops-rs, make an age key,
# encrypt a sample file and decrypt it again.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v age-keygen >/dev/null || "$repo/scripts/install-test-deps.sh" >/dev/null
# CI passes QUICKSTART_INSTALL_FLAGS=--debug to reuse the test build instead of a second,
# optimised build of every dependency; users run the README's plain `cargo install`.
# shellcheck disable=SC2086
cargo install --quiet --locked ${QUICKSTART_INSTALL_FLAGS:-} --path "$repo" --root "$work/install" \
    --target-dir "${CARGO_TARGET_DIR:-$repo/target}"
export PATH="$work/install/bin:$PATH"
cd "$work"

age-keygen -o key.txt 2>/dev/null
recipient=$(grep -o 'age1[a-z0-9]*' key.txt)
cat > secrets.yaml <<'YAML'
db:
    user: admin
    password: hunter2
api_token: abc123
YAML
sops-rs encrypt --age "$recipient" secrets.yaml > secrets.enc.yaml
grep -q 'password: ENC\[AES256_GCM' secrets.enc.yaml
SOPS_AGE_KEY_FILE=key.txt sops-rs decrypt secrets.enc.yaml > decrypted.yaml
diff secrets.yaml decrypted.yaml
echo "quickstart: encrypted and decrypted secrets.yaml with sops-rs $(sops-rs --version | cut -d' ' -f2)"
