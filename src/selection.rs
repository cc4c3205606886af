//! Which leaves get encrypted: sops's six mutually exclusive rules.
//!
//! A rule looks at the mapping keys from the root to the leaf (any one of them can decide, so a
//! marked key covers its whole subtree) or at the comments that precede the leaf on the levels
//! above it. Without a rule, sops defaults to `unencrypted_suffix: _unencrypted`.

use regex::Regex;

/// The suffix sops uses when no rule is given.
pub const DEFAULT_UNENCRYPTED_SUFFIX: &str = "_unencrypted";

/// One selection rule, with the metadata field name sops stores it under.
#[derive(Clone, Debug)]
pub enum Rule {
    /// Keys ending with this suffix (and everything below them) stay in clear.
    UnencryptedSuffix(String),
    /// Only keys ending with this suffix (and everything below them) are encrypted.
    EncryptedSuffix(String),
    /// Keys matching this regex (and everything below them) stay in clear.
    UnencryptedRegex(Regex),
    /// Only keys matching this regex (and everything below them) are encrypted.
    EncryptedRegex(Regex),
    /// Values after a comment matching this regex stay in clear.
    UnencryptedCommentRegex(Regex),
    /// Only values after a comment matching this regex are encrypted.
    EncryptedCommentRegex(Regex),
}

/// The rule names in the order sops lists them in its "more than one" error.
pub const RULE_FIELDS: [&str; 6] = [
    "unencrypted_suffix",
    "encrypted_suffix",
    "unencrypted_regex",
    "encrypted_regex",
    "unencrypted_comment_regex",
    "encrypted_comment_regex",
];

/// A rule that could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// More than one rule was given.
    #[error(
        "cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, \
         unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex \
         (got {0})"
    )]
    Conflict(String),
    /// A regex does not compile.
    #[error("invalid {field}: {source}")]
    BadRegex {
        /// The field name.
        field: &'static str,
        /// The regex error.
        source: regex::Error,
    },
}

impl Rule {
    /// Builds the single rule from `(field, value)` pairs where the value is non-empty.
    /// `Ok(None)` when none is set.
    pub fn from_fields(fields: &[(&'static str, &str)]) -> Result<Option<Rule>, RuleError> {
        let set: Vec<_> = fields
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .collect();
        if set.len() > 1 {
            let names: Vec<_> = set.iter().map(|(name, _)| *name).collect();
            return Err(RuleError::Conflict(names.join(", ")));
        }
        let Some(&&(field, value)) = set.first() else {
            return Ok(None);
        };
        let regex = || Regex::new(value).map_err(|source| RuleError::BadRegex { field, source });
        Ok(Some(match field {
            "unencrypted_suffix" => Rule::UnencryptedSuffix(value.to_string()),
            "encrypted_suffix" => Rule::EncryptedSuffix(value.to_string()),
            "unencrypted_regex" => Rule::UnencryptedRegex(regex()?),
            "encrypted_regex" => Rule::EncryptedRegex(regex()?),
            "unencrypted_comment_regex" => Rule::UnencryptedCommentRegex(regex()?),
            "encrypted_comment_regex" => Rule::EncryptedCommentRegex(regex()?),
            other => unreachable!("unknown selection field {other}"),
        }))
    }

    /// The metadata field this rule is stored under, and its text.
    pub fn field(&self) -> (&'static str, &str) {
        match self {
            Rule::UnencryptedSuffix(s) => ("unencrypted_suffix", s),
            Rule::EncryptedSuffix(s) => ("encrypted_suffix", s),
            Rule::UnencryptedRegex(r) => ("unencrypted_regex", r.as_str()),
            Rule::EncryptedRegex(r) => ("encrypted_regex", r.as_str()),
            Rule::UnencryptedCommentRegex(r) => ("unencrypted_comment_regex", r.as_str()),
            Rule::EncryptedCommentRegex(r) => ("encrypted_comment_regex", r.as_str()),
        }
    }

    /// Whether a leaf (or a comment, when `is_comment`) is encrypted. `path` holds the mapping
    /// keys from the root; `comments` one frame per open mapping/list, each holding the comment
    /// texts seen since the last real item on that level. When judging a comment, its own text is
    /// the last entry of the last frame.
    pub fn should_encrypt(
        &self,
        path: &[&str],
        comments: &[Vec<String>],
        is_comment: bool,
    ) -> bool {
        let any_key = |f: &dyn Fn(&str) -> bool| path.iter().any(|key| f(key));
        let all_comments = || comments.iter().flatten();
        match self {
            Rule::UnencryptedSuffix(suffix) => !any_key(&|k| k.ends_with(suffix.as_str())),
            Rule::EncryptedSuffix(suffix) => any_key(&|k| k.ends_with(suffix.as_str())),
            Rule::UnencryptedRegex(re) => !any_key(&|k| re.is_match(k)),
            Rule::EncryptedRegex(re) => any_key(&|k| re.is_match(k)),
            Rule::UnencryptedCommentRegex(re) => !all_comments().any(|c| re.is_match(c)),
            Rule::EncryptedCommentRegex(re) => {
                // The marker comment itself stays in clear.
                let skip_last = is_comment && comments.last().is_some_and(|f| !f.is_empty());
                let total: usize = comments.iter().map(Vec::len).sum();
                let considered = if skip_last { total - 1 } else { total };
                all_comments().take(considered).any(|c| re.is_match(c))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(field: &'static str, value: &str) -> Rule {
        Rule::from_fields(&[(field, value)]).unwrap().unwrap()
    }

    #[test]
    fn key_rules_apply_to_any_ancestor() {
        let r = rule("unencrypted_suffix", "_unencrypted");
        assert!(r.should_encrypt(&["a", "b"], &[], false));
        assert!(!r.should_encrypt(&["a_unencrypted", "b"], &[], false));
        let r = rule("encrypted_suffix", "_secret");
        assert!(!r.should_encrypt(&["a"], &[], false));
        assert!(r.should_encrypt(&["db_secret", "x"], &[], false));
        let r = rule("encrypted_regex", "^(password|secret_secret)$");
        assert!(r.should_encrypt(&["nested", "password"], &[], false));
        assert!(!r.should_encrypt(&["nested", "note"], &[], false));
        // A top-level comment has an empty path: not encrypted under encrypted_* rules.
        assert!(!r.should_encrypt(&[], &[vec![" c".into()]], true));
        let r = rule("unencrypted_regex", "^public");
        assert!(!r.should_encrypt(&["public_name"], &[], false));
    }

    #[test]
    fn comment_rules_see_the_stack_and_skip_the_marker() {
        let marker = vec![vec![" sops:enc".to_string()]];
        let r = rule("encrypted_comment_regex", "sops:enc");
        assert!(!r.should_encrypt(&[], &marker, true));
        assert!(r.should_encrypt(&["password"], &marker, false));
        assert!(!r.should_encrypt(&["user"], &[vec![]], false));
        let r = rule("unencrypted_comment_regex", "sops:enc");
        assert!(!r.should_encrypt(&[], &marker, true));
        assert!(!r.should_encrypt(&["password"], &marker, false));
        assert!(r.should_encrypt(&["user"], &[vec![]], false));
    }

    #[test]
    fn only_one_rule() {
        let err = Rule::from_fields(&[("encrypted_regex", "a"), ("encrypted_suffix", "b")]);
        assert!(matches!(err, Err(RuleError::Conflict(_))));
        assert!(
            Rule::from_fields(&[("encrypted_regex", ""), ("encrypted_suffix", "")])
                .unwrap()
                .is_none()
        );
        assert!(matches!(
            Rule::from_fields(&[("encrypted_regex", "(")]),
            Err(RuleError::BadRegex { .. })
        ));
    }
}
