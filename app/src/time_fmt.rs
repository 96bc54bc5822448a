//! Deterministic UTC formatting (identical on server and client, so hydration matches).

use time::{macros::format_description, OffsetDateTime};

/// `2026-11-26 14:03:05 UTC` for a Unix timestamp (`"—"` when out of range).
pub fn utc(ts: i64) -> String {
    OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| {
            t.format(format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| "—".into())
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats() {
        assert_eq!(super::utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(super::utc(1_647_965_093), "2022-03-22 16:04:53 UTC");
        assert_eq!(super::utc(i64::MAX), "—");
    }
}
