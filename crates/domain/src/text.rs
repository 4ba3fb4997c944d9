//! Free text as users type it: trimmed, bounded in length, free of control characters.
//!
//! Length is counted in characters, not bytes, because a Chinese name of 100 characters is
//! 300 bytes and users think in characters.

use crate::error::Invalid;

/// Trims `raw` and checks it has between `min` and `max` characters and no control characters
/// (newlines and tabs are allowed only when `multiline` is set).
pub fn clean(raw: &str, min: usize, max: usize, multiline: bool) -> Result<String, Invalid> {
    let text = raw.trim();
    let count = text.chars().count();
    if count == 0 && min > 0 {
        return Err(Invalid::Required);
    }
    if count < min {
        return Err(Invalid::TooShort { min });
    }
    if count > max {
        return Err(Invalid::TooLong { max });
    }
    let allowed = |c: char| multiline && (c == '\n' || c == '\t' || c == '\r');
    if text.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(Invalid::ControlCharacters);
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        let name = "绍".repeat(10);
        assert_eq!(clean(&name, 1, 10, false).unwrap(), name);
        assert_eq!(clean(&"绍".repeat(11), 1, 10, false), Err(Invalid::TooLong { max: 10 }));
    }

    #[test]
    fn trims_and_requires() {
        assert_eq!(clean("  柯桥  ", 1, 10, false).unwrap(), "柯桥");
        assert_eq!(clean("   ", 1, 10, false), Err(Invalid::Required));
    }

    #[test]
    fn rejects_control_characters_unless_multiline() {
        assert_eq!(clean("a\u{0}b", 1, 10, true), Err(Invalid::ControlCharacters));
        assert_eq!(clean("a\nb", 1, 10, false), Err(Invalid::ControlCharacters));
        assert_eq!(clean("a\nb", 1, 10, true).unwrap(), "a\nb");
    }
}
