#!/usr/bin/env bash
# The README's 60-second quickstart, runnable: build and install sops-rs, make an age key,
# encrypt a sample file and decrypt it again.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v age-keygen >/dev/null || "$repo/scripts/install-test-deps.sh" >/dev/null
if [ -n "${QUICKSTART_BIN_DIR:-}" ]; then
  # An sops-rs installed another way (the wheel test passes the venv's bin directory).
  echo "quickstart: using $QUICKSTART_BIN_DIR/sops-rs"
  export PATH="$QUICKSTART_BIN_DIR:$PATH"
else
  # CI passes QUICKSTART_INSTALL_FLAGS=--debug to reuse the test build instead of a second,
  # optimised build of every dependency; users run the README's plain `cargo install`.
  echo "quickstart: building and installing sops-rs with cargo install (cargo prints its progress;"
  echo "quickstart: a cold optimised build takes about 5 minutes on 2 cores, see the README)"
  # shellcheck disable=SC2086
  cargo install --locked ${QUICKSTART_INSTALL_FLAGS:-} --path "$repo" --root "$work/install" \
      --target-dir "${CARGO_TARGET_DIR:-$repo/target}"
  export PATH="$work/install/bin:$PATH"
fi
echo "quickstart: making an age key, encrypting secrets.yaml and decrypting it again in $work"
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
