//! The rotation policy: how old a file's data key may get before `sops-rs rotate` should renew
//! it. Written `rotation: {max_age: 90d}` in a creation rule or at the top of the config (the
//! default for rules without one), and `--max-age 90d` on `status`. A sops-rs extension: sops
//! ignores the key.
//!
//! A config is the repository's and untrusted, so a duration is bounded: a whole number of
//! hours, days or weeks from one hour to ten years.

use std::fmt;

/// The longest policy accepted (ten years): anything longer is a typo, not a policy.
pub const LONGEST_DAYS: u64 = 3650;

const HOUR: u64 = 3600;
const DAY: u64 = 24 * HOUR;
const WEEK: u64 = 7 * DAY;

/// How old a data key may be, in whole seconds, kept with the unit it was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxAge {
    count: u64,
    unit: char,
}

impl MaxAge {
    /// Parses `90d`, `12w` or `36h`. The error says what is wrong without repeating the text.
    pub fn parse(text: &str) -> Result<MaxAge, String> {
        let text = text.trim();
        let Some(unit) = text.chars().last().filter(|c| matches!(c, 'h' | 'd' | 'w')) else {
            return Err(
                "expected a number of hours, days or weeks with its unit (36h, 90d, 12w)".into(),
            );
        };
        let digits = &text[..text.len() - 1];
        if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("expected a whole number before the unit h, d or w (90d)".into());
        }
        let count: u64 = digits.parse().map_err(|_| "not a number".to_string())?;
        let age = MaxAge { count, unit };
        if count == 0 {
            return Err("must be at least 1h".into());
        }
        if age.seconds() > LONGEST_DAYS * DAY {
            return Err(format!("must be at most {LONGEST_DAYS}d (ten years)"));
        }
        Ok(age)
    }

    /// The policy in seconds.
    pub fn seconds(&self) -> u64 {
        let unit = match self.unit {
            'h' => HOUR,
            'w' => WEEK,
            _ => DAY,
        };
        self.count * unit
    }
}

impl fmt::Display for MaxAge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.count, self.unit)
    }
}

impl std::str::FromStr for MaxAge {
    type Err = String;

    fn from_str(text: &str) -> Result<MaxAge, String> {
        MaxAge::parse(text)
    }
}

/// A `rotation:` section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rotation {
    /// `rotation.max_age`.
    pub max_age: MaxAge,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hours_days_and_weeks_within_bounds() {
        assert_eq!(MaxAge::parse("90d").unwrap().seconds(), 90 * DAY);
        assert_eq!(MaxAge::parse("12w").unwrap().seconds(), 12 * WEEK);
        assert_eq!(MaxAge::parse(" 36h ").unwrap().to_string(), "36h");
        assert_eq!(MaxAge::parse("3650d").unwrap().seconds(), 3650 * DAY);
        for bad in [
            "", "d", "90", "90m", "-1d", "1.5d", "0d", "3651d", "522w", "9999999d",
        ] {
            assert!(MaxAge::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
