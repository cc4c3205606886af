//! sops-rs: a SOPS-compatible encrypted-config library and tool.
//!
//! The library reads and writes files in the SOPS v3 format, laid out the way sops lays them
//! out; the `sops-rs` binary (its `cli` module is not part of this crate's API) resolves
//! arguments, configuration and the environment, then calls into it.
//!
//! # The pipeline
//!
//! Every operation runs the same layers, each knowing only the ones below it:
//!
//! 1. **[`formats`]** turns bytes into a [`Tree`] and back. [`Format`] is a closed enum (YAML,
//!    JSON, TOML, INI, dotenv, binary); a format knows nothing about keys or encryption, and an
//!    `ENC[...]` value is just a string to it. The metadata travels as an entry under
//!    [`SOPS_KEY`] (the flat formats, INI and dotenv, know where they keep it).
//! 2. **[`tree`]** is the format-neutral middle: documents of ordered mappings, lists, typed
//!    scalars and comments. Everything after parsing works on it, and [`tree::path`] addresses
//!    single values in it (`set`, `unset`, `--extract`).
//! 3. **One walk** (`crypto::tree_cipher`, inside the crate) visits each leaf once and does three things there:
//!    asks the [`selection`] rule whether the leaf is encrypted, encrypts or decrypts it with the
//!    file's data key ([`crypto::ValueCipher`]), and feeds it to the MAC. Encryption, selection
//!    and the integrity check therefore cannot disagree about which values they saw.
//! 4. **[`metadata`]** is the `sops` block: key groups, Shamir threshold, MAC, timestamps and
//!    the rule. Inside the crate, `metadata::wire` converts it to and from the tree value stored
//!    under [`SOPS_KEY`], in sops's field order.
//! 5. **[`SopsFile`]** joins the layers. [`SopsFile::encrypt`] makes a data key, wraps it for
//!    every master key in every group (splitting it with Shamir when there are several
//!    groups), and runs the walk; [`SopsFile::parse`] reads an encrypted file;
//!    [`SopsFile::emit`] puts the metadata back and writes the file.
//! 6. **[`Document::open`]** opens an encrypted file in one call: it parses it, asks the master
//!    keys, in a chosen order, for the data key, runs the walk backwards and checks the MAC
//!    ([`KeyedFile`] is the same path in two steps). A [`Document`] is emitted as plaintext or
//!    encrypted again, keeping the ciphertext of unchanged values. [`EditSession`] (the `edit`
//!    command) and [`rekey`] (`rotate`, `updatekeys`, `groups`) change a document or its keys.
//!
//! Master keys ([`keys`]) stay outside the pipeline: each key type (age, OpenPGP, AWS KMS, GCP
//! KMS, Azure Key Vault, HashiCorp Vault) is a [`keys::MasterKey`] that wraps and unwraps the
//! data key and owns its own metadata entry. Key types never read the process environment:
//! credentials and settings come in through a [`keys::KeyContext`] that the caller builds once.
//!
//! # Module map
//!
//! | module | owns |
//! |---|---|
//! | [`formats`] | parsing and emitting each file format in sops's exact layout |
//! | [`tree`] | the document tree, tree paths and timestamps |
//! | [`selection`] | the six rules that decide which leaves are encrypted |
//! | [`crypto`] | the data key, the `ENC[AES256_GCM,...]` codec, the MAC, Shamir, the tree walk |
//! | [`keys`] | master keys, the key registry and the [`keys::KeyContext`] |
//! | [`metadata`] | the `sops` block in memory and on disk |
//! | [`sops_file`] | a file in memory and the operations that join the layers |
//! | [`document`] | opening an encrypted file: parse, unwrap the data key, decrypt |
//! | [`edit_session`] | the text an editor shows, its check, and the file written back |
//! | [`rekey`] | `rotate`, `updatekeys` and `groups`: who can open a file |
//! | [`scan`] | what a file is, read without keys: sops, plain, or broken |
//! | [`status`] | `status`: every secret file of a tree, its rule, recipients and key age |
//! | [`conflict_markers`] | git conflict markers left in a file's text or in its values |
//! | [`config`] | `.sops-rs.yaml` / `.sops.yaml`: creation rules, stores, audit settings |
//! | [`audit`] | the audit trail: records, context, sinks, the hash chain |
//! | [`publish`] | `publish` to S3, GCS and Vault |
//! | [`io`] | whole-file reads, the update lock and the one write path |
//! | [`bounded`] | size and time limits on every read and external command |
//! | [`error`] | the library's [`Error`], which never carries a secret value |
//!
//! # Example
//!
//! Encrypt a small YAML document for a freshly generated age recipient, then open it again
//! with the matching identity. The identity is handed over the way `SOPS_AGE_KEY` would be,
//! through a captured environment rather than the process's own.
//!
//! ```
//! use std::collections::HashMap;
//!
//! use age::secrecy::ExposeSecret;
//! use sops_rs::formats::EmitOptions;
//! use sops_rs::keys::{AgeKey, KeyContext, MasterKey};
//! use sops_rs::metadata::Metadata;
//! use sops_rs::sops_file::{DEFAULT_DECRYPTION_ORDER, parse_plaintext};
//! use sops_rs::tree::Timestamp;
//! use sops_rs::{Document, EncryptPlan, Format, OpenMode, OpenOptions, SopsFile};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let name = "app.yaml"; // only used in error messages
//! let plaintext = b"db:\n    user: admin\n    password: hunter2\nport: 5432\n";
//!
//! // Any age recipient works; the `age` crate makes a fresh X25519 identity here.
//! let identity = age::x25519::Identity::generate();
//! let recipient = AgeKey::new(&identity.to_public().to_string())?;
//! let recipient: Box<dyn MasterKey> = Box::new(recipient);
//!
//! // Encrypt: one key group holding one recipient, sops's default selection rule.
//! let tree = parse_plaintext(Format::Yaml, plaintext, name)?;
//! let plan = EncryptPlan {
//!     key_groups: vec![vec![recipient]],
//!     shamir_threshold: 0,
//!     rule: Some(Metadata::default_rule()),
//!     mac_only_encrypted: false,
//! };
//! let no_credentials = KeyContext::default(); // wrapping for age needs no secret
//! let now = Timestamp::now_utc_seconds();
//! let file = SopsFile::encrypt(tree, plan, &no_credentials, now, name)?;
//! let encrypted = file.emit(Format::Yaml, &EmitOptions::default())?;
//! let text = String::from_utf8(encrypted.clone())?;
//! assert!(text.contains("password: ENC[AES256_GCM,data:"));
//! assert!(!text.contains("hunter2"));
//! assert!(text.contains("sops:"));
//!
//! // Decrypt: parse, recover the data key from the identity, decrypt and check the MAC.
//! let secret = identity.to_string();
//! let environment = HashMap::from([(
//!     "SOPS_AGE_KEY".to_string(),
//!     secret.expose_secret().to_string(),
//! )]);
//! let ctx = KeyContext::from_environment(environment);
//! let options = OpenOptions {
//!     format: Format::Yaml,
//!     name,
//!     decryption_order: &DEFAULT_DECRYPTION_ORDER,
//!     ignore_mac: false,
//!     mode: OpenMode::ReadOnly, // not written back: no IVs to remember
//!     keys: &ctx,
//! };
//! let document = Document::open(&encrypted, &options)?;
//! let decrypted = document.emit_plaintext(Format::Yaml, &EmitOptions::default())?;
//! assert_eq!(decrypted, plaintext);
//! # Ok(())
//! # }
//! ```

pub mod audit;
pub mod bounded;
pub mod config;
pub mod conflict_markers;
pub mod crypto;
pub mod formats;
#[cfg(all(feature = "keyservice", unix))]
pub mod key_agent;
pub mod keys;
#[cfg(all(feature = "keyservice", unix))]
pub mod keyservice;
pub mod metadata;
pub mod publish;
pub mod selection;
pub mod telemetry;
pub mod tree;

#[doc(hidden)]
pub mod fuzzing;

pub mod document;
pub mod edit_session;
pub mod error;
pub mod gitattributes;
pub mod io;
pub mod rekey;
pub mod scan;
pub mod sops_file;
pub mod status;

pub use document::{Document, KeyedFile, OpenMode, OpenOptions};
pub use edit_session::EditSession;
pub use error::{Error, Result};
pub use formats::{Format, SOPS_KEY};
pub use sops_file::{EncryptPlan, Resealed, SopsFile};
pub use tree::Tree;
