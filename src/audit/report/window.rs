//! The time window of a report: `--since` / `--until` as RFC 3339 times or as ages relative to
//! now (`90s`, `30m`, `12h`, `7d`, `2w`), and record times as microseconds since the epoch.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Microseconds since the Unix epoch of an RFC 3339 time.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let at = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    i64::try_from(at.unix_timestamp_nanos() / 1000).ok()
}

/// RFC 3339 UTC (microseconds) of a time in microseconds since the epoch.
pub fn format_micros(micros: i64) -> String {
    let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.microsecond()
    )
}

/// A bound given on the command line, resolved against `now` (microseconds since the epoch).
pub fn parse_bound(text: &str, now: i64) -> Result<i64, String> {
    if let Some(at) = parse_rfc3339(text) {
        return Ok(at);
    }
    let bad = || {
        format!(
            "{text:?} is neither an RFC 3339 time (2026-12-01T00:00:00Z) nor an age such as 90s, 30m, 12h, 7d or 2w"
        )
    };
    let unit_at = text.len().checked_sub(1).ok_or_else(bad)?;
    let (count, unit) = text.split_at(unit_at);
    let count: i64 = count.parse().map_err(|_| bad())?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(bad()),
    };
    count
        .checked_mul(seconds * 1_000_000)
        .filter(|age| *age >= 0)
        .map(|age| now - age)
        .ok_or_else(bad)
}

/// Now, in microseconds since the epoch.
pub fn now_micros() -> i64 {
    i64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() / 1000).unwrap_or(i64::MAX)
}

/// Which records a report counts: `since <= ts < until`. Records before `since` still tell
/// which actors and repositories were already known.
#[derive(Clone, Copy, Debug, Default)]
pub struct Window {
    /// Microseconds since the epoch, inclusive.
    pub since: Option<i64>,
    /// Microseconds since the epoch, exclusive.
    pub until: Option<i64>,
}

/// Where a record's time falls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Place {
    Before,
    Inside,
    After,
}

impl Window {
    pub(super) fn place(&self, micros: i64) -> Place {
        if self.since.is_some_and(|since| micros < since) {
            Place::Before
        } else if self.until.is_some_and(|until| micros >= until) {
            Place::After
        } else {
            Place::Inside
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_rfc3339_or_ages() {
        let now = parse_rfc3339("2026-12-07T00:00:00Z").unwrap();
        assert_eq!(
            parse_bound("7d", now).unwrap(),
            parse_rfc3339("2026-11-30T00:00:00Z").unwrap()
        );
        assert_eq!(parse_bound("90s", now).unwrap(), now - 90_000_000);
        assert_eq!(
            parse_bound("2026-12-01T01:00:00+01:00", now).unwrap(),
            parse_rfc3339("2026-12-01T00:00:00Z").unwrap()
        );
        for bad in ["", "d", "7y", "-3d", "yesterday", "2026-12-01"] {
            assert!(parse_bound(bad, now).is_err(), "{bad}");
        }
        assert_eq!(
            format_micros(parse_rfc3339("2026-12-07T03:07:53.424069Z").unwrap()),
            "2026-12-07T03:07:53.424069Z"
        );
    }
}
