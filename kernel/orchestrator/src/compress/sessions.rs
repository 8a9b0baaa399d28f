//! Session files and their dates: `.ralex/sessions/<YYYY-MM-DD>-<id>.md`.
//!
//! Owns [`SessionDate`] (a calendar date with day arithmetic, no time zone) and
//! finding the session files of a project by name. Only names are read here, with
//! `std::fs::read_dir` on the one folder (so a `.gitignore`d sessions folder is
//! still found); every read, write and delete of a file goes through the workspace
//! capability.
//!
//! Must never: follow a symlink or take anything but a regular file whose whole
//! name has the session pattern (`archive.md` and other notes are never picked).

use std::fmt;
use std::path::Path;

/// The folder of session notes, relative to the project root.
pub const SESSIONS_DIR: &str = ".ralex/sessions";

/// A calendar date (proleptic Gregorian), as session file names write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionDate {
    year: i32,
    month: u8,
    day: u8,
}

impl SessionDate {
    /// The date `year-month-day`, if it exists (e.g. no 2026-02-30).
    pub fn new(year: i32, month: u8, day: u8) -> Option<SessionDate> {
        let date = SessionDate { year, month, day };
        let valid = (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && (0..=9999).contains(&year);
        valid.then_some(date)
    }

    /// `YYYY-MM-DD` exactly (ten characters), if it is a real date.
    pub fn parse(text: &str) -> Option<SessionDate> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = text.get(range)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let year = i32::try_from(digits(0..4)?).ok()?;
        let month = u8::try_from(digits(5..7)?).ok()?;
        let day = u8::try_from(digits(8..10)?).ok()?;
        SessionDate::new(year, month, day)
    }

    /// Today's date in UTC, from the system clock.
    pub fn today_utc() -> SessionDate {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        SessionDate::from_days(secs.div_euclid(86_400))
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (Hinnant's `civil_from_days`).
    pub fn from_days(days: i64) -> SessionDate {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        SessionDate { year, month, day }
    }
}

impl fmt::Display for SessionDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// One session file found by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SessionFile {
    /// Path relative to the project root (`.ralex/sessions/…`).
    pub path: String,
    /// The date in its name.
    pub date: SessionDate,
}

/// The date of a session file name `<YYYY-MM-DD>-<id>.md` (id not empty).
pub(crate) fn date_of(name: &str) -> Option<SessionDate> {
    let stem = name.strip_suffix(".md")?;
    let (date, id) = (stem.get(..10)?, stem.get(10..)?);
    let id = id.strip_prefix('-')?;
    (!id.trim().is_empty()).then_some(())?;
    SessionDate::parse(date)
}

/// Every session file of the project at `root` (canonical), by name; none when
/// the folder does not exist.
pub(crate) fn session_files(root: &Path) -> std::io::Result<Vec<SessionFile>> {
    let entries = match std::fs::read_dir(root.join(SESSIONS_DIR)) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry?;
        // `file_type` does not follow symlinks: a link is never a session file.
        if !entry.file_type()?.is_file() {
            continue;
        }
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if let Some(date) = date_of(&name) {
            found.push(SessionFile {
                path: format!("{SESSIONS_DIR}/{name}"),
                date,
            });
        }
    }
    found.sort_by(|a, b| (a.date, &a.path).cmp(&(b.date, &b.path)));
    Ok(found)
}

/// The time of the first `## HH:MM:SS · …` entry of a session note, for ordering
/// sessions of the same day.
pub(crate) fn first_entry_time(text: &str) -> Option<&str> {
    text.lines().find_map(|line| {
        let time = line.strip_prefix("## ")?.get(..8)?;
        let b = time.as_bytes();
        let shape = b[2] == b':'
            && b[5] == b':'
            && [0, 1, 3, 4, 6, 7].iter().all(|&i| b[i].is_ascii_digit());
        shape.then_some(time)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_only_when_real() {
        let d = SessionDate::parse("2026-12-05").unwrap();
        assert_eq!(d.to_string(), "2026-12-05");
        assert_eq!(
            SessionDate::parse("2024-02-29").unwrap().to_string(),
            "2024-02-29"
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-12-05",
            "2026-12-0x",
            "+026-12-05",
        ] {
            assert_eq!(SessionDate::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_round_trip_across_leap_years_and_eras() {
        assert_eq!(SessionDate::parse("1970-01-01").unwrap().days(), 0);
        assert_eq!(SessionDate::parse("2000-03-01").unwrap().days(), 11_017);
        for days in (-800_000..800_000).step_by(997) {
            let date = SessionDate::from_days(days);
            assert_eq!(date.days(), days, "{date}");
            assert_eq!(
                SessionDate::parse(&date.to_string()),
                Some(date).filter(|d| d.year >= 0)
            );
        }
        let a = SessionDate::parse("2026-03-01").unwrap();
        let b = SessionDate::parse("2026-02-28").unwrap();
        assert_eq!(a.days() - b.days(), 1);
    }

    #[test]
    fn session_names_have_a_date_and_an_id() {
        assert_eq!(
            date_of("2026-12-05-a1b2.md"),
            SessionDate::parse("2026-12-05")
        );
        for bad in [
            "archive.md",
            "2026-12-05.md",
            "2026-12-05-.md",
            "2026-12-05-x.txt",
            "2026-12-32-x.md",
            "x2026-12-05-x.md",
        ] {
            assert_eq!(date_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_first_entry_time_orders_sessions_of_one_day() {
        let text = "# Session 2026-12-05 · x\n\n## notes\n## 17:05:12 · add a docstring\n## 18:00:00 · b\n";
        assert_eq!(first_entry_time(text), Some("17:05:12"));
        assert_eq!(first_entry_time("# nothing\n"), None);
    }

    #[test]
    fn only_regular_files_with_the_pattern_are_found_oldest_first() {
        let dir = tempfile::tempdir().unwrap();
        assert!(session_files(dir.path()).unwrap().is_empty());
        let sessions = dir.path().join(SESSIONS_DIR);
        std::fs::create_dir_all(sessions.join("2026-01-01-dir.md")).unwrap();
        for name in [
            "2026-11-02-b.md",
            "2026-11-01-z.md",
            "archive.md",
            "notes.md",
        ] {
            std::fs::write(sessions.join(name), "x").unwrap();
        }
        std::os::unix::fs::symlink(sessions.join("notes.md"), sessions.join("2026-10-01-l.md"))
            .unwrap();
        let found: Vec<String> = session_files(dir.path())
            .unwrap()
            .into_iter()
            .map(|f| f.path)
            .collect();
        assert_eq!(
            found,
            [
                ".ralex/sessions/2026-11-01-z.md",
                ".ralex/sessions/2026-11-02-b.md"
            ]
        );
    }
}
