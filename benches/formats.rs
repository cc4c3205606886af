//! Parse, emit, encrypt and decrypt benchmarks per format on generated documents (divan).
//!
//! Every document has about 5,000 leaves shaped like the performance corpus (maps of 40 random
//! 24-letter strings and, where the format has lists, 10 ints). INI gets sections of strings and
//! dotenv one flat mapping, since those formats hold nothing deeper. Run with
//! `cargo bench --bench formats`; see docs/performance.md.

use divan::Bencher;
use sops_rs::Format;
use sops_rs::crypto::{DataKey, ValueCipher};
use sops_rs::formats::EmitOptions;
use sops_rs::fuzzing::{Direction, walk_tree};
use sops_rs::selection::Rule;
use sops_rs::tree::{ListItem, Map, Scalar, Tree, Value};

fn main() {
    divan::main();
}

const FORMATS: [&str; 5] = ["yaml", "json", "toml", "ini", "dotenv"];

/// A small deterministic generator (xorshift), so runs compare like with like.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn word(&mut self) -> String {
        (0..24)
            .map(|_| {
                let n = (self.next() % 52) as u8;
                (if n < 26 { b'a' + n } else { b'A' + n - 26 }) as char
            })
            .collect()
    }
}

/// About 5,000 leaves in the shape `format` can hold.
fn tree(format: Format) -> Tree {
    let mut g = Gen(0x5eed);
    let mut root = Map::default();
    match format {
        Format::Dotenv => {
            for i in 0..5_000 {
                root.push(format!("KEY_{i}"), Value::str(g.word()));
            }
        }
        _ => {
            for m in 0..100 {
                let mut inner = Map::default();
                for k in 0..40 {
                    inner.push(format!("key{k}"), Value::str(g.word()));
                }
                if format != Format::Ini {
                    let nums = (0..10)
                        .map(|_| {
                            ListItem::Value(Value::Scalar(Scalar::Int((g.next() >> 33) as i64)))
                        })
                        .collect();
                    inner.push("nums", Value::List(nums));
                }
                root.push(format!("item{m}"), Value::Map(inner));
            }
        }
    }
    Tree {
        documents: vec![root],
    }
}

fn format(name: &str) -> Format {
    Format::from_name(name).expect("a known format")
}

fn text(format: Format) -> Vec<u8> {
    format
        .emit(&tree(format), &EmitOptions::default())
        .expect("the generated tree emits")
}

fn rule() -> Rule {
    Rule::UnencryptedSuffix("_unencrypted".into())
}

#[divan::bench(args = FORMATS)]
fn parse(bencher: Bencher, name: &str) {
    let format = format(name);
    let input = text(format);
    bencher
        .counter(divan::counter::BytesCount::of_slice(&input))
        .bench(|| format.parse(divan::black_box(&input)).unwrap());
}

#[divan::bench(args = FORMATS)]
fn emit(bencher: Bencher, name: &str) {
    let format = format(name);
    let tree = tree(format);
    bencher.bench(|| {
        format
            .emit(divan::black_box(&tree), &EmitOptions::default())
            .unwrap()
    });
}

#[divan::bench(args = FORMATS)]
fn encrypt(bencher: Bencher, name: &str) {
    let format = format(name);
    let tree = tree(format);
    let key = DataKey::generate();
    let rule = rule();
    bencher
        .with_inputs(|| tree.clone())
        .bench_local_values(|mut tree| {
            let mut cipher = ValueCipher::new(&key);
            walk_tree(&mut tree, &mut cipher, &rule, false, Direction::Encrypt).unwrap();
            tree
        });
}

#[divan::bench(args = FORMATS)]
fn decrypt(bencher: Bencher, name: &str) {
    let format = format(name);
    let mut sealed = tree(format);
    let key = DataKey::generate();
    let rule = rule();
    walk_tree(
        &mut sealed,
        &mut ValueCipher::new(&key),
        &rule,
        false,
        Direction::Encrypt,
    )
    .unwrap();
    bencher
        .with_inputs(|| sealed.clone())
        .bench_local_values(|mut tree| {
            let mut cipher = ValueCipher::new(&key);
            walk_tree(&mut tree, &mut cipher, &rule, false, Direction::Decrypt).unwrap();
            tree
        });
}
