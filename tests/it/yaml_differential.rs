//! The YAML reader never changes data: seeded random YAML documents built from the shapes where
//! readers disagree (block scalars with every chomping and indentation indicator, at the end of
//! the file or not, with or without a final line feed, trailing blank lines, CRLF, tabs and
//! trailing spaces in content and indentation, multi-line plain and quoted scalars, flow
//! collections over several lines, comments, nesting in mappings and sequences) are encrypted
//! by the real sops 3.12.2 and by sops-rs; each encrypted file is decrypted by the other tool,
//! and the JSON trees must be what sops reads from its own file, as must sops's YAML output of
//! the sops-rs file (which shows where the comments went). Where sops refuses an input, sops-rs
//! must refuse it with the same exit code (`support::pair`).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::support::pair::assert_all_agree;

/// The cases sops's functional tests and issue reports name, written out.
#[test]
fn block_scalars_at_the_end_of_the_file() {
    let cases: Vec<String> = [
        "multiline: |\n  multi\n  line",
        "multiline: >\n  multi\n  line",
        "a: 1\nmultiline: |\n  multi\n  line",
        "l:\n  - x\n  - |\n    multi\n    line",
        "l:\n- |-\n  multi\n  line",
        "m: |+\n  kept\n\n",
        "m: |+\n  kept\n\n  ",
        "m: |\n  x\n   ",
        "m: |2\n   x",
        "m: >1-\n  x",
        "m: |\r\n  multi\r\n  line",
        "m: |\n  multi\n  line\n# end",
        "m: |\n  multi\n  line\n\n\n",
    ]
    .map(String::from)
    .to_vec();
    assert_all_agree(&cases, "yaml");
}

/// Seeded random documents (see the module docs); a few hundred, so that the run stays short.
#[test]
fn random_documents_read_the_same() {
    const CASES: usize = 400;
    let mut generator = Generator(StdRng::seed_from_u64(0x2545_f491_4f6c_dd1d));
    let cases: Vec<String> = (0..CASES).map(|_| generator.document()).collect();
    assert_all_agree(&cases, "yaml");
}

struct Generator(StdRng);

/// Words for scalar content: YAML indicators, spaces and tabs where they matter.
const WORDS: &[&str] = &[
    "multi",
    "line",
    "a b",
    "x: y",
    "#no",
    "a #b",
    "- dash",
    "'q'",
    "\"dq\"",
    "tab\there",
    "trail ",
    "trail\t",
    "\\",
    "{a}",
    "[b]",
    "é",
    "%",
    "key: |",
    "1",
    "true",
    "---x",
    "~",
];

impl Generator {
    fn below(&mut self, n: usize) -> usize {
        self.0.gen_range(0..n)
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }

    fn words(&mut self) -> String {
        let mut text = self.pick(WORDS).to_string();
        for _ in 0..self.below(3) {
            text.push(' ');
            text.push_str(self.pick(WORDS));
        }
        text
    }

    /// A whole file: a mapping at column 0, often ending in a block scalar, then the end of the
    /// file varied (final line feed or not, blank lines, a comment) and sometimes CRLF.
    fn document(&mut self) -> String {
        let mut out = String::new();
        if self.chance(8) {
            out.push_str("---\n");
        }
        let mut keys = 0;
        let entries = 1 + self.below(3);
        for n in 0..entries {
            let last = n + 1 == entries;
            if n > 0 && self.chance(10) {
                out.push_str(self.pick(&["---\n", "...\n---\n", "--- # doc\n"]));
            }
            self.entry(&mut out, 0, &mut keys, 0);
            if last && self.chance(2) {
                out.push_str(&format!("k{keys}:"));
                keys += 1;
                self.block_scalar(&mut out, 0, 0);
            }
        }
        match self.below(8) {
            0 => out.push_str("# end\n"),
            1 => out.push_str("# end"),
            2 => out.push('\n'),
            3 => out.push_str("\n\n"),
            4 => out.push_str("   "),
            5 => out.push_str("  \n"),
            6 => out.push_str("...\n"),
            _ => {}
        }
        if self.chance(40) {
            // A line separator: a line break for go-yaml only (sops-rs refuses it).
            out = out.replacen("multi", "mu\u{2028}lti", 1);
        }
        if self.chance(5) {
            // A tab at the start of a line, where go-yaml is strict about it.
            let lines: Vec<&str> = out.split('\n').collect();
            let at = self.below(lines.len());
            let prefix = self.pick(&["\t", " \t", "   \t", "\t\n"]);
            let mut mutated: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            mutated[at].insert_str(0, prefix);
            out = mutated.join("\n");
        }
        if self.chance(2) {
            while out.ends_with('\n') {
                out.pop();
            }
        }
        if self.chance(5) {
            out = out.replace('\n', "\r\n");
        }
        out
    }

    /// `key:` at `indent` and its value.
    fn entry(&mut self, out: &mut String, indent: usize, keys: &mut usize, depth: usize) {
        out.push_str(&" ".repeat(indent));
        out.push_str(&format!("k{keys}:"));
        *keys += 1;
        self.value(out, indent, keys, depth, false);
    }

    /// After `key:` (or `-` when `in_list`), whose block sits at column `indent`.
    fn value(
        &mut self,
        out: &mut String,
        indent: usize,
        keys: &mut usize,
        depth: usize,
        in_list: bool,
    ) {
        match self.below(12) {
            0..=3 => self.block_scalar(out, indent, usize::from(in_list)),
            4 => self.plain_lines(out, indent),
            5 => self.single_quoted_lines(out, indent),
            6 => self.double_quoted_lines(out, indent),
            7 if depth < 3 => {
                out.push('\n');
                let inner = indent + [1, 2, 4][self.below(3)];
                for _ in 0..1 + self.below(2) {
                    if self.chance(4) {
                        out.push_str(&format!("{}# between\n", " ".repeat(inner)));
                    }
                    self.entry(out, inner, keys, depth + 1);
                }
            }
            8 if depth < 3 => {
                out.push('\n');
                let dash = if in_list || self.chance(2) {
                    indent + 2
                } else {
                    indent
                };
                for _ in 0..1 + self.below(3) {
                    out.push_str(&" ".repeat(dash));
                    out.push('-');
                    if self.chance(3) {
                        // A compact mapping: `- key: value`.
                        out.push(' ');
                        let mut first = String::new();
                        self.entry(&mut first, dash + 2, keys, depth + 1);
                        out.push_str(&first[dash + 2..]);
                    } else {
                        self.value(out, dash, keys, depth + 1, true);
                    }
                }
            }
            9 => out.push_str(&format!(" {} # note\n", self.pick(WORDS).trim())),
            10 if self.chance(2) => {
                let separator = self.pick(&["\n", "\n\t", "\n ", "\n\t\t "]);
                out.push_str(&format!(" [a,{separator}b, {{c: d,{separator}e: f}}]\n"));
            }
            _ => out.push_str(&format!(" v{}\n", self.below(100))),
        }
    }

    /// A block scalar after `key:` or `-`: a header with any chomping and, now and then, an
    /// indentation indicator (right, or wrong on purpose), then content lines with blank,
    /// space-only, more-indented, tabbed and trailing-space lines, then blank lines.
    fn block_scalar(&mut self, out: &mut String, indent: usize, dash_offset: usize) {
        let style = self.pick(&["|", ">"]);
        let chomp = self.pick(&["", "-", "+"]);
        let content = indent + dash_offset + 1 + self.below(3);
        let mut header = format!(" {style}");
        let indicator = match self.below(4) {
            0 => Some(content - indent),
            1 => Some(1 + self.below(4)),
            _ => None,
        };
        match indicator {
            Some(n) if n < 10 && self.chance(2) => header.push_str(&format!("{n}{chomp}")),
            Some(n) if n < 10 => header.push_str(&format!("{chomp}{n}")),
            _ => header.push_str(chomp),
        }
        if self.chance(6) {
            header.push_str(" # header");
        }
        out.push_str(&header);
        out.push('\n');
        if self.chance(6) {
            out.push('\n');
        }
        for n in 0..1 + self.below(4) {
            let column = " ".repeat(content);
            match self.below(10) {
                0 if n > 0 => out.push('\n'),
                1 if n > 0 => out.push_str(&" ".repeat(self.below(content + 3))),
                2 => out.push_str(&format!("{column}  {}", self.words())),
                3 => out.push_str(&format!("{column}\t{}", self.words())),
                4 => out.push_str(&format!("{column}{}  ", self.words())),
                _ => out.push_str(&format!("{column}{}", self.words())),
            }
            out.push('\n');
        }
        for _ in 0..self.below(3) {
            out.push_str(&" ".repeat(self.below(2) * self.below(content + 2)));
            out.push('\n');
        }
    }

    /// A plain scalar folded over several lines, with blank lines between.
    fn plain_lines(&mut self, out: &mut String, indent: usize) {
        let continuation = " ".repeat(indent + 1 + self.below(3));
        out.push_str(&format!(" first{}\n", self.pick(&["", " ", "\t"])));
        for _ in 0..1 + self.below(3) {
            if self.chance(3) {
                out.push('\n');
            }
            let word = self.pick(&["next", "a b", "x\ty", "tail ", "-1", "é"]);
            out.push_str(&format!("{continuation}{word}\n"));
        }
    }

    /// The indentation of a quoted scalar's continuation line: deeper than the block, or (as
    /// go-yaml allows) not, or with tabs.
    fn quoted_continuation(&mut self, indent: usize) -> String {
        match self.below(6) {
            0 => String::new(),
            1 => "\t".to_string(),
            2 => format!("{}\t", " ".repeat(self.below(indent + 2))),
            _ => " ".repeat(indent + 1 + self.below(3)),
        }
    }

    /// A single-quoted scalar over several lines.
    fn single_quoted_lines(&mut self, out: &mut String, indent: usize) {
        let continuation = self.quoted_continuation(indent);
        out.push_str(" 'one");
        for _ in 0..1 + self.below(3) {
            out.push_str(self.pick(&["\n", "\n\n", " \n", "\t\n", "''\n"]));
            out.push_str(&continuation);
            out.push_str(self.pick(&["two", "a b", " lead", "x''y", "# no"]));
        }
        out.push_str("'\n");
    }

    /// A double-quoted scalar over several lines, with escapes and escaped line breaks.
    fn double_quoted_lines(&mut self, out: &mut String, indent: usize) {
        let continuation = self.quoted_continuation(indent);
        out.push_str(" \"one");
        for _ in 0..1 + self.below(3) {
            out.push_str(self.pick(&["\n", "\n\n", " \n", "\\\n", "\\t\n", "\\ \n"]));
            out.push_str(&continuation);
            out.push_str(self.pick(&["two", "a b", "\\x41", "\\u00e9", " lead", "\\\""]));
        }
        out.push_str("\"\n");
    }
}
