//! Timestamps as Go's `time.Time` renders and parses them for sops.
//!
//! sops writes `time` values with `MarshalText` (RFC 3339 with nanoseconds, trailing zeros
//! trimmed, `Z` for a zero offset) and `lastmodified` with plain RFC 3339 (whole seconds).

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// A point in time with the UTC offset it was written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp(pub OffsetDateTime);

impl Timestamp {
    /// The current time in UTC, truncated to whole seconds (what `lastmodified` records).
    pub fn now_utc_seconds() -> Self {
        let now = OffsetDateTime::now_utc();
        Timestamp(now.replace_nanosecond(0).expect("0 ns is valid"))
    }

    /// Builds a timestamp from its parts; `None` when a part is out of range.
    #[allow(clippy::too_many_arguments)]
    pub fn from_parts(
        year: i32,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        nanosecond: u32,
        offset_seconds: i32,
    ) -> Option<Self> {
        let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
        let time = Time::from_hms_nano(hour, minute, second, nanosecond).ok()?;
        let offset = UtcOffset::from_whole_seconds(offset_seconds).ok()?;
        Some(Timestamp(
            PrimitiveDateTime::new(date, time).assume_offset(offset),
        ))
    }

    /// Parses RFC 3339 as Go's `time.Parse(time.RFC3339, s)` does: `T` separator, optional
    /// fractional seconds, `Z` or `±hh:mm`.
    pub fn parse_rfc3339(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        let num = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = b.get(range)?;
            if !part.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(part).ok()?.parse().ok()
        };
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
            return None;
        }
        if b[13] != b':' || b[16] != b':' {
            return None;
        }
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let mut pos = 19;
        let mut nanos = 0u32;
        if b[pos] == b'.' || b[pos] == b',' {
            let start = pos + 1;
            let mut end = start;
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
            if end == start || end - start > 9 {
                return None;
            }
            let frac = num(start..end)?;
            nanos = frac * 10u32.pow(9 - (end - start) as u32);
            pos = end;
        }
        let offset = match b.get(pos)? {
            b'Z' if pos + 1 == b.len() => 0,
            sign @ (b'+' | b'-') if pos + 6 == b.len() && b[pos + 3] == b':' => {
                let hours = num(pos + 1..pos + 3)? as i32;
                let minutes = num(pos + 4..pos + 6)? as i32;
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let total = hours * 3600 + minutes * 60;
                if *sign == b'-' { -total } else { total }
            }
            _ => return None,
        };
        Self::from_parts(
            year as i32,
            month as u8,
            day as u8,
            hour as u8,
            minute as u8,
            second as u8,
            nanos,
            offset,
        )
    }

    /// Go `time.RFC3339Nano` (`MarshalText`): `2006-01-02T15:04:05.999999999Z07:00`.
    pub fn to_rfc3339_nano(&self) -> String {
        self.render(true)
    }

    /// Go `time.RFC3339`: `2006-01-02T15:04:05Z07:00`, fractional seconds dropped.
    pub fn to_rfc3339(&self) -> String {
        self.render(false)
    }

    fn render(&self, with_nanos: bool) -> String {
        let t = self.0;
        let mut out = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
        if with_nanos && t.nanosecond() != 0 {
            let frac = format!("{:09}", t.nanosecond());
            out.push('.');
            out.push_str(frac.trim_end_matches('0'));
        }
        let offset = t.offset().whole_seconds();
        if offset == 0 {
            out.push('Z');
        } else {
            let sign = if offset < 0 { '-' } else { '+' };
            let abs = offset.unsigned_abs();
            out.push_str(&format!("{sign}{:02}:{:02}", abs / 3600, (abs % 3600) / 60));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_go_layouts() {
        let t = Timestamp::parse_rfc3339("2001-12-14T21:59:43.10-05:00").unwrap();
        assert_eq!(t.to_rfc3339_nano(), "2001-12-14T21:59:43.1-05:00");
        assert_eq!(t.to_rfc3339(), "2001-12-14T21:59:43-05:00");
        let z = Timestamp::parse_rfc3339("2026-05-22T20:16:23+00:00").unwrap();
        assert_eq!(z.to_rfc3339(), "2026-05-22T20:16:23Z");
        let odd = Timestamp::parse_rfc3339("2006-01-02T15:04:05+07:06").unwrap();
        assert_eq!(odd.to_rfc3339_nano(), "2006-01-02T15:04:05+07:06");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "2024-01-01",
            "2024-01-01 00:00:00Z",
            "2024-13-01T00:00:00Z",
            "x",
        ] {
            assert!(Timestamp::parse_rfc3339(bad).is_none(), "{bad}");
        }
    }
}
