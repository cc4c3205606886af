#!/usr/bin/env bash
# Cross-compiles sops-rs for Windows (x86_64-pc-windows-gnu, with Debian's mingw-w64) and runs a
# smoke test of the .exe under Wine: --version, a file the real sops wrote, an age round trip of YAML and JSON (the files
# written on "Windows" are also decrypted by the real sops on Linux), -i in place, set, edit with
# an editor command, exec-env and exec-file through cmd.exe, SOPS_AGE_KEY_CMD, and the exit code of
# a decryption without the key. No temporary file may be left beside the files. Then the unit
# tests of the Windows write path and lock, run by Wine.
#
#   scripts/windows-smoke.sh [--release] [--lean]
#
# --release builds the release profile (what the release workflow ships; slower), --lean the lean
# feature set. Needs mingw-w64, wine and the Windows target of rustup: scripts/install-test-deps.sh
# installs them (with SOPS_RS_WINDOWS=1). The build uses its own directory under target/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=x86_64-pc-windows-gnu
profile=dev
features=()
for arg in "$@"; do
  case "$arg" in
    --release) profile=release ;;
    --lean) features=(--no-default-features --features lean) ;;
    *) echo "usage: $0 [--release] [--lean]" >&2; exit 2 ;;
  esac
done
missing=()
command -v x86_64-w64-mingw32-gcc >/dev/null || missing+=(gcc-mingw-w64-x86-64)
wine=$(command -v wine64 || command -v wine || echo /usr/lib/wine/wine64)
[ -x "$wine" ] || missing+=(wine64)
rustup target list --installed 2>/dev/null | grep -qx "$target" || missing+=("rustup target $target")
if [ ${#missing[@]} -gt 0 ]; then
  echo "windows-smoke: missing ${missing[*]}: run SOPS_RS_WINDOWS=1 scripts/install-test-deps.sh" >&2
  exit 1
fi

cd "$root"
started=$(date +%s)
cargo build --locked --profile "$profile" --target "$target" "${features[@]}" --bin sops-rs
dir=$([ "$profile" = dev ] && echo debug || echo "$profile")
exe="${CARGO_TARGET_DIR:-$root/target}/$target/$dir/sops-rs.exe"
echo "windows-smoke: built $exe in $(( $(date +%s) - started )) s"

work=$(mktemp -d)
export WINEPREFIX="$work/prefix" WINEDEBUG=-all
cleanup() {
  "$(dirname "$wine")/wineserver" -k 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
"$wine" wineboot -i >/dev/null 2>&1
# Rust's std (1.78 and later) draws its random numbers from ProcessPrng in bcryptprimitives.dll,
# which Windows 10 and later have and Wine before 9 does not (Debian 12 has Wine 8). For such a
# Wine, a stand-in DLL built here from RtlGenRandom goes into the prefix; a real Windows never
# sees it.
system32="$WINEPREFIX/drive_c/windows/system32"
if ! [ -e "$system32/bcryptprimitives.dll" ]; then
  cat > "$work/bcryptprimitives.c" <<'C'
#include <windows.h>
#include <ntsecapi.h>
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
C
  printf 'LIBRARY bcryptprimitives\nEXPORTS\n    ProcessPrng\n' > "$work/bcryptprimitives.def"
  x86_64-w64-mingw32-gcc -O2 -shared -o "$system32/bcryptprimitives.dll" \
    "$work/bcryptprimitives.c" "$work/bcryptprimitives.def" -ladvapi32
  echo "windows-smoke: this Wine has no bcryptprimitives.dll; a ProcessPrng stand-in was added"
fi
mkdir "$work/files"
cp "$exe" "$work/files/sops-rs.exe"
cd "$work/files"

# The Windows name Wine gives a Unix path (its Z: drive).
winepath_of() { printf 'Z:%s' "${1//\//\\}"; }
fail() { echo "windows-smoke: FAILED: $*" >&2; exit 1; }
# Runs the .exe under Wine with the output's CRLF turned into LF.
win() { "$wine" ./sops-rs.exe "$@" | tr -d '\r'; }

age-keygen -o keys.txt 2>/dev/null
recipient=$(age-keygen -y keys.txt)
# A relative path: Wine's processes see this directory as their current one.
export SOPS_AGE_KEY_FILE=keys.txt
printf 'password: hunter2\nnested:\n    list:\n        - 1\n        - two\n' > plain.yaml
printf '{\n\t"token": "abc",\n\t"n": 3\n}\n' > plain.json

win --version | grep -q '^sops-rs ' || fail "--version"
echo "ok --version: $(win --version | head -1)"

# A file the real sops 3.12.2 wrote (fixtures/), decrypted as sops decrypted it.
cp "$root/fixtures/sops-3.12.2/types.yaml" fixture.yaml
SOPS_AGE_KEY_FILE="$(winepath_of "$root/fixtures/sops-3.12.2/keys/age1.txt")" win decrypt fixture.yaml \
  | cmp -s - "$root/fixtures/sops-3.12.2/types.yaml.sops-decrypted" || fail "decrypting sops's fixture"
echo "ok decrypt a file the real sops wrote"

for format in yaml json; do
  win encrypt --age "$recipient" "plain.$format" > "enc.$format"
  grep -q 'ENC\[AES256_GCM' "enc.$format" || fail "encrypt $format"
  win decrypt "enc.$format" > "round.$format"
  cmp -s "plain.$format" "round.$format" || fail "decrypt $format: the round trip changed the file"
  "$root/.tools/bin/sops" decrypt "enc.$format" > "sops.$format" \
    || fail "the real sops cannot decrypt the $format file written on Windows"
  cmp -s "plain.$format" "sops.$format" || fail "the real sops decrypts the $format file differently"
  echo "ok encrypt/decrypt $format (and the real sops decrypts it)"
done

cp plain.json inplace.json
win encrypt -i --age "$recipient" inplace.json
grep -q 'ENC\[AES256_GCM' inplace.json || fail "encrypt -i"
win set inplace.json '["token"]' '"changed"'
win decrypt -i inplace.json
grep -q '"token": "changed"' inplace.json || fail "set, then decrypt -i"
echo "ok encrypt -i, set, decrypt -i"

# The editor is a command that copies the new text over the file it is given.
printf 'password: edited\n' > new.yaml
cp enc.yaml edited.yaml
EDITOR='cmd /C copy /Y new.yaml' win edit edited.yaml > /dev/null
[ "$(win decrypt --extract '["password"]' edited.yaml)" = edited ] || fail "edit"
echo "ok edit (editor command run, file replaced)"

printf 'password: hunter2\n' > env.yaml
win encrypt --age "$recipient" env.yaml > env.enc.yaml
[ "$(win exec-env env.enc.yaml 'echo %password%')" = hunter2 ] || fail "exec-env"
echo "ok exec-env through cmd.exe"
win exec-file enc.yaml 'type {}' > exec-file.out
cmp -s plain.yaml exec-file.out || fail "exec-file"
echo "ok exec-file (a temporary file)"

unset SOPS_AGE_KEY_FILE
[ "$(SOPS_AGE_KEY_CMD='cmd /C type keys.txt' win decrypt --extract '["password"]' enc.yaml)" = hunter2 ] \
  || fail "SOPS_AGE_KEY_CMD"
echo "ok SOPS_AGE_KEY_CMD through cmd.exe"

# The audit log: appended under the Windows file lock (two processes at once), then verified.
export SOPS_RS_AUDIT_LOG=audit.jsonl SOPS_AGE_KEY_FILE=keys.txt
win decrypt enc.yaml > /dev/null & win decrypt enc.json > /dev/null & wait
unset SOPS_RS_AUDIT_LOG SOPS_AGE_KEY_FILE
verified=$(win audit verify audit.jsonl) || fail "audit verify: $verified"
grep -q ': ok, ' <<<"$verified" || fail "audit verify: $verified"
echo "ok audit log written by two processes at once: $verified"

set +e
win decrypt enc.yaml > /dev/null 2>&1
code=$?
set -e
[ "$code" = 128 ] || fail "decrypt without the key exited $code, not 128"
echo "ok decrypt without the key exits 128"

leftover=$(ls -A | grep -e '\.tmp$' -e '^\.sops-rs' || true)
[ -z "$leftover" ] || fail "temporary files left: $leftover"

# The unit tests of the Windows write path and update lock (src/io/*_windows.rs), run by Wine.
(cd "$root" && CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$wine" \
  cargo test --locked --profile "$profile" --target "$target" "${features[@]}" --lib io::)
echo "windows-smoke: all passed ($(( $(date +%s) - started )) s in all)"
