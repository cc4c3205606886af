//! The single integration-test binary. Modules, one per area:
//! - `support`: locating the real sops binary, the vector tiers, hermetic commands; the one
//!   test environment every test builds its home from (`TestEnv`); the stand-in key servers, the
//!   moto server (AWS KMS, STS and S3), the OpenBao dev server and the network faults the backend
//!   tests use; GnuPG keyrings in a `TestEnv`; sops and sops-rs side by side (`pair`).
//! - `backend_aws`: AWS KMS against moto: key/alias ARNs, encryption context, roles, profiles,
//!   interop with the real sops, age still opening a file when KMS is down.
//! - `backend_hckms`: Huawei Cloud KMS against a stand-in that verifies request signatures
//!   (the conformance scenarios run it too): the metadata entry, sops's entry kept, creation
//!   rules and rotate flags, the security token, credentials kept from `exec-env`.
//! - `bad_input`: malformed, deep, huge, truncated, unreadable inputs: one error line, sops's
//!   exit code, no panic, the file untouched.
//! - `hostile_inputs`: endless devices and key commands, hanging commands and questions, paths
//!   deeper than any reader accepts, broken age sources, a protected SSH key without a terminal,
//!   `exec-file --user`: bounded memory and time, a clear error, the input untouched.
//! - `telemetry`: OTLP spans (parentage under `TRACEPARENT`, a span per key attempt), metrics
//!   through a real Pushgateway and Prometheus, the textfile and OTLP metrics, export failures.
//! - `audit`: the audit trail: canary leak test, CI context, verify, OTLP, required mode.
//! - `monitoring`: docs/monitoring's alert rules through `promtool check rules` and their unit
//!   tests, the Grafana dashboard's views and queries (parsed by promtool, only our metrics).
//! - `audit_report`: `audit report`'s figures against a hand count of generated logs (several
//!   files, standard input, bad lines, `--since` / `--until`, a baseline), real runs' records,
//!   nothing opened but the logs, the JSON fields documented.
//! - `cli`: flags, exit codes, in-place writes, standard input, --extract, conversions.
//! - `completions`: the committed bash, zsh and fish scripts driven through the real shells.
//! - `exit_codes`: a table of sops's exit codes, each row run through the real sops and sops-rs.
//! - `generated`: completions and man page match the CLI; every command has help examples.
//! - `docs_examples`: every `sh` block of README.md and docs/*.md runs, in order per file, in a
//!   scratch directory with the built binary on `PATH`; the fence convention (docs_examples.rs).
//! - `hostile_writes`: writes through devices, FIFOs, sockets, descriptor paths, links and hard
//!   links; owner, group and mode kept; private temp files; planted or swapped links; read-only
//!   files and directories; 255-byte names.
//! - `hostile_config`: a Vault allowlist that cannot be talked around, no key credentials for
//!   the programs sops-rs starts, `--ignore-mac` re-sealing warned about, injected plain-text
//!   comments warned about and reported by `check`, plain-text values failed by `check`.
//! - `flat_stores`: dotenv and INI against sops-written files and the real sops binary.
//! - `edit`: the edit workflow with editor programs, signals and a real vim in tmux.
//! - `crash`: kill -9 during writes, concurrent writers (advisory lock), no core dumps.
//! - `commands`: config rules, Shamir groups (with real sops), set/unset, rotate, updatekeys,
//!   groups, exec-env/exec-file, filestatus.
//! - `vectors`: every sops-written vector an age key opens decrypts to its plaintext; must-fail
//!   vectors fail with sops's exit codes.
//! - `dropin`: sops-rs installed as `sops`: the version line, Ansible's community.sops and
//!   sopsy through it.
//! - `legacy`: sops's legacy top-level forms and flags placed around subcommands, against the
//!   real sops 3.12.2 (same exit codes, output and files); sops subcommands sops-rs lacks.
//! - `interop_sops`: sops-rs and the real sops 3.12.2 binary read each other's files.
//! - `keyservice`: the key service both ways with the real sops (age, PGP, OpenBao, moto), the
//!   private socket and another uid refused.
//! - `many_files`: decrypt, encrypt, rotate and exec-env over many files: a broken file among
//!   good ones, output directory, next to the source, joined YAML, one unwrap per wrapped key, a
//!   dead provider costing one timeout per run, offline, no progress bar, a run stopped by a
//!   signal.
//! - `json_output`: `--json` of updatekeys, rotate, set, unset and check, errors as JSON, and
//!   no change without `--json` (compared with the real sops).
//! - `json_store`: the JSON store against sops-written files and the real sops binary.
//! - `yaml_store`: the YAML store against sops-written files and the real sops binary.
//! - `output_format`: without `--output-type`, every command writes the format of the file name
//!   (or `--filename-override`), binary for standard input, as the real sops does.
//! - `value_parity`: `!!binary`, JSON `-0` and `%YAML` directives read as sops reads them.
//! - `yaml_differential`: seeded random YAML (block scalars, multi-line scalars, line ends)
//!   encrypted by sops and by sops-rs, each decrypted by the other: the same trees.
//! - `parity`: sops-written files re-encrypt byte for byte with the same key, IVs and time.
//! - `toml_store`: the TOML store (an extension) through the binary, and random-tree round trips.
//! - `properties`: random trees round-trip through formats and through encrypt/decrypt.
//! - `session`: the session every command runs in: a broken config is an error, no subcommand
//!   unwraps a key or lets plaintext out unaudited, file outputs held until the finish record,
//!   destinations checked before any key, the config read once per command.
//! - `wheel`: the Python wheel built with maturin installs into a fresh venv and runs the
//!   quickstart.
//! - `tools`: git textconv and merge driver (real git), pre-commit check, --reuse-from.
//! - `status`: `sops-rs status` on a generated repository with every state (leak, drift,
//!   overdue, plain-text value, broken, no MAC, no rule), its JSON fields, `--fail-on`, `--max-age`,
//!   `.gitignore`, and the config's `rotation` key read by the real sops.
//! - `check`: what merges and typos leave for `check`: conflict markers from real git merges,
//!   plain binary files, no config, unknown config keys (failed by check, warned about elsewhere).
//! - `backend_conformance`: one suite run for every key-service backend (AWS, Azure, GCP,
//!   Vault): round trip (with the real sops where it reaches the service), provider down, slow,
//!   throttled then retried, wrong or missing credentials. A backend is a `Backend` impl in its
//!   own file plus one line there.
//! - `backend_pgp`: PGP vectors through gpg and rPGP, must-fail PGP vectors, the real sops both
//!   ways with a throwaway GNUPGHOME, a missing secret key.
//! - `backend_gcp`: GCP Cloud KMS through the stand-in in `tests/servers/` (REST shape, bearer
//!   token): round trips, resource-id syntax, request ids, every credential source, unusable
//!   credentials. No real-sops interop (3.12.2 has no endpoint override). Faults: in
//!   `backend_conformance`.
//! - `backend_azure`: Azure Key Vault through the TLS stand-in in `tests/servers/` (test CA, 401
//!   challenge, Entra token endpoint, RSA-OAEP-256): round trips, metadata, request ids, a
//!   missing key, the credential chain, an untrusted certificate. Faults: in
//!   `backend_conformance`.
//! - `backend_vault`: Vault Transit against a real OpenBao dev server: round trips, request ids,
//!   namespaces, sops 3.12.2 and 3.11.0 both ways, a rotated key, a nested mount, the allowlist.
//!   Faults: in `backend_conformance`.
//! - `tamper`: flipped bits, a changed MAC or lastmodified, swapped or moved values are refused.
//! - `functional`: the behaviours sops's own functional tests check (format spec section 9.2),
//!   each run with the same command lines against the real sops and sops-rs.
//! - `publish`: `publish` to S3 (moto), GCS (gcp-storage-emulator) and Vault KV v1/v2
//!   (OpenBao), each compared with what the real sops 3.12.2 stores; names, `--recursive`,
//!   `--omit-extensions`, the re-encryption rule, the question, errors, sops's functional tests.
//! - `fuzz_smoke`: each fuzz target body on a few thousand seeded mutations (CI's fuzzing).
//! - `module_index`: every file in `tests/it/` is a module here and in this index.
//! - `key_agent`: the caching key agent (`keyservice --cache-ttl`) against OpenBao and moto:
//!   TTL, max uses, the stale window in an outage, no stale answer after a refusal, audit
//!   records, zeroization read from the agent's memory, SIGTERM, another uid refused.

mod audit;
mod audit_report;
#[cfg(feature = "aws")]
mod backend_aws;
#[cfg(feature = "azure")]
mod backend_azure;
mod backend_conformance;
#[cfg(feature = "gcp")]
mod backend_gcp;
#[cfg(feature = "hckms")]
mod backend_hckms;
#[cfg(feature = "pgp")]
mod backend_pgp;
#[cfg(feature = "vault")]
mod backend_vault;
mod bad_input;
mod check;
mod cli;
mod commands;
mod completions;
mod crash;
mod docs_examples;
mod dropin;
mod edit;
mod exit_codes;
mod flat_stores;
#[cfg(feature = "pgp")]
mod functional;
mod fuzz_smoke;
mod generated;
mod hostile_config;
mod hostile_inputs;
mod hostile_writes;
mod interop_sops;
mod json_output;
mod json_store;
#[cfg(all(feature = "keyservice", unix, feature = "vault", feature = "aws"))]
mod key_agent;
#[cfg(all(feature = "keyservice", unix))]
mod keyservice;
mod legacy;
mod many_files;
mod module_index;
mod monitoring;
mod output_format;
mod parity;
mod properties;
#[cfg(all(feature = "aws", feature = "gcp", feature = "vault"))]
mod publish;
mod session;
mod status;
mod support;
mod tamper;
mod telemetry;
mod toml_store;
mod tools;
mod value_parity;
mod vectors;
mod wheel;
mod yaml_differential;
mod yaml_store;
