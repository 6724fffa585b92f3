//! Text from elsewhere (a server, a user) made safe for a terminal or a file, and kept to one
//! readable line.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal or a file raw: control characters (C0, DEL, C1:
/// escape sequences, carriage returns, line breaks), Unicode's bidirectional formatting
/// characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which make text show
/// in another order than it reads ("Trojan Source", CVE-2021-42574), and the line and
/// paragraph separators U+2028 and U+2029.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `text` with every character that must not reach a terminal raw ([`is_unsafe`]) replaced
/// by a space.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    // Most text is printable ASCII, which holds none: one pass over its bytes tells (a fold
    // without an early exit, which the compiler vectorizes).
    if text
        .bytes()
        .fold(true, |printable, b| printable & matches!(b, b' '..=b'~'))
    {
        return text.into();
    }
    if text.chars().any(is_unsafe) {
        text.chars()
            .map(|c| if is_unsafe(c) { ' ' } else { c })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// `text` cut to about `max` characters when it is longer: its start and its end (where an
/// error message usually says what happened and what to do), and how much was cut between.
pub(crate) fn bounded(text: &str, max: usize) -> Cow<'_, str> {
    let count = text.chars().count();
    if count <= max {
        return text.into();
    }
    let tail = max / 4;
    let head = max - tail;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(count - tail).collect();
    format!(
        "{start} … [{} characters not shown] … {end}",
        count - head - tail
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidirectional_characters_become_spaces() {
        assert_eq!(printable("plain text, é ü 漢"), "plain text, é ü 漢");
        assert!(matches!(printable("plain"), Cow::Borrowed(_)));
        let hostile =
            "a\u{1b}[2Jb\rc\nd\u{7f}e\u{9b}f\u{202e}g\u{2066}h\u{2069}i\u{200f}j\u{61c}k\u{2028}l";
        assert_eq!(printable(hostile), "a [2Jb c d e f g h i j k l");
        for c in ('\u{202a}'..='\u{202e}').chain('\u{2066}'..='\u{2069}') {
            assert_eq!(printable(&format!("x{c}y")), "x y", "{c:?}");
        }
    }

    #[test]
    fn long_text_keeps_its_start_and_end() {
        assert_eq!(bounded("short", 10), "short");
        let long = format!("start{}end", "x".repeat(10_000));
        let cut = bounded(&long, 100);
        assert!(cut.starts_with("startxx"), "{cut}");
        assert!(cut.ends_with("xxend"), "{cut}");
        assert!(cut.contains("[9908 characters not shown]"), "{cut}");
        assert!(cut.chars().count() < 150, "{cut}");
        let wide = "é".repeat(1000);
        assert!(
            bounded(&wide, 10).starts_with("éééééééé "),
            "cut between characters"
        );
    }
}
