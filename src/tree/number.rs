//! Go-compatible float rendering.
//!
//! sops renders floats with Go's `strconv.FormatFloat`: `'f'` with the shortest precision for the
//! bytes it encrypts and hashes, `'g'` (through yaml.v3) when it writes YAML, and
//! `encoding/json`'s rule when it writes JSON. All three start from the same shortest round-trip
//! digits, which Rust's `{:e}` formatting also produces; this module only lays those digits out.

/// The shortest decimal digits of a finite float and its decimal exponent:
/// value = 0.d1d2d3... × 10^point.
struct Digits {
    negative: bool,
    digits: String,
    point: i32,
}

fn shortest_digits(f: f64) -> Digits {
    let formatted = format!("{:e}", f);
    let (mantissa, exponent) = formatted
        .split_once('e')
        .expect("{:e} always has an exponent");
    let exponent: i32 = exponent.parse().expect("{:e} exponent is an integer");
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = if digits.chars().all(|c| c == '0') {
        "0".to_string()
    } else {
        digits
    };
    Digits {
        negative,
        digits,
        point: exponent + 1,
    }
}

fn special(f: f64) -> Option<&'static str> {
    if f.is_nan() {
        Some("NaN")
    } else if f == f64::INFINITY {
        Some("+Inf")
    } else if f == f64::NEG_INFINITY {
        Some("-Inf")
    } else {
        None
    }
}

fn lay_out_fixed(d: &Digits, out: &mut String) {
    if d.negative {
        out.push('-');
    }
    let n = d.digits.len() as i32;
    if d.digits == "0" {
        out.push('0');
    } else if d.point <= 0 {
        out.push_str("0.");
        for _ in 0..-d.point {
            out.push('0');
        }
        out.push_str(&d.digits);
    } else if d.point >= n {
        out.push_str(&d.digits);
        for _ in 0..(d.point - n) {
            out.push('0');
        }
    } else {
        out.push_str(&d.digits[..d.point as usize]);
        out.push('.');
        out.push_str(&d.digits[d.point as usize..]);
    }
}

fn lay_out_exponent(d: &Digits, out: &mut String) {
    if d.negative {
        out.push('-');
    }
    out.push_str(&d.digits[..1]);
    if d.digits.len() > 1 {
        out.push('.');
        out.push_str(&d.digits[1..]);
    }
    let exp = if d.digits == "0" { 0 } else { d.point - 1 };
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let abs = exp.unsigned_abs();
    if abs < 10 {
        out.push('0');
    }
    out.push_str(&abs.to_string());
}

/// Go `strconv.FormatFloat(f, 'f', -1, 64)`: never an exponent (`1e21` →
/// `1000000000000000000000`, `1.0` → `1`). This is what sops encrypts and hashes.
pub fn format_f(f: f64) -> String {
    if let Some(s) = special(f) {
        return s.to_string();
    }
    let mut out = String::new();
    lay_out_fixed(&shortest_digits(f), &mut out);
    out
}

/// Go `strconv.FormatFloat(f, 'g', -1, 64)`: exponent form when the decimal exponent is below -4
/// or at least 6 (Go decides with precision 6 for the shortest form), else fixed.
pub fn format_g(f: f64) -> String {
    if let Some(s) = special(f) {
        return s.to_string();
    }
    let d = shortest_digits(f);
    let exp = if d.digits == "0" { 0 } else { d.point - 1 };
    let mut out = String::new();
    if !(-4..6).contains(&exp) {
        lay_out_exponent(&d, &mut out);
    } else {
        lay_out_fixed(&d, &mut out);
    }
    out
}

/// A float as yaml.v3 writes it: `'g'` formatting with `.inf`, `-.inf` and `.nan`.
pub fn format_yaml(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_string()
    } else if f == f64::INFINITY {
        ".inf".to_string()
    } else if f == f64::NEG_INFINITY {
        "-.inf".to_string()
    } else {
        format_g(f)
    }
}

/// A float as Go's `encoding/json` writes it: `'f'` unless |f| < 1e-6 or ≥ 1e21, then `'e'`
/// with a one-digit negative exponent where possible (`1e-7`, `1e+21`). `None` for NaN and
/// infinities, which JSON cannot hold.
pub fn format_json(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut out = String::new();
        lay_out_exponent(&shortest_digits(f), &mut out);
        if let Some(pos) = out.find("e-0") {
            out.remove(pos + 2);
        }
        Some(out)
    } else {
        Some(format_f(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_matches_go() {
        assert_eq!(format_f(1.0), "1");
        assert_eq!(format_f(1.5), "1.5");
        assert_eq!(format_f(1234568000.0), "1234568000");
        assert_eq!(format_f(1e21), "1000000000000000000000");
        assert_eq!(format_f(1e-7), "0.0000001");
        assert_eq!(format_f(-0.0), "-0");
        assert_eq!(format_f(0.0), "0");
        assert_eq!(format_f(1234.56789), "1234.56789");
        assert_eq!(format_f(f64::NAN), "NaN");
        assert_eq!(format_f(f64::INFINITY), "+Inf");
        assert_eq!(format_f(f64::NEG_INFINITY), "-Inf");
        assert_eq!(format_f(0.1 + 0.2), "0.30000000000000004");
    }

    #[test]
    fn general_matches_go() {
        assert_eq!(format_g(1234568000.0), "1.234568e+09");
        assert_eq!(format_g(1e-7), "1e-07");
        assert_eq!(format_g(2.0), "2");
        assert_eq!(format_g(100000.0), "100000");
        assert_eq!(format_g(1000000.0), "1e+06");
        assert_eq!(format_g(0.0001), "0.0001");
        assert_eq!(format_g(0.00001), "1e-05");
        assert_eq!(format_g(-3.25), "-3.25");
        assert_eq!(format_g(1e100), "1e+100");
        assert_eq!(format_yaml(f64::NEG_INFINITY), "-.inf");
    }

    #[test]
    fn json_matches_go() {
        assert_eq!(format_json(1e-7).unwrap(), "1e-7");
        assert_eq!(format_json(1e21).unwrap(), "1e+21");
        assert_eq!(format_json(1.5e-10).unwrap(), "1.5e-10");
        assert_eq!(
            format_json(12345678901234567000.0).unwrap(),
            "12345678901234567000"
        );
        assert_eq!(format_json(25.4).unwrap(), "25.4");
        assert_eq!(format_json(0.000001).unwrap(), "0.000001");
        assert!(format_json(f64::NAN).is_none());
    }
}
