//! Bad input through the binary, for every format and for `encrypt` and `decrypt`: malformed
//! syntax, invalid UTF-8, nesting 20,000 deep, a 16 MiB scalar, duplicate keys, truncated
//! encrypted files, a directory, an unreadable file, an empty file, a file of comments. Each
//! failure is one stderr line naming the file (with a line where the format gives one) and
//! sops's exit code; never a panic or a signal; the input file is never changed, with `-i` too.

use std::path::Path;
use std::process::{Output, Stdio};

use crate::support::{TestEnv, as_nobody, sops_rs_command};

/// Runs `encrypt` or `decrypt` on `path`, plain and with `-i`.
fn both(env: &TestEnv, command: &str, path: &Path) -> [Output; 2] {
    both_as(env, command, path, false)
}

/// [`both`], as user `nobody` when `unprivileged` (root reads any file, so an unreadable file
/// needs another user: util-linux's `setpriv`, present on Debian).
fn both_as(env: &TestEnv, command: &str, path: &Path, unprivileged: bool) -> [Output; 2] {
    let file = path.to_str().unwrap();
    [false, true].map(|in_place| {
        let mut args = vec![command];
        if command == "encrypt" {
            args.extend(["--age", &env.recipient]);
        }
        if in_place {
            args.push("-i");
        }
        args.push(file);
        if !unprivileged {
            return env.run(&args);
        }
        let mut ours = sops_rs_command(env.dir());
        ours.args(&args);
        as_nobody(&ours, env.dir())
            .current_dir("/")
            .stdin(Stdio::null())
            .output()
            .expect("setpriv (util-linux) must be installed")
    })
}

const FORMATS: [&str; 5] = ["yaml", "json", "toml", "ini", "env"];

/// Codes an error from reading or parsing may have: sops's 2 (unreadable or unparsable), 1
/// (metadata missing or malformed), 25 (a value), 51 (the MAC), 128 (no data key), 92 (no
/// document).
const ERROR_CODES: [i32; 6] = [1, 2, 25, 51, 92, 128];

/// No panic, no signal, no stack overflow; on failure one stderr line naming `name`.
fn clean(out: &Output, name: &str, what: &str) -> Option<i32> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    assert!(code.is_some(), "{what}: killed by a signal: {stderr}");
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "stack overflow",
        "overflowed its stack",
    ] {
        assert!(!stderr.contains(bad), "{what}: {stderr}");
    }
    let code = code.unwrap();
    if code != 0 {
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{what}: not one error line: {stderr}");
        assert!(
            lines[0].contains(name),
            "{what}: the file is not named: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{what}: output despite the error");
    }
    Some(code)
}

/// `input` as `name` fails both ways with `code`, one positioned line, the file untouched.
fn fails(env: &TestEnv, command: &str, name: &str, input: &[u8], code: i32, line: bool) {
    let path = env.write(name, input);
    for out in both(env, command, &path) {
        let what = format!("{command} {name}");
        assert_eq!(
            clean(&out, name, &what),
            Some(code),
            "{what}: {}",
            stderr(&out)
        );
        if line {
            assert!(
                stderr(&out).contains("line "),
                "{what}: no line: {}",
                stderr(&out)
            );
        }
        assert_eq!(
            std::fs::read(&path).unwrap(),
            input,
            "{what}: the file changed"
        );
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn malformed(ext: &str) -> &'static [u8] {
    match ext {
        "yaml" => b"a: 1\nb: [1, 2\n",
        "json" => b"{\"a\": 1,\n \"b\": }",
        "toml" => b"a = 1\nb = = 2\n",
        "ini" => b"[ok]\na = 1\n[broken\n",
        _ => b"A=1\nno equals sign\n",
    }
}

/// sops's exit code for text it cannot parse: 2 for a plaintext to encrypt, 1 for a file to
/// decrypt (which cannot be a sops file then).
fn unparsable_code(command: &str) -> i32 {
    if command == "encrypt" { 2 } else { 1 }
}

#[test]
fn malformed_syntax_and_invalid_utf8() {
    let env = TestEnv::new();
    for ext in FORMATS {
        for command in ["encrypt", "decrypt"] {
            let code = unparsable_code(command);
            fails(
                &env,
                command,
                &format!("bad.{ext}"),
                malformed(ext),
                code,
                true,
            );
            let mut utf8 = b"a=1\nb: \"x\xff\"\n".to_vec();
            if ext == "json" {
                utf8 = b"{\"a\":\n \"x\xff\"}".to_vec();
            }
            fails(&env, command, &format!("utf8.{ext}"), &utf8, code, true);
        }
    }
    // The binary store's envelope is JSON.
    fails(&env, "decrypt", "bad.bin", b"{\"data\": ", 1, true);
}

#[test]
fn nesting_twenty_thousand_deep() {
    let env = TestEnv::new();
    let n = 20_000;
    let cases: Vec<(&str, String)> = vec![
        (
            "flow.yaml",
            format!("a: {}{}\n", "[".repeat(n), "]".repeat(n)),
        ),
        (
            "flowmap.yaml",
            format!("a: {}1{}\n", "{a: ".repeat(n), "}".repeat(n)),
        ),
        ("block.yaml", format!("a:\n  {}1\n", "- ".repeat(n))),
        (
            "deep.json",
            format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n)),
        ),
        (
            "array.json",
            format!("{{\"a\":{}{}}}", "[".repeat(n), "]".repeat(n)),
        ),
        (
            "inline.toml",
            format!("a = {}1{}\n", "{a = ".repeat(n), "}".repeat(n)),
        ),
        (
            "array.toml",
            format!("a = {}{}\n", "[".repeat(n), "]".repeat(n)),
        ),
        ("dotted.toml", format!("a{} = 1\n", ".a".repeat(n))),
        ("meta.env", format!("sops_a{}=1\n", "__map_a".repeat(n))),
    ];
    for (name, input) in cases {
        for command in ["encrypt", "decrypt"] {
            let line = !name.ends_with(".env");
            fails(
                &env,
                command,
                name,
                input.as_bytes(),
                unparsable_code(command),
                line,
            );
        }
    }
}

#[test]
fn duplicate_keys() {
    let env = TestEnv::new();
    // YAML and TOML refuse duplicates, as sops's YAML store does; JSON, INI and dotenv keep
    // them (sops does too), so those only need to behave.
    fails(&env, "encrypt", "dup.yaml", b"a: 1\nb: 2\na: 3\n", 2, true);
    fails(&env, "encrypt", "dup.toml", b"a = 1\na = 2\n", 2, true);
    for (name, input) in [
        ("dup.json", &b"{\"a\": 1, \"a\": 2}"[..]),
        ("dup.ini", b"[s]\na = 1\na = 2\n"),
        ("dup.env", b"A=1\nA=2\n"),
    ] {
        let path = env.write(name, input);
        for out in both(&env, "encrypt", &path) {
            clean(&out, name, name);
        }
    }
}

#[test]
fn empty_files_and_comments_only() {
    let env = TestEnv::new();
    for ext in FORMATS.iter().chain(&["bin"]) {
        let comments: &[u8] = match *ext {
            "ini" => b"; one\n# two\n",
            "json" | "bin" => b"\n\n",
            _ => b"# one\n# two\n",
        };
        for (kind, input) in [("empty", &b""[..]), ("comments", comments)] {
            let name = format!("{kind}.{ext}");
            let path = env.write(&name, input);
            for command in ["encrypt", "decrypt"] {
                for out in both(&env, command, &path) {
                    let what = format!("{command} {name}");
                    let code = clean(&out, &name, &what).unwrap();
                    if command == "decrypt" {
                        assert!(ERROR_CODES.contains(&code), "{what}: exit {code}");
                    }
                }
                // Without -i the input is never written; with -i a successful encrypt
                // replaces it, so restore it for the next command.
                std::fs::write(&path, input).unwrap();
            }
        }
    }
}

#[test]
fn a_huge_scalar_is_handled() {
    let env = TestEnv::new();
    // 16 MiB keeps the debug-build test within seconds. Larger scalars go through the same code
    // paths; they were not measured separately.
    let big = "x".repeat(16 << 20);
    for (name, input) in [
        ("huge.json", format!("{{\"a\": \"{big}\"}}")),
        ("huge.yaml", format!("a: {big}\n")),
    ] {
        let path = env.write(name, input.as_bytes());
        let out = env.run(&["encrypt", "--age", &env.recipient, path.to_str().unwrap()]);
        assert_eq!(clean(&out, name, name), Some(0), "{}", stderr(&out));
        let enc = env.write(&format!("enc.{name}"), &out.stdout);
        drop(out);
        let out = env.run(&["decrypt", enc.to_str().unwrap()]);
        assert_eq!(clean(&out, name, name), Some(0), "{}", stderr(&out));
        assert!(out.stdout.len() > big.len());
    }
}

#[test]
fn truncated_encrypted_files() {
    let env = TestEnv::new();
    let plain: [(&str, &[u8]); 6] = [
        ("t.yaml", b"a: 1\nb:\n    - x\n    - y: z\nc: text\n"),
        (
            "t.json",
            b"{\"a\": 1, \"b\": [\"x\", {\"y\": \"z\"}], \"c\": \"text\"}",
        ),
        ("t.toml", b"a = 1\nc = \"text\"\n[b]\ny = \"z\"\n"),
        ("t.ini", b"[s]\na = 1\nc = text\n"),
        ("t.env", b"A=1\nC=text\n"),
        ("t.bin", b"binary \x00\xff data"),
    ];
    for (name, input) in plain {
        let path = env.write(name, input);
        let out = env.run(&["encrypt", "--age", &env.recipient, path.to_str().unwrap()]);
        assert_eq!(clean(&out, name, name), Some(0), "{}", stderr(&out));
        let full = out.stdout;
        let enc_path = env.write(&format!("full-{name}"), &full);
        let whole = env.run(&["decrypt", enc_path.to_str().unwrap()]).stdout;
        let cut_name = format!("cut-{name}");
        let step = (full.len() / 40).max(1);
        for at in (0..full.len()).step_by(step).chain([full.len() - 1]) {
            let cut = &full[..at];
            let cut_path = env.write(&cut_name, cut);
            let out = env.run(&["decrypt", cut_path.to_str().unwrap()]);
            let what = format!("{name} cut at {at} of {}", full.len());
            let code = clean(&out, &cut_name, &what).unwrap();
            if code == 0 {
                // Cuts that leave a valid file (trailing whitespace, or fields no MAC covers,
                // in sops either: the last rule or version) decrypt to the same plaintext.
                assert_eq!(out.stdout, whole, "{what}: a different plaintext");
                continue;
            }
            assert!(ERROR_CODES.contains(&code), "{what}: exit {code}");
            assert_eq!(std::fs::read(&cut_path).unwrap(), cut, "{what}: changed");
        }
    }
}

#[test]
fn directories_missing_and_unreadable_files() {
    let env = TestEnv::new();
    let dir = env.dir().join("dir.yaml");
    std::fs::create_dir(&dir).unwrap();
    let plain = env.write("plain.yaml", b"a: 1\n");
    for command in ["encrypt", "decrypt"] {
        for out in both(&env, command, &dir) {
            assert_eq!(
                clean(&out, "dir.yaml", command),
                Some(2),
                "{}",
                stderr(&out)
            );
        }
        // A path through a regular file does not exist (ENOTDIR), as a missing file: 100.
        let through = plain.join("x.yaml");
        for out in both(&env, command, &through) {
            assert_eq!(
                clean(&out, "x.yaml", command),
                Some(100),
                "{}",
                stderr(&out)
            );
        }
        // A file that opens but cannot be read: /proc/self/mem fails at offset 0 (EIO) even
        // for root, where chmod 000 does not stop reading.
        let out = env.run(&[command, "--input-type", "yaml", "/proc/self/mem"]);
        assert_eq!(
            clean(&out, "/proc/self/mem", command),
            Some(2),
            "{}",
            stderr(&out)
        );
        let locked = env.write(&format!("locked-{command}.yaml"), b"a: 1\n");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        // Root reads any file: then the unreadable case runs as `nobody`, who may pass through
        // the scratch directory but not read the file.
        let as_root = std::fs::read(&locked).is_ok();
        if as_root {
            std::fs::set_permissions(env.dir(), std::fs::Permissions::from_mode(0o711)).unwrap();
        }
        for out in both_as(&env, command, &locked, as_root) {
            assert_eq!(clean(&out, "locked", command), Some(2), "{}", stderr(&out));
            assert!(
                stderr(&out).contains("Permission denied"),
                "{}",
                stderr(&out)
            );
        }
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(std::fs::read(&locked).unwrap(), b"a: 1\n");
    }
}

#[test]
fn binary_files_keep_bytes_that_are_not_utf8() {
    let env = TestEnv::new();
    let input = b"\x89PNG\r\n\x1a\n\x00\xff\xfe text";
    let path = env.write("image.bin", input);
    let out = env.run(&["encrypt", "--age", &env.recipient, path.to_str().unwrap()]);
    assert_eq!(
        clean(&out, "image.bin", "encrypt"),
        Some(0),
        "{}",
        stderr(&out)
    );
    let enc = env.write("image.enc.bin", &out.stdout);
    let out = env.run(&["decrypt", enc.to_str().unwrap()]);
    assert_eq!(clean(&out, "image", "decrypt"), Some(0), "{}", stderr(&out));
    assert_eq!(out.stdout, input);
}
