//! Points in time as the CLI reads and prints them, without a date library.
//!
//! Owns: parsing `--since` (RFC 3339, a calendar date, or a time ago like `2h`)
//! into milliseconds since the Unix epoch, and printing such milliseconds as UTC
//! RFC 3339 with whole seconds. Dates are proleptic Gregorian, converted with
//! Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms.

/// The forms `--since` accepts, for error messages.
pub const SINCE_FORMS: &str = "an RFC 3339 time (2026-11-25T10:00:00Z or 2026-11-25T12:00:00+02:00), \
a date (2026-11-25, meaning midnight UTC) or a time ago (90s, 10m, 2h, 3d, 1w)";

const MS_PER_SECOND: i64 = 1_000;
const MS_PER_DAY: i64 = 86_400_000;

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Parse a `--since` value; `now_ms` anchors relative forms. The error says
/// what was wrong and which forms are accepted.
pub fn parse_since(text: &str, now_ms: i64) -> Result<i64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("--since is empty; give {SINCE_FORMS}"));
    }
    if !t.is_ascii() {
        return Err(format!(
            "--since `{t}`: unexpected characters; give {SINCE_FORMS}"
        ));
    }
    let result = if t.as_bytes()[0].is_ascii_digit() && t.len() >= 10 && t.as_bytes()[4] == b'-' {
        if t.len() == 10 {
            parse_date(t).map(|days| days * MS_PER_DAY)
        } else {
            parse_rfc3339(t)
        }
    } else {
        parse_ago(t).map(|ago| now_ms.saturating_sub(ago))
    };
    result.map_err(|why| format!("--since `{t}`: {why}; give {SINCE_FORMS}"))
}

/// `YYYY-MM-DD` → days since 1970-01-01.
fn parse_date(t: &str) -> Result<i64, String> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err("a date is written YYYY-MM-DD".to_string());
    }
    let year = number(&t[0..4], "year")?;
    let month = number(&t[5..7], "month")?;
    let day = number(&t[8..10], "day")?;
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is not 1-12"));
    }
    let last = days_in_month(year, month);
    if day < 1 || day > last {
        return Err(format!(
            "day {day} does not exist in {year:04}-{month:02} (it has {last} days)"
        ));
    }
    Ok(days_from_civil(year, month, day))
}

/// `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)` → ms since the epoch.
fn parse_rfc3339(t: &str) -> Result<i64, String> {
    let days = parse_date(&t[..10])?;
    let rest = &t[10..];
    let Some(rest) = rest
        .strip_prefix('T')
        .or_else(|| rest.strip_prefix('t'))
        .or_else(|| rest.strip_prefix(' '))
    else {
        return Err("the date and time are separated by `T`".to_string());
    };
    let b = rest.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return Err("the time is written HH:MM:SS".to_string());
    }
    let hour = number(&rest[0..2], "hour")?;
    let minute = number(&rest[3..5], "minute")?;
    let second = number(&rest[6..8], "second")?;
    if hour > 23 || minute > 59 || second > 59 {
        return Err(format!(
            "{hour:02}:{minute:02}:{second:02} is not a time of day"
        ));
    }
    let mut rest = &rest[8..];
    let mut millis = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err("a `.` after the seconds needs digits".to_string());
        }
        // Milliseconds: the first three digits, padded.
        let ms: String = frac[..digits].chars().chain("00".chars()).take(3).collect();
        millis = number(&ms, "fraction")?;
        rest = &frac[digits..];
    }
    let offset_minutes = match rest {
        "Z" | "z" => 0,
        "" => return Err("the time has no offset; add `Z` for UTC or `+HH:MM`".to_string()),
        _ => {
            let b = rest.as_bytes();
            let sign = match b[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return Err(format!("`{rest}` is not an offset (Z or ±HH:MM)")),
            };
            if b.len() != 6 || b[3] != b':' {
                return Err(format!("`{rest}` is not an offset (Z or ±HH:MM)"));
            }
            let h = number(&rest[1..3], "offset hours")?;
            let m = number(&rest[4..6], "offset minutes")?;
            if h > 23 || m > 59 {
                return Err(format!("`{rest}` is not an offset (Z or ±HH:MM)"));
            }
            sign * (h * 60 + m)
        }
    };
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Ok(seconds * MS_PER_SECOND + millis)
}

/// `90s`, `10m`, `2h`, `3d`, `1w` → milliseconds.
fn parse_ago(t: &str) -> Result<i64, String> {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return Err("not a time, date or duration".to_string());
    }
    let amount: i64 = t[..digits]
        .parse()
        .map_err(|_| "the number is too large".to_string())?;
    let unit_ms = match &t[digits..] {
        "s" => MS_PER_SECOND,
        "m" => 60 * MS_PER_SECOND,
        "h" => 3_600 * MS_PER_SECOND,
        "d" => MS_PER_DAY,
        "w" => 7 * MS_PER_DAY,
        "" => return Err("the duration has no unit (s, m, h, d or w)".to_string()),
        other => return Err(format!("`{other}` is not a unit (s, m, h, d or w)")),
    };
    amount
        .checked_mul(unit_ms)
        .ok_or_else(|| "the duration is too long".to_string())
}

fn number(digits: &str, what: &str) -> Result<i64, String> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("the {what} `{digits}` is not a number"));
    }
    digits
        .parse()
        .map_err(|_| format!("the {what} `{digits}` is not a number"))
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01: (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Milliseconds since the epoch as UTC RFC 3339 with whole seconds:
/// `2026-11-25T10:00:00Z`.
pub fn format_utc(ms: i64) -> String {
    let seconds = ms.div_euclid(MS_PER_SECOND);
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3_600,
        of_day % 3_600 / 60,
        of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_600_000_000; // 2026-11-25T09:46:40Z

    #[test]
    fn days_round_trip_across_eras_and_leap_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
            assert!((1..=days_in_month(y, m)).contains(&d));
        }
    }

    #[test]
    fn formats_utc_with_whole_seconds() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(1_795_600_800_999), "2026-11-25T10:00:00Z");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(-1_000), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn parses_rfc3339_with_offsets_and_fractions() {
        let ten = 1_795_600_800_000;
        assert_eq!(parse_since("2026-11-25T10:00:00Z", NOW), Ok(ten));
        assert_eq!(parse_since("2026-11-25t10:00:00z", NOW), Ok(ten));
        assert_eq!(parse_since("2026-11-25T12:00:00+02:00", NOW), Ok(ten));
        assert_eq!(parse_since("2026-11-25T04:30:00-05:30", NOW), Ok(ten));
        assert_eq!(parse_since("2026-11-25T10:00:00.25Z", NOW), Ok(ten + 250));
        assert_eq!(
            parse_since("2026-11-25T10:00:00.123456Z", NOW),
            Ok(ten + 123)
        );
        assert_eq!(format_utc(ten), "2026-11-25T10:00:00Z");
    }

    #[test]
    fn parses_dates_as_midnight_utc() {
        assert_eq!(parse_since("2026-11-25", NOW), Ok(1_795_564_800_000));
        assert_eq!(
            parse_since("2024-02-29", NOW).map(format_utc),
            Ok("2024-02-29T00:00:00Z".into())
        );
    }

    #[test]
    fn parses_times_ago() {
        assert_eq!(parse_since("90s", NOW), Ok(NOW - 90_000));
        assert_eq!(parse_since("10m", NOW), Ok(NOW - 600_000));
        assert_eq!(parse_since("2h", NOW), Ok(NOW - 7_200_000));
        assert_eq!(parse_since(" 3d ", NOW), Ok(NOW - 3 * 86_400_000));
        assert_eq!(parse_since("1w", NOW), Ok(NOW - 7 * 86_400_000));
    }

    #[test]
    fn refuses_bad_input_naming_the_accepted_forms() {
        for (input, why) in [
            ("", "empty"),
            ("yesterday", "not a time, date or duration"),
            ("10", "no unit"),
            ("10y", "`y` is not a unit"),
            ("2026-13-01", "month 13"),
            ("2025-02-29", "day 29 does not exist in 2025-02"),
            ("2026-11-25T10:00:00", "no offset"),
            ("2026-11-25T25:00:00Z", "not a time of day"),
            ("2026-11-25T10:00Z", "HH:MM:SS"),
            ("2026-11-25T10:00:00+0200", "not an offset"),
            ("2026-11-25X10:00:00Z", "separated by `T`"),
            ("2026-1x-25", "month `1x` is not a number"),
            ("99999999999999999999s", "too large"),
            ("9999999999999999w", "too long"),
            ("2026-11-2é", "unexpected characters"),
        ] {
            let err = parse_since(input, NOW).unwrap_err();
            assert!(err.contains(why), "{input}: {err}");
            if !input.is_empty() {
                assert!(err.contains("RFC 3339") && err.contains("10m"), "{err}");
            }
        }
    }
}
