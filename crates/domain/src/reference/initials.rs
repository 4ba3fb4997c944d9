//! Pinyin initials (拼音首字母) of Chinese names, so that a picker finds 数控技术 when the user types
//! "sk", as Chinese users expect of any search box.

use pinyin::ToPinyinMulti;

/// The possible initials of each character of a name, one bit per letter a–z and digit 0–9.
///
/// A character with several readings carries the initials of all of them: 行 is xíng in 行政 but
/// háng in 银行, and the table cannot know which is meant, so 银行 matches both "yh" and "yx".
/// Characters without a reading (punctuation, brackets) are skipped; ASCII letters and digits in a
/// name (the "3D" of 3D打印技术应用) stand for themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Initials(Vec<u64>);

impl Initials {
    pub(super) fn of(name: &str) -> Self {
        let sets = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    bit(c.to_ascii_lowercase())
                } else {
                    c.to_pinyin_multi()
                        .map(|readings| {
                            readings
                                .into_iter()
                                .fold(0, |set, reading| set | reading.plain().chars().next().map_or(0, bit))
                        })
                        .unwrap_or(0)
                }
            })
            .filter(|set| *set != 0)
            .collect();
        Initials(sets)
    }

    /// The position of the first run of characters whose initials spell `query`, if any.
    /// `query` must already be lower case.
    pub(super) fn find(&self, query: &str) -> Option<usize> {
        let wanted: Vec<u64> = query.chars().map(bit).collect();
        if wanted.is_empty() || wanted.contains(&0) || wanted.len() > self.0.len() {
            return None;
        }
        (0..=self.0.len() - wanted.len())
            .find(|&start| wanted.iter().zip(&self.0[start..]).all(|(w, set)| w & set != 0))
    }
}

/// Whether a query looks like pinyin initials: ASCII letters, possibly with digits, never digits
/// alone (those are codes).
pub(super) fn is_initials_query(query: &str) -> bool {
    !query.is_empty()
        && query.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && query.chars().any(|c| c.is_ascii_lowercase())
}

fn bit(c: char) -> u64 {
    match c {
        'a'..='z' => 1 << (c as u32 - 'a' as u32),
        '0'..='9' => 1 << (26 + c as u32 - '0' as u32),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spells_initials_of_chinese_names() {
        let cnc = Initials::of("数控技术");
        assert_eq!(cnc.find("sk"), Some(0));
        assert_eq!(cnc.find("skjs"), Some(0));
        assert_eq!(cnc.find("js"), Some(2));
        assert_eq!(cnc.find("jx"), None);
        assert_eq!(cnc.find("skjsx"), None);
    }

    #[test]
    fn knows_every_reading_of_a_character() {
        let bank = Initials::of("银行");
        assert_eq!(bank.find("yh"), Some(0));
        assert_eq!(bank.find("yx"), Some(0));
    }

    #[test]
    fn keeps_ascii_and_skips_punctuation() {
        let print = Initials::of("3D打印技术应用");
        assert_eq!(print.find("3ddy"), Some(0));
        let occupation = Initials::of("工程技术人员（电子）");
        assert_eq!(occupation.find("rydz"), Some(4));
    }

    #[test]
    fn tells_initials_from_codes() {
        assert!(is_initials_query("sk"));
        assert!(is_initials_query("3ddy"));
        assert!(!is_initials_query("460103"));
        assert!(!is_initials_query("数控"));
        assert!(!is_initials_query(""));
    }

    proptest! {
        #[test]
        fn a_name_always_matches_its_own_initials(name in "[\\u{4e00}-\\u{9fa5}a-z0-9]{1,12}") {
            let initials = Initials::of(&name);
            // Build one spelling by taking, for each character, its lowest possible initial.
            let spelled: String = initials.0.iter().map(|set| {
                let bit = set.trailing_zeros();
                if bit < 26 { (b'a' + bit as u8) as char } else { (b'0' + (bit - 26) as u8) as char }
            }).collect();
            prop_assume!(!spelled.is_empty());
            prop_assert_eq!(initials.find(&spelled), Some(0));
        }
    }
}
