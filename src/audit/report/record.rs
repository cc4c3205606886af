//! The few fields of an audit record that the report reads, borrowed from the line where the
//! JSON has no escapes: everything else in a record (the chain, the tool, the recipients list)
//! is skipped by the parser without being stored.

use std::borrow::Cow;

use serde::Deserialize;

type Text<'a> = Cow<'a, str>;

/// One audit record, as far as the report needs it.
#[derive(Deserialize)]
pub(super) struct Record<'a> {
    #[serde(borrow)]
    pub schema: Text<'a>,
    #[serde(borrow)]
    pub ts: Text<'a>,
    #[serde(borrow)]
    pub event: Text<'a>,
    #[serde(default, borrow)]
    pub actor: Option<Actor<'a>>,
    #[serde(default, borrow)]
    pub host: Option<Host<'a>>,
    #[serde(default, borrow)]
    pub ci: Option<Ci<'a>>,
    #[serde(default, borrow)]
    pub vcs: Option<Vcs<'a>>,
    #[serde(default, borrow)]
    pub file: Option<File<'a>>,
    #[serde(default, borrow)]
    pub key: Option<Key<'a>>,
    #[serde(default, borrow)]
    pub result: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub source: Option<Text<'a>>,
    #[serde(default)]
    pub latency_ms: Option<f64>,
    #[serde(default, borrow)]
    pub outcome: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub error: Option<Error<'a>>,
    /// On the finish record of a run over several files: how many `<op>.file` records it wrote.
    #[serde(default)]
    pub files: Option<u64>,
}

#[derive(Deserialize)]
pub(super) struct Actor<'a> {
    #[serde(default, borrow)]
    pub user: Option<Text<'a>>,
    #[serde(default)]
    pub uid: Option<u64>,
    #[serde(default, borrow)]
    pub kind: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub ci_login: Option<Text<'a>>,
}

#[derive(Deserialize)]
pub(super) struct Host<'a> {
    #[serde(default, borrow)]
    pub name: Option<Text<'a>>,
}

#[derive(Deserialize)]
pub(super) struct Ci<'a> {
    #[serde(default, borrow)]
    pub provider: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub run_id: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub run_url: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub workflow: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub job: Option<Text<'a>>,
}

#[derive(Deserialize)]
pub(super) struct Vcs<'a> {
    #[serde(default, borrow)]
    pub repository: Option<Text<'a>>,
}

#[derive(Deserialize)]
pub(super) struct File<'a> {
    #[serde(default, borrow)]
    pub path: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub repo_path: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub sha256_before: Option<Text<'a>>,
    #[serde(default)]
    pub stdin: Option<bool>,
}

#[derive(Deserialize)]
pub(super) struct Key<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Text<'a>,
    #[serde(borrow)]
    pub id: Text<'a>,
}

#[derive(Deserialize)]
pub(super) struct Error<'a> {
    #[serde(default, borrow)]
    pub class: Option<Text<'a>>,
    #[serde(default)]
    pub exit_code: Option<u64>,
}

/// Why a line is not counted. Fixed texts: a line's content is never repeated, since a broken
/// or foreign line may hold anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BadReason {
    /// Not one JSON object with `schema`, `ts` and `event` strings.
    NotJson,
    /// Another schema than `sops-rs.audit/1.x`.
    OtherSchema,
    /// `ts` is not an RFC 3339 time.
    BadTimestamp,
}

impl BadReason {
    /// A few words for the table.
    pub fn describe(self) -> &'static str {
        match self {
            BadReason::NotJson => "not an audit record (JSON)",
            BadReason::OtherSchema => "another schema than sops-rs.audit/1",
            BadReason::BadTimestamp => "timestamp is not RFC 3339",
        }
    }
}

/// A parsed record and its time in microseconds since the Unix epoch.
pub(super) fn parse(line: &[u8]) -> Result<(Record<'_>, i64), BadReason> {
    let record: Record = serde_json::from_slice(line).map_err(|_| BadReason::NotJson)?;
    if !record.schema.starts_with("sops-rs.audit/1.") {
        return Err(BadReason::OtherSchema);
    }
    let micros = super::window::parse_rfc3339(&record.ts).ok_or(BadReason::BadTimestamp)?;
    Ok((record, micros))
}
