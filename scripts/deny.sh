#!/usr/bin/env bash
# Supply-chain checks with cargo-deny (configuration: deny.toml): licences, banned crates and
# sources, then RustSec advisories and yanked crates. Advisories come from the RustSec database
# on github.com where it can be reached, else from the snapshot of it beside the clone
# ($SOPS_RS_ADVISORY_DB, default ../shared/advisory-db, dated in its SNAPSHOT file); the script
# says which, and how old a snapshot is. With neither, it fails.
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

network=https://github.com/rustsec/advisory-db
snapshot=${SOPS_RS_ADVISORY_DB:-$root/../shared/advisory-db}
if timeout 20 git ls-remote "$network" HEAD >/dev/null 2>&1; then
  echo "deny: advisories from the network database ($network)" >&2
  "$deny" check advisories
  exit
fi
if ! [ -f "$snapshot/SNAPSHOT" ]; then
  echo "deny: ADVISORIES NOT CHECKED: $network is unreachable and there is no snapshot at $snapshot (set SOPS_RS_ADVISORY_DB)" >&2
  exit 1
fi
field() { sed -n "s/^$1: *//p" "$snapshot/SNAPSHOT"; }
committed=$(field committed)
age_days=$(( ($(date +%s) - $(date -d "$committed" +%s)) / 86400 ))
echo "deny: $network is unreachable; advisories from the snapshot at $snapshot (commit $(field commit), committed $committed, $age_days days old)" >&2
if [ "$age_days" -gt 90 ]; then
  echo "deny: WARNING: the snapshot is more than 90 days old: advisories published since are not checked" >&2
fi
# cargo-deny reads a database as a git clone of its URL: the snapshot becomes a local repository
# (one commit, dated as the snapshot), git is told to clone that instead of the URL, and the
# clone goes to a private db-path, so nothing is fetched and the user's own clone is untouched.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$snapshot" "$work/advisory-db"
chmod -R u+w "$work/advisory-db"
(
  cd "$work/advisory-db"
  export GIT_AUTHOR_NAME=snapshot GIT_AUTHOR_EMAIL=snapshot@localhost
  export GIT_COMMITTER_NAME=snapshot GIT_COMMITTER_EMAIL=snapshot@localhost
  export GIT_AUTHOR_DATE="${committed}T00:00:00Z" GIT_COMMITTER_DATE="${committed}T00:00:00Z"
  git init -q -b main
  git add -A
  git -c commit.gpgsign=false commit -q -m "RustSec advisory-db snapshot $(field commit)"
)
sed "s|^\[advisories\]$|[advisories]\ndb-path = \"$work/dbs\"|" deny.toml > "$work/deny.toml"
GIT_CONFIG_COUNT=1 \
  GIT_CONFIG_KEY_0="url.file://$work/advisory-db.insteadOf" \
  GIT_CONFIG_VALUE_0=https://github.com/RustSec/advisory-db \
  "$deny" --config "$work/deny.toml" check advisories
