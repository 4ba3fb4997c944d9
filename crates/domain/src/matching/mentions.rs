//! Which occupations a program profile's 职业面向 names. The profiles say it in prose ("面向数控车工、
//! 加工中心操作工和机床装调维修工等职业，…"), with names that differ slightly from the classification's
//! (OCR noise, abbreviations), so names are compared by the Dice coefficient of their character
//! bigrams rather than for equality.
//!
//! This is independent of the crosswalk, which is what lets the matcher connect a program to an
//! occupation the crosswalk does not list.

use std::collections::{HashMap, HashSet};

/// Dice similarity from which a name in a profile is taken to be an occupation of the list.
const MIN_DICE: f64 = 0.6;
/// A profile naming a 小类 (a group) points at each occupation in it, at half strength.
const GROUP_FACTOR: f64 = 0.5;

/// The occupation names in the 职业面向 text of a profile: what stands between 面向 and 等职业,
/// split at enumeration marks and 和.
pub fn named_occupations(text: &str) -> Vec<String> {
    let Some(start) = text.find("面向") else { return Vec::new() };
    let rest = &text[start + "面向".len()..];
    let Some(end) = rest.find("等职业") else { return Vec::new() };
    rest[..end]
        .split(['、', '，', ',', '；', ';', '和'])
        .map(str::trim)
        .filter(|item| item.chars().count() >= 2)
        .map(str::to_owned)
        .collect()
}

fn bigram_set(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

fn dice(a: &HashSet<(char, char)>, b: &HashSet<(char, char)>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / (a.len() + b.len()) as f64
}

/// A name to recognise: its bigrams, the occupations it stands for, and at what strength.
struct Name {
    bigrams: HashSet<(char, char)>,
    occupations: Vec<usize>,
    factor: f64,
}

/// Names to recognise: occupations (细类) and groups (小类), each with the occupations it stands for.
pub struct NameMatcher {
    names: Vec<Name>,
    by_bigram: HashMap<(char, char), Vec<usize>>,
}

impl NameMatcher {
    /// `occupations`: names of occupations, by their index; `groups`: a group's name and the
    /// indices of its occupations.
    pub fn new<'a>(
        occupations: impl IntoIterator<Item = &'a str>,
        groups: impl IntoIterator<Item = (&'a str, Vec<usize>)>,
    ) -> Self {
        let mut names: Vec<Name> = occupations
            .into_iter()
            .enumerate()
            .map(|(i, name)| Name { bigrams: bigram_set(name), occupations: vec![i], factor: 1.0 })
            .collect();
        names.extend(groups.into_iter().map(|(name, members)| Name {
            bigrams: bigram_set(name),
            occupations: members,
            factor: GROUP_FACTOR,
        }));
        let mut by_bigram: HashMap<(char, char), Vec<usize>> = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            for bigram in &name.bigrams {
                by_bigram.entry(*bigram).or_default().push(i);
            }
        }
        NameMatcher { names, by_bigram }
    }

    /// The occupations a name in a profile refers to, each with a strength in (0, 1].
    pub fn resolve(&self, mention: &str) -> Vec<(usize, f64)> {
        let set = bigram_set(mention);
        let candidates: HashSet<usize> = set.iter().filter_map(|b| self.by_bigram.get(b)).flatten().copied().collect();
        let mut found: HashMap<usize, f64> = HashMap::new();
        for i in candidates {
            let name = &self.names[i];
            let similarity = dice(&name.bigrams, &set);
            if similarity >= MIN_DICE {
                for &occupation in &name.occupations {
                    let strength = found.entry(occupation).or_default();
                    *strength = strength.max(name.factor * similarity);
                }
            }
        }
        let mut found: Vec<(usize, f64)> = found.into_iter().collect();
        found.sort_by_key(|&(i, _)| i);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_enumeration_between_mianxiang_and_dengzhiye() {
        let text = "面向农业技术员、种子繁育员和 农作物植保员等职业，农作物种子生产等岗位（群）。";
        assert_eq!(named_occupations(text), vec!["农业技术员", "种子繁育员", "农作物植保员"]);
        assert!(named_occupations("培养高素质技术技能人才").is_empty());
    }

    #[test]
    fn near_names_match_and_groups_spread_at_half_strength() {
        let matcher = NameMatcher::new(["数控车工", "电工"], [("机械冷加工人员", vec![0])]);
        assert_eq!(matcher.resolve("数控车工"), vec![(0, 1.0)]);
        assert!(matcher.resolve("车工").is_empty(), "one bigram of three is not enough");
        let group = matcher.resolve("机械冷加工人员");
        assert_eq!(group, vec![(0, 0.5)]);
    }
}
