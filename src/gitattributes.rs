//! `.gitattributes` for the files creation rules cover: a rule's `path_regex` turned into git
//! glob patterns that match exactly the same paths, and lines added to an existing
//! `.gitattributes` without duplicating or dropping any.
//!
//! A `path_regex` is matched, unanchored, against a file's path relative to the config's
//! directory; a `.gitattributes` pattern against the path relative to its own directory, so the
//! patterns belong in a `.gitattributes` beside the config. Only regexes built from literal
//! text, `.*`, `[^/]*`, groups of literal alternatives and the anchors `^` and `$` are
//! translated; for anything else [`patterns_for`] says why it cannot, rather than guess a
//! pattern that matches more or fewer files. (`.` does not match a newline and `*` does: paths
//! with a newline in them are the one place the two differ.)

/// More lines than this for one regex (alternatives multiply) is refused.
const MAX_PATTERNS: usize = 32;

/// One piece of a regex branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `.*`: anything, `/` included.
    Any,
    /// `[^/]*`: anything within one path component.
    InComponent,
}

/// The glob patterns that together match exactly the paths `regex` matches, or why there are
/// none.
pub fn patterns_for(regex: &str) -> Result<Vec<String>, String> {
    let mut patterns: Vec<String> = Vec::new();
    for branch in split_top_level(regex)? {
        add_new(&mut patterns, branch_patterns(&branch)?)?;
    }
    Ok(patterns)
}

/// Adds the patterns `patterns` does not hold yet, within [`MAX_PATTERNS`].
fn add_new(patterns: &mut Vec<String>, found: Vec<String>) -> Result<(), String> {
    for pattern in found {
        if !patterns.contains(&pattern) {
            patterns.push(pattern);
        }
    }
    if patterns.len() > MAX_PATTERNS {
        return Err(format!("it needs more than {MAX_PATTERNS} patterns"));
    }
    Ok(())
}

/// The regex's top-level alternatives (`a$|b$`): a path matches the regex when it matches one.
fn split_top_level(regex: &str) -> Result<Vec<String>, String> {
    let mut branches = vec![String::new()];
    let mut depth = 0usize;
    let mut chars = regex.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next().ok_or("it ends with a lone `\\`")?;
                let last = branches.last_mut().expect("one branch at least");
                last.push(c);
                last.push(next);
                continue;
            }
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '|' if depth == 0 => {
                branches.push(String::new());
                continue;
            }
            _ => {}
        }
        branches.last_mut().expect("one branch at least").push(c);
    }
    Ok(branches)
}

/// The patterns of one branch without top-level `|`.
fn branch_patterns(branch: &str) -> Result<Vec<String>, String> {
    let (anchored_start, rest) = match branch.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (false, branch),
    };
    let (anchored_end, body) = match rest.strip_suffix('$') {
        Some(body) if !body.ends_with('\\') || body.ends_with("\\\\") => (true, body),
        _ => (false, rest),
    };
    let mut patterns = Vec::new();
    for sequence in expand(body)? {
        let mut full = Vec::new();
        if !anchored_start {
            full.push(Token::Any);
        }
        full.extend(sequence);
        if !anchored_end {
            full.push(Token::Any);
        }
        add_new(&mut patterns, globs(&simplify(full))?)?;
    }
    Ok(patterns)
}

/// Every token sequence the body stands for, one per choice of alternatives in its groups.
fn expand(body: &str) -> Result<Vec<Vec<Token>>, String> {
    let mut sequences: Vec<Vec<Token>> = vec![Vec::new()];
    let chars: Vec<char> = body.chars().collect();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        let rest: String = chars[at..].iter().collect();
        if rest.starts_with(".*") {
            sequences.iter_mut().for_each(|s| s.push(Token::Any));
            at += 2;
        } else if rest.starts_with("[^/]*") {
            sequences
                .iter_mut()
                .for_each(|s| s.push(Token::InComponent));
            at += 5;
        } else if c == '\\' {
            let escaped = literal_escape(chars.get(at + 1).copied())?;
            sequences
                .iter_mut()
                .for_each(|s| s.push(Token::Char(escaped)));
            at += 2;
        } else if c == '(' {
            let (alternatives, end) = group(&chars, at)?;
            if matches!(chars.get(end), Some('*' | '+' | '?' | '{')) {
                return Err("it repeats a group".into());
            }
            let mut grown = Vec::new();
            for sequence in &sequences {
                for alternative in &alternatives {
                    let mut longer = sequence.clone();
                    longer.extend(alternative.chars().map(Token::Char));
                    grown.push(longer);
                }
            }
            if grown.len() > MAX_PATTERNS {
                return Err(format!("it needs more than {MAX_PATTERNS} patterns"));
            }
            sequences = grown;
            at = end;
        } else if is_plain(c) {
            if matches!(chars.get(at + 1), Some('*' | '+' | '?' | '{')) {
                return Err(format!("it repeats `{c}`"));
            }
            sequences.iter_mut().for_each(|s| s.push(Token::Char(c)));
            at += 1;
        } else {
            return Err(format!("`{rest}` is not literal text, `.*` or `[^/]*`"));
        }
    }
    Ok(sequences)
}

/// A group of literal alternatives starting at `chars[start]` (`(`): the alternatives and the
/// index after its `)`.
fn group(chars: &[char], start: usize) -> Result<(Vec<String>, usize), String> {
    let mut at = start + 1;
    if chars.get(at..at + 2) == Some(&['?', ':']) {
        at += 2;
    } else if chars.get(at) == Some(&'?') {
        return Err("it has a group with flags or a name".into());
    }
    let mut alternatives = vec![String::new()];
    while let Some(&c) = chars.get(at) {
        match c {
            ')' => return Ok((alternatives, at + 1)),
            '|' => alternatives.push(String::new()),
            '\\' => {
                let escaped = literal_escape(chars.get(at + 1).copied())?;
                alternatives.last_mut().expect("one").push(escaped);
                at += 1;
            }
            c if is_plain(c) && !matches!(chars.get(at + 1), Some('*' | '+' | '?' | '{')) => {
                alternatives.last_mut().expect("one").push(c);
            }
            _ => return Err("it has a group that is not a choice of literal texts".into()),
        }
        at += 1;
    }
    Err("it has a group that is not closed".into())
}

/// The character an escape stands for, when it is an escaped punctuation character.
fn literal_escape(next: Option<char>) -> Result<char, String> {
    match next {
        Some(c) if c.is_ascii_punctuation() => Ok(c),
        Some(c) => Err(format!("`\\{c}` is a character class or an assertion")),
        None => Err("it ends with a lone `\\`".into()),
    }
}

/// A character that stands for itself in a regex and needs no quoting in a `.gitattributes`
/// pattern.
fn is_plain(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(
            c,
            '/' | '-' | '_' | '@' | ',' | '=' | '~' | '%' | ':' | '\''
        )
}

/// Drops what cannot change the paths matched: `[^/]*` next to `.*`, and repeated `.*`.
fn simplify(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for token in tokens {
        match (out.last().copied(), token) {
            (Some(Token::Any), Token::Any | Token::InComponent) => {}
            (Some(Token::InComponent), Token::Any) => {
                out.pop();
                out.push(Token::Any);
            }
            _ => out.push(token),
        }
    }
    out
}

/// One piece of a glob: a character, `*` (within a component), or `**` as a whole component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Piece {
    Char(char),
    Star,
    Globstar,
}

/// The globs of a token sequence that matches whole paths.
fn globs(tokens: &[Token]) -> Result<Vec<String>, String> {
    if tokens == [Token::Any] {
        return Err("it matches every file".into());
    }
    let mut globs: Vec<Vec<Piece>> = vec![Vec::new()];
    let boundary = |token: Option<&Token>| matches!(token, None | Some(Token::Char('/')));
    for (at, token) in tokens.iter().enumerate() {
        let after_boundary = at == 0 || boundary(tokens.get(at - 1));
        let before_boundary = boundary(tokens.get(at + 1));
        let choices: Vec<Vec<Piece>> = match token {
            Token::Char('*' | '?' | '[' | '\\' | '!' | '#' | '"') => {
                return Err("it names a character a pattern cannot hold".into());
            }
            Token::Char(c) if c.is_whitespace() => {
                return Err("it names a character a pattern cannot hold".into());
            }
            Token::Char(c) => vec![vec![Piece::Char(*c)]],
            Token::InComponent => vec![vec![Piece::Star]],
            Token::Any if at + 1 == tokens.len() && at > 0 && after_boundary => {
                // `dir/.*` at the end: everything inside dir.
                vec![vec![Piece::Globstar]]
            }
            Token::Any if at + 1 == tokens.len() => {
                // `name.*` at the end: a file whose name starts so, or anything inside such a
                // directory.
                vec![
                    vec![Piece::Star],
                    vec![Piece::Star, Piece::Char('/'), Piece::Globstar],
                ]
            }
            Token::Any if after_boundary && before_boundary => {
                vec![vec![Piece::Star, Piece::Char('/'), Piece::Globstar]]
            }
            Token::Any if after_boundary => {
                vec![vec![Piece::Globstar, Piece::Char('/'), Piece::Star]]
            }
            Token::Any if before_boundary => {
                vec![vec![Piece::Star, Piece::Char('/'), Piece::Globstar]]
            }
            Token::Any => vec![
                vec![Piece::Star],
                vec![
                    Piece::Star,
                    Piece::Char('/'),
                    Piece::Globstar,
                    Piece::Char('/'),
                    Piece::Star,
                ],
            ],
        };
        let mut grown = Vec::new();
        for glob in &globs {
            for choice in &choices {
                let mut longer = glob.clone();
                longer.extend(choice);
                grown.push(longer);
            }
        }
        globs = grown;
    }
    globs.iter().map(|pieces| render(pieces)).collect()
}

/// A glob's text as `.gitattributes` takes it: a pattern without `/` matches a file name in any
/// directory, so one that must start at the top gets a leading `/`, and a leading `**/` before
/// a single file name is left out.
fn render(pieces: &[Piece]) -> Result<String, String> {
    let mut text = String::new();
    for piece in pieces {
        match piece {
            Piece::Char(c) => text.push(*c),
            Piece::Star if text.ends_with('*') && !text.ends_with("**") => {}
            Piece::Star => text.push('*'),
            Piece::Globstar => text.push_str("**"),
        }
    }
    let components: Vec<&str> = text.split('/').collect();
    if text.starts_with('/')
        || components
            .iter()
            .any(|c| c.is_empty() || *c == "." || *c == "..")
    {
        return Err("it matches no path inside the config's directory".into());
    }
    if let Some(name) = text.strip_prefix("**/").filter(|rest| !rest.contains('/')) {
        return Ok(name.to_string());
    }
    if !text.contains('/') {
        return Ok(format!("/{text}"));
    }
    Ok(text)
}

/// `existing` (a `.gitattributes`, possibly empty) with a line `PATTERN ATTRIBUTES` added for
/// each pattern whose lines do not already set every one of `attributes` (`diff=sops-rs`); the
/// other lines are kept as they are. `None` when nothing needs adding.
pub fn add_lines(existing: &str, patterns: &[String], attributes: &[&str]) -> Option<String> {
    let missing: Vec<&String> = patterns
        .iter()
        .filter(|pattern| !attributes.iter().all(|a| sets(existing, pattern, a)))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let mut text = existing.to_string();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    for pattern in missing {
        text.push_str(pattern);
        for attribute in attributes {
            text.push(' ');
            text.push_str(attribute);
        }
        text.push('\n');
    }
    Some(text)
}

/// Whether the lines for exactly `pattern` leave `attribute` (`name=value`) set, the last line
/// that mentions the name winning.
fn sets(text: &str, pattern: &str, attribute: &str) -> bool {
    let name = attribute.split('=').next().unwrap_or(attribute);
    let mut set = false;
    for line in text.lines() {
        let mut words = line.split_whitespace();
        if words.next() != Some(pattern) {
            continue;
        }
        for word in words {
            let bare = word.trim_start_matches(['-', '!']);
            if bare.split('=').next() == Some(name) {
                set = word == attribute;
            }
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(regex: &str) -> Vec<String> {
        patterns_for(regex).unwrap_or_else(|e| panic!("{regex}: {e}"))
    }

    #[test]
    fn common_shapes_translate() {
        assert_eq!(ok(r"\.enc\.yaml$"), ["*.enc.yaml"]);
        assert_eq!(ok(r"^secrets/.*\.yaml$"), ["secrets/**/*.yaml"]);
        assert_eq!(ok(r"^secrets/.*\.json$"), ["secrets/**/*.json"]);
        assert_eq!(ok(r"\.(yaml|json)$"), ["*.yaml", "*.json"]);
        assert_eq!(
            ok(r"\.(?:yaml|json)$|\.env$"),
            ["*.yaml", "*.json", "*.env"]
        );
        assert_eq!(ok(r"^secrets/"), ["secrets/**"]);
        assert_eq!(ok(r"secrets/.*\.yaml$"), ["**/*secrets/**/*.yaml"]);
        assert_eq!(ok(r"^app\.enc\.yaml$"), ["/app.enc.yaml"]);
        assert_eq!(ok(r"^config/[^/]*\.enc\.json$"), ["config/*.enc.json"]);
        assert_eq!(ok(r"prod"), ["*prod*", "**/*prod*/**"]);
        assert_eq!(ok(r"^a.*b$"), ["/a*b", "a*/**/*b"]);
        assert_eq!(ok(r"^env/.*/secrets\.yaml$"), ["env/*/**/secrets.yaml"]);
    }

    #[test]
    fn what_cannot_be_translated_exactly_says_why() {
        for regex in [
            r"\.ya?ml$",
            r"^\w+\.yaml$",
            r"(?i)\.yaml$",
            r"\.y[a-z]ml$",
            r"^(a|b)+$",
            r"\.enc\.yaml",
            r"^a b$",
            r".*",
            r"\.\*$",
            r"^/abs$",
        ] {
            let result = patterns_for(regex);
            if regex == r"\.enc\.yaml" {
                // Unanchored at the end: it also covers whatever follows (a directory name).
                assert_eq!(result.unwrap(), ["*.enc.yaml*", "**/*.enc.yaml*/**"]);
                continue;
            }
            assert!(result.is_err(), "{regex}: {result:?}");
        }
    }

    #[test]
    fn lines_are_added_once_and_others_kept() {
        let patterns = vec!["*.enc.yaml".to_string(), "secrets/**/*.json".to_string()];
        let attributes = ["diff=sops-rs", "merge=sops-rs"];
        let first = add_lines("*.png binary", &patterns, &attributes).unwrap();
        assert_eq!(
            first,
            "*.png binary\n*.enc.yaml diff=sops-rs merge=sops-rs\n\
             secrets/**/*.json diff=sops-rs merge=sops-rs\n"
        );
        assert_eq!(add_lines(&first, &patterns, &attributes), None);
        // The two lines the manual setup wrote count as set.
        let manual = "*.enc.yaml diff=sops-rs\n*.enc.yaml merge=sops-rs\n";
        assert_eq!(
            add_lines(manual, &patterns[..1], &attributes),
            None,
            "the manual lines were not recognised"
        );
        // An attribute unset later is not set.
        let unset = "*.enc.yaml diff=sops-rs merge=sops-rs\n*.enc.yaml -diff\n";
        assert!(add_lines(unset, &patterns[..1], &attributes).is_some());
    }
}
