#!/usr/bin/env bash
# Supply-chain checks with cargo-deny (configuration: deny.toml): licences, banned crates and
# sources always; RustSec advisories and yanked crates when the advisory database on github.com
# can be fetched. Where it cannot, this says so loudly instead of passing silently.
# Installs cargo-deny into .tools/ (ignored by git) when missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
version=0.20.2
deny="$tools/bin/cargo-deny"
if ! [ -x "$deny" ] || [ "$("$deny" --version | awk '{print $2}')" != "$version" ]; then
  echo "deny: installing cargo-deny $version into $tools" >&2
  cargo install cargo-deny --version "$version" --locked --root "$tools" --quiet
fi
cd "$root"
"$deny" check licenses bans sources
if timeout 20 git ls-remote https://github.com/rustsec/advisory-db HEAD >/dev/null 2>&1; then
  "$deny" check advisories
else
  echo "deny: ADVISORIES NOT CHECKED: github.com/rustsec/advisory-db is unreachable from this machine" >&2
fi
