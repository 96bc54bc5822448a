//! A strict JSON reader for the two documents of a JWT the verifier reads field by field: the
//! header and the access token's claims.
//!
//! It reads one object, hands each member's (unescaped) key to the caller, and lets the caller
//! take the value as a string, a numeric date, an array of strings, or skip it. Strings are
//! borrowed from the input unless they hold escapes; nothing else allocates. The grammar is
//! RFC 8259's, as strict as `serde_json` (which stays the oracle: the property tests below and
//! in `claims.rs` check that whatever this accepts, `serde_json` accepts with the same values,
//! and that it accepts the objects `serde_json` does, short of two deliberate differences: it
//! nests at most [`MAX_DEPTH`] deep where `serde_json` allows 128, and it takes no array for an
//! object, which `serde_json` does for a struct): no trailing commas, no leading zeros,
//! no control characters or lone surrogates in strings, UTF-8 everywhere, whitespace only after
//! the object.

use std::borrow::Cow;

/// A JSON string borrowed from the decoded bytes, owned only when it had escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Str<'a>(pub Cow<'a, str>);

impl std::ops::Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// The input is not the JSON this reader accepts. Callers map it to their own error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct JsonError;

/// Deepest nesting accepted in skipped values (`serde_json` allows 128).
pub(crate) const MAX_DEPTH: usize = 64;

/// A cursor over one JSON document.
pub(crate) struct Reader<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    /// Reads `b` as one JSON object followed by whitespace only, calling `member` with each key;
    /// `member` must consume the value (with one of the value methods).
    pub fn object(
        b: &'a [u8],
        mut member: impl FnMut(&str, &mut Self) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        // UTF-8 is checked once for the whole document (`serde_json` checks it per string).
        let s = std::str::from_utf8(b).map_err(|_| JsonError)?;
        let mut r = Reader { s, b, i: 0 };
        r.eat(b'{')?;
        r.ws();
        if r.peek() == Some(b'}') {
            r.i += 1;
        } else {
            loop {
                let key = r.string()?;
                r.eat(b':')?;
                member(&key, &mut r)?;
                r.ws();
                match r.next() {
                    Some(b',') => {}
                    Some(b'}') => break,
                    _ => return Err(JsonError),
                }
            }
        }
        r.ws();
        if r.i == r.b.len() {
            Ok(())
        } else {
            Err(JsonError)
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Result<(), JsonError> {
        self.ws();
        if self.next() == Some(c) {
            Ok(())
        } else {
            Err(JsonError)
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), JsonError> {
        if self.b.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(JsonError)
        }
    }

    /// `null` (consumed: `true`) or not (nothing consumed but whitespace).
    pub fn null(&mut self) -> Result<bool, JsonError> {
        self.ws();
        if self.peek() == Some(b'n') {
            self.literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// A string value.
    #[inline]
    pub fn string(&mut self) -> Result<Str<'a>, JsonError> {
        self.eat(b'"')?;
        let mut owned: Option<String> = None;
        loop {
            let rest = &self.b[self.i..];
            let n = special(rest).ok_or(JsonError)?;
            if rest[n] < 0x20 {
                return Err(JsonError);
            }
            // Quotes and backslashes are ASCII: the run is whole characters.
            let run = self.s.get(self.i..self.i + n).ok_or(JsonError)?;
            self.i += n + 1;
            if rest[n] == b'"' {
                return Ok(Str(match owned {
                    None => Cow::Borrowed(run),
                    Some(mut o) => {
                        o.push_str(run);
                        Cow::Owned(o)
                    }
                }));
            }
            let o = owned.get_or_insert_with(|| String::with_capacity(n + 64));
            o.push_str(run);
            let c = match self.next().ok_or(JsonError)? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.unicode_escape()?,
                _ => return Err(JsonError),
            };
            o.push(c);
        }
    }

    /// Skips a string, checking its syntax. Like `serde_json` for a value it ignores, a `\\u`
    /// escape is not checked to be a whole character (a lone surrogate passes).
    fn skip_string(&mut self) -> Result<(), JsonError> {
        self.eat(b'"')?;
        loop {
            let rest = &self.b[self.i..];
            let n = special(rest).ok_or(JsonError)?;
            if rest[n] < 0x20 {
                return Err(JsonError);
            }
            self.i += n + 1;
            if rest[n] == b'"' {
                return Ok(());
            }
            match self.next().ok_or(JsonError)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                b'u' => {
                    self.hex4()?;
                }
                _ => return Err(JsonError),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self.b.get(self.i..self.i + 4).ok_or(JsonError)?;
        let mut n = 0;
        for &d in digits {
            n = n * 16 + char::from(d).to_digit(16).ok_or(JsonError)?;
        }
        self.i += 4;
        Ok(n)
    }

    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let n = self.hex4()?;
        let code = match n {
            0xD800..=0xDBFF => {
                self.literal(b"\\u")?;
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(JsonError);
                }
                0x10000 + ((n - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(JsonError),
            n => n,
        };
        char::from_u32(code).ok_or(JsonError)
    }

    /// `null` or a string.
    pub fn opt_string(&mut self) -> Result<Option<Str<'a>>, JsonError> {
        if self.null()? {
            Ok(None)
        } else {
            self.string().map(Some)
        }
    }

    /// `null` or an array of strings, checked; the array is read again by [`StrArray::iter`]
    /// (nothing is collected here).
    pub fn opt_strings(&mut self) -> Result<Option<StrArray<'a>>, JsonError> {
        if self.null()? {
            return Ok(None);
        }
        self.eat(b'[')?;
        let start = self.i - 1;
        let mut len = 0;
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
        } else {
            loop {
                self.string()?;
                len += 1;
                self.ws();
                match self.next() {
                    Some(b',') => {}
                    Some(b']') => break,
                    _ => return Err(JsonError),
                }
            }
        }
        let text = self.s.get(start..self.i).ok_or(JsonError)?;
        Ok(Some(StrArray { text, len }))
    }

    /// The text of a number (RFC 8259 grammar), and its value when it is an integer literal
    /// that fits an `i64` (folded while scanning).
    fn number(&mut self) -> Result<(&'a str, Option<i64>), JsonError> {
        self.ws();
        let start = self.i;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.i += 1;
        }
        // Accumulated negatively, so that i64::MIN fits.
        let mut value: Option<i64> = Some(0);
        match self.next() {
            Some(b'0') => {}
            Some(d @ b'1'..=b'9') => {
                value = Some(-i64::from(d - b'0'));
                while let Some(d @ b'0'..=b'9') = self.peek() {
                    self.i += 1;
                    value = value
                        .and_then(|v| v.checked_mul(10))
                        .and_then(|v| v.checked_sub(i64::from(d - b'0')));
                }
            }
            _ => return Err(JsonError),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.some_digits()?;
            integer = false;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.some_digits()?;
            integer = false;
        }
        // Only ASCII was consumed.
        let text = self.s.get(start..self.i).ok_or(JsonError)?;
        let value =
            value
                .filter(|_| integer)
                .and_then(|v| if negative { Some(v) } else { v.checked_neg() });
        Ok((text, value))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
    }

    fn some_digits(&mut self) -> Result<(), JsonError> {
        let at = self.i;
        self.digits();
        if self.i == at {
            Err(JsonError)
        } else {
            Ok(())
        }
    }

    /// `null` or a JWT NumericDate: an integer, or a finite number below 10^15 in magnitude,
    /// truncated (the verifier's `numeric_date` rule for `serde_json` numbers).
    pub fn opt_numeric_date(&mut self) -> Result<Option<i64>, JsonError> {
        if self.null()? {
            return Ok(None);
        }
        let (text, integer) = self.number()?;
        if let Some(i) = integer {
            return Ok(Some(i));
        }
        let f = text.parse::<f64>().map_err(|_| JsonError)?;
        if f.is_finite() && f.abs() < 1e15 {
            Ok(Some(f.trunc() as i64))
        } else {
            Err(JsonError)
        }
    }

    /// Skips any value, checking its syntax.
    pub fn skip(&mut self) -> Result<(), JsonError> {
        self.skip_at(1)
    }

    fn skip_at(&mut self, depth: usize) -> Result<(), JsonError> {
        self.ws();
        match self.peek().ok_or(JsonError)? {
            b'"' => self.skip_string(),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number().map(drop),
            open @ (b'[' | b'{') => {
                if depth >= MAX_DEPTH {
                    return Err(JsonError);
                }
                self.i += 1;
                let close = if open == b'[' { b']' } else { b'}' };
                self.ws();
                if self.peek() == Some(close) {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    if open == b'{' {
                        self.skip_string()?;
                        self.eat(b':')?;
                    }
                    self.skip_at(depth + 1)?;
                    self.ws();
                    match self.next() {
                        Some(b',') => {}
                        Some(c) if c == close => return Ok(()),
                        _ => return Err(JsonError),
                    }
                }
            }
            _ => Err(JsonError),
        }
    }
}

/// The index of the first `"`, `\\` or control character of `b`, eight bytes at a time.
#[inline]
fn special(b: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    // For each byte x: `(x - n) & !x & 0x80` is set when x < n (n <= 0x80). A borrow can only
    // flag bytes *above* a true match, so the lowest flagged byte is the first match.
    let less = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGH;
    let mut chunks = b.chunks_exact(8);
    for (k, c) in chunks.by_ref().enumerate() {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        let found = less(w ^ (ONES * u64::from(b'"')), 1)
            | less(w ^ (ONES * u64::from(b'\\')), 1)
            | less(w, 0x20);
        if found != 0 {
            return Some(k * 8 + (found.trailing_zeros() / 8) as usize);
        }
    }
    let tail = b.len() - chunks.remainder().len();
    chunks
        .remainder()
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .map(|p| tail + p)
}

/// A JSON array of strings that [`Reader::opt_strings`] checked, read again on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StrArray<'a> {
    text: &'a str,
    len: usize,
}

impl<'a> StrArray<'a> {
    /// Its strings, in order.
    pub fn iter(&self) -> impl Iterator<Item = Str<'a>> + 'a {
        let mut r = Reader {
            s: self.text,
            b: self.text.as_bytes(),
            i: 1,
        };
        let mut left = self.len;
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            left -= 1;
            // Checked when it was read: these cannot fail (and would end the list if they did).
            let s = r.string().ok()?;
            r.ws();
            r.next();
            Some(s)
        })
    }
}

/// Marks a member as seen: a second one with the same key is refused (as `serde` does for
/// the fields of a struct).
pub(crate) fn first(seen: &mut u32, bit: u32) -> Result<(), JsonError> {
    if *seen & bit != 0 {
        return Err(JsonError);
    }
    *seen |= bit;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(doc: &str) -> Result<Vec<(String, String)>, JsonError> {
        let mut out = Vec::new();
        Reader::object(doc.as_bytes(), |k, r| {
            let v = match k {
                "s" => r
                    .opt_string()?
                    .map(|s| s.to_string())
                    .unwrap_or("null".into()),
                "n" => format!("{:?}", r.opt_numeric_date()?),
                _ => {
                    r.skip()?;
                    "skipped".into()
                }
            };
            out.push((k.to_string(), v));
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn reads_members_and_refuses_what_json_refuses() {
        assert_eq!(
            values(r#" {"s":"a\/b\u00e9\ud83d\ude00","n":1.9e3,"x":[{"y":null},true,-0.5e-3]} "#)
                .unwrap(),
            [
                ("s".into(), "a/bé😀".into()),
                ("n".into(), "Some(1900)".into()),
                ("x".into(), "skipped".into())
            ]
        );
        assert_eq!(values("{}").unwrap(), []);
        for bad in [
            "",
            "[]",
            "{",
            r#"{"s":"a",}"#,
            r#"{"s":"a"} x"#,
            r#"{"s":"a"}{}"#,
            r#"{"n":01}"#,
            r#"{"n":1.}"#,
            r#"{"n":.5}"#,
            r#"{"n":+1}"#,
            r#"{"n":1e400}"#,
            r#"{"n":"1"}"#,
            r#"{"s":1}"#,
            "{\"s\":\"a\u{1}\"}",
            r#"{"s":"\ud800"}"#,
            r#"{"s":"\udc00x"}"#,
            r#"{"x":"\u12"}"#,
            "{\"x\":\"a\u{1}\"}",
            r#"{"s":"\x"}"#,
            r#"{"x":[1,]}"#,
            r#"{"x":tru}"#,
            r#"{'s':"a"}"#,
        ] {
            assert!(values(bad).is_err(), "{bad:?}");
        }
        let deep = format!(
            "{{\"x\":{}{}}}",
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        assert!(values(&deep).is_err());
        let ok = format!("{{\"x\":{}{}}}", "[".repeat(10), "]".repeat(10));
        assert!(values(&ok).is_ok());
        assert!(Reader::object(b"{\"s\":\"\xff\"}", |_, r| r.skip()).is_err());
        // A skipped value's escapes are checked for syntax only, as serde_json does.
        assert!(values(r#"{"x":["\ud800",{"\udc00":1}]}"#).is_ok());
        assert!(values(r#"{"\ud800":1}"#).is_err());
    }

    #[test]
    fn numeric_dates_at_the_edges_of_i64() {
        let date = |n: &str| {
            let doc = format!(r#"{{"n":{n}}}"#);
            let mut out = None;
            Reader::object(doc.as_bytes(), |_, r| {
                out = r.opt_numeric_date()?;
                Ok(())
            })
            .map(|()| out)
        };
        assert_eq!(date("-9223372036854775808"), Ok(Some(i64::MIN)));
        assert_eq!(date("9223372036854775807"), Ok(Some(i64::MAX)));
        assert_eq!(date("9223372036854775808"), Err(JsonError));
        assert_eq!(date("-9223372036854775809"), Err(JsonError));
        assert_eq!(date("-0"), Ok(Some(0)));
        assert_eq!(date("0"), Ok(Some(0)));
        assert_eq!(date("1647965093"), Ok(Some(1_647_965_093)));
        assert_eq!(date("1647965093.9"), Ok(Some(1_647_965_093)));
        assert_eq!(date("-1.5"), Ok(Some(-1)));
        assert_eq!(date("1e3"), Ok(Some(1000)));
        assert_eq!(date("999999999999999.9"), Ok(Some(999_999_999_999_999)));
        assert_eq!(date("1e15"), Err(JsonError));
        assert_eq!(date("null"), Ok(None));
    }

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let doc = br#"{"s":"plain"}"#;
        Reader::object(doc, |_, r| {
            assert!(matches!(r.string()?.0, Cow::Borrowed("plain")));
            Ok(())
        })
        .unwrap();
    }
}

/// Generators of JSON-like documents for the property tests of the readers built on this one.
#[cfg(test)]
pub(crate) mod strategies {
    use proptest::prelude::*;

    /// JSON strings, some with bad escapes or raw control characters.
    pub fn string() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[a-zA-Z0-9:_ -]{0,12}",
            Just(r"\/".to_string()),
            Just(r#"\""#.to_string()),
            Just(r"\\".to_string()),
            Just(r"\n\t\b\f\r".to_string()),
            Just(r"\u00e9".to_string()),
            Just(r"\ud83d\ude00".to_string()),
            Just(r"\ud800".to_string()),
            Just(r"\udc00".to_string()),
            Just(r"\x".to_string()),
            Just("é😀".to_string()),
            Just("\u{1}".to_string()),
        ];
        proptest::collection::vec(piece, 0..4).prop_map(|p| format!("\"{}\"", p.concat()))
    }

    /// JSON values, some of them not JSON.
    pub fn value() -> impl Strategy<Value = String> {
        let scalar = prop_oneof![
            string(),
            any::<i64>().prop_map(|n| n.to_string()),
            (0u32..2_000_000_000, 0u32..100).prop_map(|(a, b)| format!("{a}.{b}")),
            (0u32..1000, -20i32..20).prop_map(|(a, e)| format!("{a}e{e}")),
            prop_oneof![
                Just("-0"),
                Just("-0.0"),
                Just("1E+3"),
                Just("99999999999999999999"),
                Just("-9223372036854775809"),
                Just("1e400"),
                Just("1e15"),
                Just("01"),
                Just("1."),
                Just(".5"),
                Just("+1"),
                Just("null"),
                Just("true"),
                Just("false"),
                Just("tru"),
                Just("nul"),
            ]
            .prop_map(str::to_string),
        ];
        scalar.prop_recursive(3, 12, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                proptest::collection::vec(string(), 0..4)
                    .prop_map(|v| format!("[{}]", v.join(" , "))),
                proptest::collection::vec((string(), inner), 0..3).prop_map(|v| {
                    let m: Vec<String> = v.iter().map(|(k, v)| format!("{k}:{v}")).collect();
                    format!("{{{}}}", m.join(","))
                }),
            ]
        })
    }

    /// Objects of members named from `keys` (so some repeat), values of every kind, some
    /// of them not JSON, and now and then a trailing comma or trailing bytes.
    pub fn document(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
        let member = (proptest::sample::select(keys), value(), "[ \t\n\r]{0,2}")
            .prop_map(|(k, v, ws)| format!("{ws}\"{k}\"{ws}:{ws}{v}{ws}"));
        (
            proptest::collection::vec(member, 0..8),
            prop_oneof![Just(""), Just(","), Just(" x"), Just("{}"), Just(" \n")],
        )
            .prop_map(|(m, tail)| format!("{{{}}}{tail}", m.join(",")))
    }
}
