//! Plain-scalar resolution the way go-yaml v3 does it when sops decodes a file: which unquoted
//! scalars become null, bool, int, float, timestamp or string. The emitter uses the same rules to
//! decide whether a string must be quoted to survive a round trip.

use crate::tree::{Scalar, Timestamp};

/// What a plain scalar resolves to.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    /// A typed (or string) scalar sops can hold.
    Scalar(Scalar),
    /// A positive integer that fits `u64` but not `i64` (sops rejects these).
    Uint(u64),
    /// The merge key `<<` (a string for sops, but not plain-safe for the emitter).
    Merge,
}

/// Resolves an unquoted, untagged scalar.
pub fn resolve_plain(s: &str) -> Resolved {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Scalar(Scalar::Null),
        "true" | "True" | "TRUE" => return Resolved::Scalar(Scalar::Bool(true)),
        "false" | "False" | "FALSE" => return Resolved::Scalar(Scalar::Bool(false)),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Scalar(Scalar::Float(f64::NAN)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Scalar(Scalar::Float(f64::INFINITY));
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Scalar(Scalar::Float(f64::NEG_INFINITY)),
        "<<" => return Resolved::Merge,
        _ => {}
    }
    let first = s.as_bytes()[0];
    let string = || Resolved::Scalar(Scalar::Str(s.to_string()));
    match first {
        b'.' => match go_parse_float(s) {
            Some(f) => Resolved::Scalar(Scalar::Float(f)),
            None => string(),
        },
        b'0'..=b'9' | b'+' | b'-' => {
            if let Some(t) = parse_timestamp(s) {
                return Resolved::Scalar(Scalar::Time(t));
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if let Some(i) = go_parse_int(&plain) {
                return Resolved::Scalar(Scalar::Int(i));
            }
            if let Some(u) = go_parse_uint(&plain) {
                return Resolved::Uint(u);
            }
            if let Some(f) = go_parse_float(&plain) {
                return Resolved::Scalar(Scalar::Float(f));
            }
            string()
        }
        _ => string(),
    }
}

/// A cheap pre-check for [`resolve_plain`]: false only for scalars it certainly reads as a
/// string (by the first byte and length), so callers can skip the full resolution. Kept next to
/// `resolve_plain` because it must cover every special word and number form listed there.
pub fn may_resolve_to_non_string(s: &str) -> bool {
    match s.as_bytes().first() {
        None => true,
        Some(b'0'..=b'9' | b'+' | b'-' | b'.' | b'~' | b'<') => true,
        Some(b'n' | b'N' | b't' | b'T' | b'f' | b'F') => s.len() <= 5,
        Some(_) => false,
    }
}

/// True when a string written plain would read back as something other than that string.
pub fn plain_is_not_string(s: &str) -> bool {
    // Only these first bytes can start a non-string plain scalar (null, bool, number, time,
    // `.nan`/`.inf`, `<<`); every other string is settled without building the resolved value.
    match s.as_bytes().first() {
        None
        | Some(
            b'0'..=b'9'
            | b'+'
            | b'-'
            | b'.'
            | b'~'
            | b'<'
            | b'n'
            | b'N'
            | b't'
            | b'T'
            | b'f'
            | b'F',
        ) => !matches!(resolve_plain(s), Resolved::Scalar(Scalar::Str(_))),
        Some(_) => false,
    }
}

/// YAML 1.1 booleans yaml.v3 still quotes on output.
pub fn is_old_bool(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// YAML 1.1 base-60 floats (`1:20`, `-3:25:45.5`), which yaml.v3 quotes on output.
pub fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        // [0-5]?[0-9]
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        let digits = &b[start..i];
        let ok = match digits.len() {
            1 => true,
            2 => digits[0] <= b'5',
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go `strconv.ParseFloat(s, 64)` for the decimal forms yaml.v3 lets through; out of range is
/// an error (Go reports `ErrRange` with ±Inf).
fn go_parse_float(s: &str) -> Option<f64> {
    if !is_yaml_style_float(s) {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    if f.is_infinite() { None } else { Some(f) }
}

/// Splits Go's base prefix (`0x`, `0o`, `0b`, leading `0`) off an unsigned literal.
fn base_and_digits(s: &str) -> (u32, &str) {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0] == b'0' {
        match b[1] {
            b'x' | b'X' => return (16, &s[2..]),
            b'o' | b'O' => return (8, &s[2..]),
            b'b' | b'B' => return (2, &s[2..]),
            _ => return (8, &s[1..]),
        }
    }
    (10, s)
}

/// Go `strconv.ParseUint(s, 0, 64)` (no sign, no underscores left).
fn go_parse_uint(s: &str) -> Option<u64> {
    let (base, digits) = base_and_digits(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(base)) {
        return None;
    }
    u64::from_str_radix(digits, base).ok()
}

/// Go `strconv.ParseInt(s, 0, 64)`.
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, rest) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let magnitude = go_parse_uint(rest)?;
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            Some((magnitude as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// yaml.v3 timestamp resolution: exactly four digits then `-`, then Go `time.Parse` with the
/// layouts `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`, `2006-1-2 15:4:5.999999999`
/// and `2006-1-2`.
pub fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let lead = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if lead != 4 || b.get(4) != Some(&b'-') {
        return None;
    }
    let mut p = Cursor { b, i: 0 };
    let year = p.fixed(4)? as i32;
    p.lit(b'-')?;
    let month = p.flex()?;
    p.lit(b'-')?;
    let day = p.flex()?;
    if p.done() {
        return build(year, month, day, 0, 0, 0, 0, 0);
    }
    let sep = p.next()?;
    let zoned = match sep {
        b'T' | b't' => true,
        b' ' => false,
        _ => return None,
    };
    let hour = p.flex()?;
    p.lit(b':')?;
    let minute = p.flex()?;
    p.lit(b':')?;
    let second = p.flex()?;
    let mut nanos = 0u32;
    if p.i + 1 < b.len() && (b[p.i] == b'.' || b[p.i] == b',') && b[p.i + 1].is_ascii_digit() {
        p.i += 1;
        let start = p.i;
        while p.i < b.len() && b[p.i].is_ascii_digit() {
            p.i += 1;
        }
        let frac = &b[start..p.i.min(start + 9)];
        let mut n = 0u32;
        for (k, d) in frac.iter().enumerate() {
            n += u32::from(d - b'0') * 10u32.pow(8 - k as u32);
        }
        nanos = n;
    }
    let mut offset = 0i32;
    if zoned {
        match p.next()? {
            b'Z' => {}
            sign @ (b'+' | b'-') => {
                let hh = p.fixed(2)? as i32;
                p.lit(b':')?;
                let mm = p.fixed(2)? as i32;
                if hh > 24 || mm > 60 {
                    return None;
                }
                offset = hh * 3600 + mm * 60;
                if sign == b'-' {
                    offset = -offset;
                }
            }
            _ => return None,
        }
    }
    if !p.done() {
        return None;
    }
    build(year, month, day, hour, minute, second, nanos, offset)
}

#[allow(clippy::too_many_arguments)]
fn build(
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    offset: i32,
) -> Option<Timestamp> {
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Timestamp::from_parts(
        year,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
        hour as u8,
        minute as u8,
        second as u8,
        nanos,
        offset,
    )
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
    fn next(&mut self) -> Option<u8> {
        let c = *self.b.get(self.i)?;
        self.i += 1;
        Some(c)
    }
    fn lit(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }
    /// Exactly `n` digits.
    fn fixed(&mut self, n: usize) -> Option<u32> {
        let mut v = 0;
        for _ in 0..n {
            let c = self.next()?;
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
        }
        Some(v)
    }
    /// One or two digits (Go's non-padded layout elements).
    fn flex(&mut self) -> Option<u32> {
        let c = self.next()?;
        if !c.is_ascii_digit() {
            return None;
        }
        let mut v = u32::from(c - b'0');
        if let Some(&d) = self.b.get(self.i).filter(|d| d.is_ascii_digit()) {
            self.i += 1;
            v = v * 10 + u32::from(d - b'0');
        }
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Resolved {
        resolve_plain(s)
    }
    fn sc(s: Scalar) -> Resolved {
        Resolved::Scalar(s)
    }

    #[test]
    fn nulls_and_bools() {
        for s in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(r(s), sc(Scalar::Null), "{s}");
        }
        for s in ["true", "True", "TRUE"] {
            assert_eq!(r(s), sc(Scalar::Bool(true)));
        }
        for s in ["false", "False", "FALSE"] {
            assert_eq!(r(s), sc(Scalar::Bool(false)));
        }
        for s in ["yes", "no", "on", "off", "y", "n", "nULL", "tRUE"] {
            assert_eq!(r(s), sc(Scalar::Str(s.into())), "{s}");
        }
    }

    #[test]
    fn ints() {
        assert_eq!(r("42"), sc(Scalar::Int(42)));
        assert_eq!(r("-17"), sc(Scalar::Int(-17)));
        assert_eq!(r("+5"), sc(Scalar::Int(5)));
        assert_eq!(r("0755"), sc(Scalar::Int(493)));
        assert_eq!(r("0x1F"), sc(Scalar::Int(31)));
        assert_eq!(r("0o17"), sc(Scalar::Int(15)));
        assert_eq!(r("0b101"), sc(Scalar::Int(5)));
        assert_eq!(r("-0b101"), sc(Scalar::Int(-5)));
        assert_eq!(r("1_000"), sc(Scalar::Int(1000)));
        assert_eq!(r("9223372036854775807"), sc(Scalar::Int(i64::MAX)));
        assert_eq!(r("-9223372036854775808"), sc(Scalar::Int(i64::MIN)));
        assert_eq!(
            r("9223372036854775808"),
            Resolved::Uint(9223372036854775808)
        );
        assert_eq!(r("0"), sc(Scalar::Int(0)));
    }

    #[test]
    fn floats() {
        assert_eq!(r("1.5"), sc(Scalar::Float(1.5)));
        assert_eq!(r("1e-07"), sc(Scalar::Float(1e-7)));
        assert_eq!(r("2.0"), sc(Scalar::Float(2.0)));
        assert_eq!(r(".5"), sc(Scalar::Float(0.5)));
        assert_eq!(r("1."), sc(Scalar::Float(1.0)));
        assert_eq!(r("08"), sc(Scalar::Float(8.0)));
        assert_eq!(r("99999999999999999999"), sc(Scalar::Float(1e20)));
        assert_eq!(r(".inf"), sc(Scalar::Float(f64::INFINITY)));
        assert_eq!(r("-.Inf"), sc(Scalar::Float(f64::NEG_INFINITY)));
        assert!(matches!(r(".NaN"), Resolved::Scalar(Scalar::Float(f)) if f.is_nan()));
        for s in [
            "1e400", "1.2.3", "0x", "+", "-", ".", "1e", "inf", "1_0.5x", "-a",
        ] {
            assert_eq!(r(s), sc(Scalar::Str(s.into())), "{s}");
        }
    }

    #[test]
    fn timestamps() {
        let t = |s: &str| match r(s) {
            Resolved::Scalar(Scalar::Time(t)) => t.to_rfc3339_nano(),
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(t("2024-01-31"), "2024-01-31T00:00:00Z");
        assert_eq!(t("2024-1-3"), "2024-01-03T00:00:00Z");
        assert_eq!(
            t("2001-12-14t21:59:43.10-05:00"),
            "2001-12-14T21:59:43.1-05:00"
        );
        assert_eq!(t("2001-12-14T21:59:43Z"), "2001-12-14T21:59:43Z");
        assert_eq!(t("2001-12-14 21:59:43.5"), "2001-12-14T21:59:43.5Z");
        assert_eq!(t("2026-05-22T20:16:23+00:00"), "2026-05-22T20:16:23Z");
        for s in [
            "2024-02-30",
            "2024-01-31x",
            "20240-01-01",
            "2001-12-14 21:59:43Z",
            "2024-13-01",
        ] {
            assert!(!matches!(r(s), Resolved::Scalar(Scalar::Time(_))), "{s}");
        }
    }

    #[test]
    fn output_quoting_helpers() {
        assert!(is_base60_float("1:20"));
        assert!(is_base60_float("-3:25:45.5"));
        assert!(!is_base60_float("1:60"));
        assert!(!is_base60_float("12"));
        assert!(!is_base60_float("a:1"));
        assert!(is_old_bool("yes") && is_old_bool("Y") && !is_old_bool("true"));
        assert!(plain_is_not_string("123") && plain_is_not_string("<<"));
        assert!(!plain_is_not_string("hello"));
    }

    #[test]
    fn the_pre_check_covers_every_non_string() {
        let words = [
            "",
            "~",
            "null",
            "Null",
            "NULL",
            "true",
            "True",
            "TRUE",
            "false",
            "False",
            "FALSE",
            ".nan",
            ".NaN",
            ".NAN",
            ".inf",
            ".Inf",
            ".INF",
            "+.inf",
            "-.inf",
            "<<",
            "1",
            "-1",
            "0x1F",
            "1e3",
            "2001-12-14",
            "18446744073709551615",
            "yes",
            "no",
            "on",
            "off",
        ];
        for word in words {
            if resolve_plain(word) != Resolved::Scalar(Scalar::Str(word.to_string())) {
                assert!(may_resolve_to_non_string(word), "{word:?}");
            }
        }
        assert!(!may_resolve_to_non_string("ENC[AES256_GCM,data:x]"));
        assert!(!may_resolve_to_non_string("nothing"));
    }
}
