//! `sops-rs man`: the manual pages, rendered from the CLI definition by clap_mangen.
//!
//! `sops-rs man` prints `sops-rs(1)`; `sops-rs man --dir DIR` writes it and one page for each
//! subcommand it lists (`sops-rs-encrypt(1)`, `sops-rs-groups-add(1)`, ...), so every page a
//! page points to is shipped. The main page adds what clap does not know: ENVIRONMENT (every
//! `SOPS_*` and `SOPS_RS_*` variable sops-rs reads), FILES and EXIT STATUS (from
//! [`code`](crate::cli::exit::code)).

use std::path::{Path, PathBuf};

use clap::{Args, Command, CommandFactory};

use crate::cli::exit::{CliError, code};
use crate::cli::{BIN_NAME, Cli};

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Write sops-rs.1 and one page per subcommand (sops-rs-encrypt.1, ...) into this directory
    /// instead of printing sops-rs.1.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn run(args: &ManArgs) -> Result<(), CliError> {
    match &args.dir {
        None => crate::cli::input_output::write_stdout(main_page().as_bytes()),
        Some(dir) => pages()
            .into_iter()
            .try_for_each(|(name, page)| write_page(dir, &name, &page)),
    }
}

/// Through the one write path, as every file sops-rs writes (a page is not secret: it gets an
/// encrypted file's permissions).
fn write_page(dir: &Path, name: &str, page: &str) -> Result<(), CliError> {
    crate::cli::input_output::write_file(
        &dir.join(name),
        page.as_bytes(),
        sops_rs::io::Contents::Encrypted,
        sops_rs::io::Expect::Any,
    )
}

/// Every page: its file name and its roff text, the main page first.
fn pages() -> Vec<(String, String)> {
    let mut pages = vec![(format!("{BIN_NAME}.1"), main_page())];
    let mut root = tree();
    root.build();
    let mut pending: Vec<Command> = visible_subcommands(&root);
    while let Some(command) = pending.pop() {
        pending.extend(visible_subcommands(&command));
        let page = render(command);
        pages.push((page.0, with_see_also(page.1)));
    }
    pages[1..].sort();
    pages
}

/// `sops-rs(1)`: clap's sections, then ENVIRONMENT, FILES and EXIT STATUS before VERSION.
fn main_page() -> String {
    let (_, page) = render(tree());
    let extra = [
        section("ENVIRONMENT", &environment()),
        section("FILES", &files()),
        section("EXIT STATUS", &exit_status()),
    ]
    .concat();
    match page.find("\n.SH VERSION\n") {
        Some(at) => format!("{}\n{}{}", &page[..at], extra, &page[at + 1..]),
        None => format!("{page}{extra}"),
    }
}

/// The tree the pages describe, as the help shows it (a subcommand's page lists only the flags
/// it takes), without clap's `help` subcommand, which has no page.
fn tree() -> Command {
    crate::cli::placement::without_refused_flags_in_help(
        Cli::command().disable_help_subcommand(true),
    )
}

fn visible_subcommands(command: &Command) -> Vec<Command> {
    command
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .cloned()
        .collect()
}

fn render(command: Command) -> (String, String) {
    let source = format!("{BIN_NAME} {}", env!("CARGO_PKG_VERSION"));
    let man = clap_mangen::Man::new(command).source(source);
    let mut out = Vec::new();
    man.render(&mut out)
        .expect("rendering into memory does not fail");
    let text = String::from_utf8(out).expect("clap_mangen writes UTF-8");
    (man.get_filename(), text)
}

fn with_see_also(page: String) -> String {
    format!(
        "{page}{}",
        section("SEE ALSO", &[(format!("{BIN_NAME}(1)"), String::new())])
    )
}

/// A section of `.TP` paragraphs: a bold term, then its text.
fn section(title: &str, entries: &[(String, String)]) -> String {
    let mut out = format!(".SH {title}\n");
    for (term, text) in entries {
        out.push_str(&format!(".TP\n\\fB{}\\fR\n", escape(term)));
        if !text.is_empty() {
            out.push_str(&format!("{}\n", escape(text)));
        }
    }
    out
}

/// Text as roff prints it literally: backslashes and hyphens escaped, no line read as a request.
fn escape(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    match escaped.starts_with(['.', '\'']) {
        true => format!("\\&{escaped}"),
        false => escaped,
    }
}

fn entries(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(term, text)| (term.to_string(), text.to_string()))
        .collect()
}

fn environment() -> Vec<(String, String)> {
    entries(&[
        (
            "SOPS_AGE_KEY",
            "age identities (AGE-SECRET-KEY-... lines) given directly.",
        ),
        (
            "SOPS_AGE_KEY_FILE",
            "A file of age identities, read besides the default key file (see FILES).",
        ),
        (
            "SOPS_AGE_KEY_CMD",
            "A command that prints age identities; it runs with SOPS_AGE_RECIPIENT set.",
        ),
        (
            "SOPS_AGE_RECIPIENT",
            "Set by sops-rs for SOPS_AGE_KEY_CMD: the recipient whose identity is wanted.",
        ),
        (
            "SOPS_AGE_SSH_PRIVATE_KEY_FILE",
            "An SSH private key (ed25519 or RSA) used as an age identity.",
        ),
        (
            "SOPS_AGE_SSH_PRIVATE_KEY_CMD",
            "A command that prints an SSH private key used as an age identity.",
        ),
        ("SOPS_AGE_RECIPIENTS", "The same as --age."),
        ("SOPS_PGP_FP", "The same as --pgp."),
        ("SOPS_KMS_ARN", "The same as --kms."),
        ("SOPS_GCP_KMS_IDS", "The same as --gcp-kms."),
        ("SOPS_AZURE_KEYVAULT_URLS", "The same as --azure-kv."),
        ("SOPS_VAULT_URIS", "The same as --hc-vault-transit."),
        (
            "SOPS_HUAWEICLOUD_KMS_IDS",
            "The same as --hckms: Huawei Cloud KMS is not supported, so using it is an error.",
        ),
        (
            "SOPS_KEYSERVICE",
            "The same as --keyservice: remote key services are not supported (an error).",
        ),
        (
            "SOPS_ENABLE_LOCAL_KEYSERVICE",
            "Accepted for compatibility: sops-rs always uses its keys locally.",
        ),
        (
            "SOPS_DISABLE_VERSION_CHECK",
            "Accepted for compatibility: sops-rs never checks for updates.",
        ),
        ("SOPS_CONFIG", "The same as --config."),
        ("SOPS_DECRYPTION_ORDER", "The same as --decryption-order."),
        (
            "SOPS_EDITOR",
            "The editor for edit, split as a shell would; else EDITOR; else vim, nano or vi.",
        ),
        (
            "SOPS_GPG_EXEC",
            "The gpg program to run (default: gpg from PATH).",
        ),
        (
            "SOPS_GCP_KMS_ENDPOINT",
            "The Cloud KMS endpoint URL, instead of Google's (emulators, private endpoints).",
        ),
        (
            "SOPS_HC_VAULT_ALLOWLIST",
            "The Vault servers that may receive the token: all (default), none, or \
             comma-separated http(s) URLs.",
        ),
        (
            "SOPS_RS_AUDIT_LOG",
            "Append audit events to this JSON Lines file, as --audit-log.",
        ),
        (
            "SOPS_RS_AUDIT_MODE",
            "off, best_effort or required: in required mode a command whose audit record \
             cannot be stored fails (exit 75) without printing or writing plaintext.",
        ),
        (
            "SOPS_RS_AUDIT_OTLP_ENDPOINT",
            "Send audit events as OTLP/HTTP JSON logs to this URL.",
        ),
        (
            "SOPS_RS_AUDIT_HMAC_KEY",
            "Base64 of at least 32 bytes: audit records then carry an HMAC of tree paths \
             instead of leaving them out, and every line of the audit file an HMAC that \
             `audit verify` checks with the same key.",
        ),
        (
            "SOPS_RS_AUDIT_HEAD",
            "A head file outside the log: after every record the file sink stores the log's \
             record count and last digest there, for `audit verify --head FILE`.",
        ),
        (
            "SOPS_RS_AUDIT_GITHUB_SUMMARY",
            "false or 0: no audit table in the GitHub Actions job summary.",
        ),
        (
            "SOPS_RS_METRICS_PUSHGATEWAY",
            "Push each run's metrics to this Prometheus Pushgateway (counters kept cumulative \
             per group); see docs/observability.md. The OTEL_EXPORTER_OTLP_* variables send \
             traces and OTLP metrics.",
        ),
        (
            "SOPS_RS_METRICS_JOB",
            "The Pushgateway job grouping label (default sops_rs).",
        ),
        (
            "SOPS_RS_METRICS_INSTANCE",
            "The Pushgateway instance grouping label (default the host name).",
        ),
        (
            "SOPS_RS_METRICS_TEXTFILE",
            "Add each run's metrics to this node_exporter textfile, replaced atomically.",
        ),
        (
            "SOPS_RS_MAX_INPUT_BYTES",
            "The largest input file or standard input read (default 256M; suffixes k, M, G).",
        ),
        (
            "SOPS_RS_MAX_KEY_BYTES",
            "The largest key file read (default 16M).",
        ),
        (
            "SOPS_RS_MAX_CONFIG_BYTES",
            "The largest config file read (default 16M).",
        ),
        (
            "SOPS_RS_MAX_COMMAND_OUTPUT_BYTES",
            "The most output read from each stream of a key command or gpg (default 16M).",
        ),
        (
            "SOPS_RS_COMMAND_TIMEOUT_SECONDS",
            "How long a key command or gpg may run (default 120).",
        ),
        (
            "SOPS_RS_HTTP_TIMEOUT_SECONDS",
            "The whole-request timeout for key services, in seconds (default 30; also \
             --provider-timeout). A provider that times out is not asked again in the same run.",
        ),
        (
            "SOPS_RS_JOBS",
            "How many files a many-file command works on at once (default 4 per core, 8 to 64).",
        ),
        (
            "SOPS_RS_OFFLINE",
            "1 or true: use no network key provider, only age and PGP keys (also --offline).",
        ),
        (
            "SOPS_RS_ERROR_FORMAT",
            "json: a failing command prints its error as one JSON object on stderr (the \
             sops-rs.error/1 shape of docs/json-output.md), as --json does.",
        ),
        (
            "SOPS_RS_PGP_SECRET_KEYS",
            "Files of PGP secret keys (separated by :) for decrypting without gpg.",
        ),
    ])
}

fn files() -> Vec<(String, String)> {
    entries(&[
        (
            ".sops-rs.yaml, .sops.yaml",
            "The config (creation rules, destination rules, stores, audit): the nearest one \
             found from the working directory upwards, .sops-rs.yaml first; --config or \
             SOPS_CONFIG names one instead.",
        ),
        (
            "$XDG_CONFIG_HOME/sops/age/keys.txt",
            "The default age key file (~/.config/sops/age/keys.txt without XDG_CONFIG_HOME).",
        ),
        (
            "~/.ssh/id_ed25519, ~/.ssh/id_rsa",
            "SSH keys tried as age identities when SOPS_AGE_SSH_PRIVATE_KEY_FILE is not set.",
        ),
        (
            "audit log",
            "None by default: --audit-log, SOPS_RS_AUDIT_LOG or the config's audit.log names \
             a JSON Lines file that events are appended to.",
        ),
    ])
}

fn exit_status() -> Vec<(String, String)> {
    let codes: [(u8, &str); 21] = [
        (0, "Success."),
        (
            code::GENERIC,
            "A usage error or any other error; check or status found a failing file (status \
             --fail-on selects the findings: leak, broken, drift, overdue by default; unruled).",
        ),
        (code::COULD_NOT_READ_INPUT, "The input could not be read."),
        (
            code::COULD_NOT_WRITE_OUTPUT,
            "The output could not be written.",
        ),
        (
            code::ERROR_DUMPING_TREE,
            "The result could not be emitted in its format.",
        ),
        (
            code::INVALID_ENCRYPTION_CONTEXT,
            "An invalid --encryption-context.",
        ),
        (code::INVALID_SET_FORMAT, "An invalid --set argument."),
        (
            code::CONFLICTING_PARAMETERS,
            "Flags that cannot be used together.",
        ),
        (
            code::ERROR_ENCRYPTING_TREE,
            "A value could not be encrypted.",
        ),
        (
            code::ERROR_DECRYPTING_TREE,
            "A value could not be decrypted.",
        ),
        (
            code::CANNOT_CHANGE_KEYS_FROM_NON_EXISTENT_FILE,
            "Keys cannot be added to or removed from a file that does not exist.",
        ),
        (
            code::MAC_MISMATCH,
            "The file's MAC does not match its values.",
        ),
        (
            sops_rs::audit::AUDIT_UNAVAILABLE_EXIT,
            "sops-rs only: the audit record could not be stored in required mode.",
        ),
        (
            code::INVALID_TREE_PATH,
            "The tree path names nothing in the file.",
        ),
        (
            code::NEED_AT_LEAST_ONE_DOCUMENT,
            "The file has no document.",
        ),
        (code::NO_FILE_SPECIFIED, "No file was given."),
        (
            code::DUPLICATE_DECRYPTION_KEY_TYPE,
            "A key type is named twice in --decryption-order.",
        ),
        (
            code::COULD_NOT_RETRIEVE_KEY,
            "No key could open the data key.",
        ),
        (
            code::FILE_HAS_NOT_BEEN_MODIFIED,
            "edit: the file was not changed.",
        ),
        (code::NO_EDITOR_FOUND, "edit: no editor was found."),
        (
            code::FILE_ALREADY_ENCRYPTED,
            "encrypt: the file is already encrypted.",
        ),
    ];
    let mut entries: Vec<(String, String)> = codes
        .iter()
        .map(|(number, text)| (number.to_string(), text.to_string()))
        .collect();
    entries.push((
        "exec-env, exec-file".into(),
        "The command's own exit status (128+N when signal N ended it).".into(),
    ));
    entries.push((
        "several files".into(),
        "decrypt, encrypt, rotate over several files: 0 when every file succeeded, else the \
         exit status the first failing file (in command-line order) gives alone; 128+N when \
         signal N stopped the run (files being written are finished, no new one is started)."
            .into(),
    ));
    entries
}
