//! The catalogue model: how the national reference data connects what an enterprise needs to the
//! programs that train for it.
//!
//! Built once from the embedded catalogue and classification plus what `reference import` loaded
//! ([`ReferenceTexts`]: program profiles, occupation definitions, the crosswalk). It answers:
//! - which occupations a text is about ([`CatalogueModel::occupations_for`]): character-bigram BM25
//!   over each occupation's name and aliases (×3) and definition and tasks (×0.5), plus a bonus
//!   for the longest alias found verbatim in the text; the top [`TOP_OCCUPATIONS`], each weighted by
//!   (score / best score)²;
//! - how well a program fits an occupation ([`Fit`]): listed together in the crosswalk; listed
//!   for other occupations of the same 小类 or 中类 (the hierarchy, for occupations the crosswalk
//!   does not cover); named in the program profile's 职业面向; or the same class of programs at
//!   another level listed for it;
//! - the catalogue programs of a level ranked for a text ([`CatalogueModel::rank`]), which is what
//!   free-text matching and `chanjiao eval` use; see docs/matching.md for the method and its
//!   evaluation.
//!
//! Tokens for the program text come from the caller (the search crate's analyser), so this stays
//! free of any tokenizer dependency.

use std::collections::HashMap;

use crate::SchoolLevel;
use crate::reference::{Occupation, Program, ProgramCode, occupations, programs};

use super::bm25::{Bm25, bigrams, normalize_max};
use super::criteria::Reason;
use super::mentions::{NameMatcher, named_occupations};

/// Occupations kept for a text.
pub const TOP_OCCUPATIONS: usize = 10;
const CONFIDENCE_POWER: i32 = 2;
const ALIAS_BONUS: f64 = 0.2;
const NAME_TF: f64 = 3.0;
const DEFINITION_TF: f64 = 0.5;
/// Weights of the five ways a program fits an occupation, in [`Way`] order.
const WAY_WEIGHTS: [f64; 5] = [1.0, 0.5, 0.2, 0.5, 0.5];
/// Weight of text relevance beside occupation fit when ranking the catalogue.
const TEXT_WEIGHT: f64 = 0.8;
/// How much the best program of a class lifts the others of its class.
const CLASS_WEIGHT: f64 = 2.0;
/// The catalogue's levels, in the order `levels` holds them.
const LEVELS: &[SchoolLevel] = SchoolLevel::ALL;

/// The ways a program can fit an occupation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    Crosswalk,
    SameSmallGroup,
    SameMediumGroup,
    ProfileNames,
    OtherLevel,
}

const WAYS: [Way; 5] = [Way::Crosswalk, Way::SameSmallGroup, Way::SameMediumGroup, Way::ProfileNames, Way::OtherLevel];

/// What `reference import` loaded, keyed by code.
#[derive(Debug, Clone, Default)]
pub struct ReferenceTexts {
    /// Program code → (职业面向 text, the whole profile as one text).
    pub profiles: HashMap<String, (String, String)>,
    /// Occupation code → definition and tasks.
    pub definitions: HashMap<String, String>,
    /// (level, program code, occupation code).
    pub crosswalk: Vec<(SchoolLevel, String, String)>,
}

struct LevelPrograms {
    level: SchoolLevel,
    programs: Vec<&'static Program>,
    position: HashMap<&'static str, usize>,
    /// Class of each program, as an index into `classes`.
    class_of: Vec<usize>,
    classes: HashMap<String, usize>,
    text: Bm25,
    /// Occupation → programs whose profile names it, with the strength.
    mentions: HashMap<usize, Vec<(usize, f64)>>,
}

/// The model; see the module docs.
pub struct CatalogueModel {
    levels: Vec<LevelPrograms>,
    occupations: Vec<&'static Occupation>,
    position: HashMap<&'static str, usize>,
    /// Aliases (and names) by their first character: (alias, its length in characters, occupation).
    aliases_by_first: HashMap<char, Vec<(String, usize, usize)>>,
    names: Bm25,
    crosswalk: HashMap<(usize, usize), Vec<usize>>,
    small_groups: HashMap<&'static str, Vec<usize>>,
    medium_groups: HashMap<&'static str, Vec<usize>>,
}

/// A catalogue program ranked for a text.
#[derive(Debug, Clone)]
pub struct RankedProgram {
    pub program: &'static Program,
    pub score: f64,
    /// Text relevance in [0, 1], relative to the best program of the level.
    pub text: f64,
    /// Occupation fit, before the class lift.
    pub fit: f64,
    pub reason: Option<Reason>,
}

/// Occupations a text is about: (index into the model's occupations, confidence in (0, 1], the
/// best being 1).
pub type Occupations = Vec<(usize, f64)>;

fn level_index(level: SchoolLevel) -> usize {
    LEVELS.iter().position(|l| *l == level).unwrap_or(0)
}

/// The same class of programs at another vocational level: the first digit says the level (6/7
/// 中职, 4/5 高职专科, 2/3 职教本科), the rest the field. The undergraduate catalogue has its own codes.
fn class_at(class: &str, level: SchoolLevel) -> Option<String> {
    const FIRST: [(SchoolLevel, char, char); 3] = [
        (SchoolLevel::Zhongzhi, '6', '7'),
        (SchoolLevel::GaozhiZhuanke, '4', '5'),
        (SchoolLevel::GaozhiBenke, '2', '3'),
    ];
    let first = class.chars().next()?;
    let (_, a, b) = FIRST.iter().find(|(_, a, b)| *a == first || *b == first)?;
    let (_, ta, tb) = FIRST.iter().find(|(l, _, _)| *l == level)?;
    let target = if first == *a {
        ta
    } else if first == *b {
        tb
    } else {
        return None;
    };
    Some(format!("{target}{}", &class[1..]))
}

impl CatalogueModel {
    /// Builds the model; `tokenize` splits program text into search terms (the search crate's
    /// analyser, so program text is tokenized as postings are).
    pub fn new(texts: &ReferenceTexts, tokenize: &dyn Fn(&str) -> Vec<String>) -> Self {
        let occupations: Vec<&'static Occupation> = occupations().iter().filter(|o| o.level == 4).collect();
        let position: HashMap<&'static str, usize> =
            occupations.iter().enumerate().map(|(i, o)| (o.code.as_str(), i)).collect();
        let mut aliases_by_first: HashMap<char, Vec<(String, usize, usize)>> = HashMap::new();
        for (o, occupation) in occupations.iter().enumerate() {
            for alias in alias_set(occupation) {
                if let Some(first) = alias.chars().next() {
                    let length = alias.chars().count();
                    aliases_by_first.entry(first).or_default().push((alias, length, o));
                }
            }
        }
        let fields: Vec<[Vec<String>; 3]> = occupations
            .iter()
            .map(|o| {
                let definition = texts.definitions.get(o.code.as_str()).map_or("", String::as_str);
                [bigrams(&o.name), bigrams(&o.aliases.join(" ")), bigrams(definition)]
            })
            .collect();
        let names =
            Bm25::new(fields.iter().map(|[n, a, d]| {
                vec![(n.as_slice(), NAME_TF), (a.as_slice(), NAME_TF), (d.as_slice(), DEFINITION_TF)]
            }));
        let mut small_groups: HashMap<&'static str, Vec<usize>> = HashMap::new();
        let mut medium_groups: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for (i, o) in occupations.iter().enumerate() {
            small_groups.entry(&o.code.as_str()[..7]).or_default().push(i);
            medium_groups.entry(&o.code.as_str()[..4]).or_default().push(i);
        }
        let groups: Vec<(&'static str, Vec<usize>)> = crate::reference::occupations()
            .iter()
            .filter(|g| g.level == 3)
            .map(|g| (g.name.as_str(), small_groups.get(&g.code.as_str()[..7]).cloned().unwrap_or_default()))
            .collect();
        let matcher = NameMatcher::new(occupations.iter().map(|o| o.name.as_str()), groups);
        let levels: Vec<LevelPrograms> = LEVELS.iter().map(|&l| level_programs(l, texts, tokenize, &matcher)).collect();

        let mut crosswalk: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        for (level, program, occupation) in &texts.crosswalk {
            let li = level_index(*level);
            let program = ProgramCode::parse(program).ok();
            let p = program.and_then(|code| levels[li].position.get(code.as_str()).copied());
            if let (Some(p), Some(&o)) = (p, position.get(occupation.as_str())) {
                let list = crosswalk.entry((o, li)).or_default();
                if !list.contains(&p) {
                    list.push(p);
                }
            }
        }
        CatalogueModel {
            levels,
            occupations,
            position,
            aliases_by_first,
            names,
            crosswalk,
            small_groups,
            medium_groups,
        }
    }

    /// Whether the model has the imported reference data (else it knows names only).
    pub fn has_crosswalk(&self) -> bool {
        !self.crosswalk.is_empty()
    }

    pub fn occupation(&self, index: usize) -> &'static Occupation {
        self.occupations[index]
    }

    /// The occupations `text` is about, most likely first (see the module docs).
    pub fn occupations_for(&self, text: &str) -> Occupations {
        let mut scores = self.names.scores(&bigrams(text));
        normalize_max(&mut scores);
        let lower = text.to_lowercase();
        // Every alias that starts at some character of the text and continues as the text does:
        // looked up by that first character, so the cost follows the text, not the 10,000 aliases.
        let mut contained = vec![0.0f64; self.occupations.len()];
        for (at, c) in lower.char_indices() {
            for (alias, length, o) in self.aliases_by_first.get(&c).into_iter().flatten() {
                if lower[at..].starts_with(alias.as_str()) {
                    contained[*o] = contained[*o].max(*length as f64);
                }
            }
        }
        normalize_max(&mut contained);
        let combined: Vec<f64> = scores.iter().zip(&contained).map(|(s, c)| s + ALIAS_BONUS * c).collect();
        let mut order: Vec<usize> = (0..combined.len()).collect();
        let better = |a: &usize, b: &usize| combined[*b].total_cmp(&combined[*a]).then(a.cmp(b));
        if order.len() > TOP_OCCUPATIONS {
            order.select_nth_unstable_by(TOP_OCCUPATIONS, better);
            order.truncate(TOP_OCCUPATIONS);
        }
        order.sort_by(better);
        let best = order.first().map_or(0.0, |&i| combined[i]);
        if best <= 0.0 {
            return Vec::new();
        }
        order.into_iter().take(TOP_OCCUPATIONS).map(|i| (i, (combined[i] / best).powi(CONFIDENCE_POWER))).collect()
    }

    /// Occupations given by code (level-4 codes; a group code stands for its occupations), each
    /// with full confidence.
    pub fn occupations_of(&self, codes: &[&str]) -> Occupations {
        let mut found: Occupations = Vec::new();
        for code in codes {
            let members: Vec<usize> = match self.position.get(code) {
                Some(&i) => vec![i],
                None => {
                    let prefix = code.trim_end_matches("-00");
                    let group =
                        if prefix.len() == 7 { self.small_groups.get(prefix) } else { self.medium_groups.get(prefix) };
                    group.cloned().unwrap_or_default()
                }
            };
            for i in members {
                if !found.iter().any(|(j, _)| *j == i) {
                    found.push((i, 1.0));
                }
            }
        }
        found
    }

    /// The five ways every program of `level` fits occupation `o`, with `withheld` occupations
    /// treated as if the crosswalk did not list them (for evaluation).
    fn ways(&self, o: usize, li: usize, withheld: &[usize]) -> Vec<[f64; 5]> {
        let level = &self.levels[li];
        let mut ways = vec![[0.0; 5]; level.programs.len()];
        let listed = |occupation: usize, l: usize| -> &[usize] {
            if withheld.contains(&occupation) {
                &[]
            } else {
                self.crosswalk.get(&(occupation, l)).map_or(&[], Vec::as_slice)
            }
        };
        for &p in listed(o, li) {
            ways[p][0] = 1.0;
        }
        let code = self.occupations[o].code.as_str();
        for (slot, group) in [(1, self.small_groups.get(&code[..7])), (2, self.medium_groups.get(&code[..4]))] {
            let linked: Vec<&[usize]> = group
                .into_iter()
                .flatten()
                .filter(|&&m| m != o)
                .map(|&m| listed(m, li))
                .filter(|l| !l.is_empty())
                .collect();
            for list in &linked {
                for &p in *list {
                    ways[p][slot] += 1.0 / linked.len() as f64;
                }
            }
        }
        for &(p, strength) in level.mentions.get(&o).into_iter().flatten() {
            ways[p][3] = strength;
        }
        if level.level != SchoolLevel::PutongBenke {
            for other in (0..3).filter(|&l| l != li) {
                for &p in listed(o, other) {
                    let class = &self.levels[other].programs[p].class_code;
                    if let Some(&c) = class_at(class, level.level).and_then(|c| level.classes.get(&c)) {
                        for (q, class_of) in level.class_of.iter().enumerate() {
                            if *class_of == c {
                                ways[q][4] = 1.0;
                            }
                        }
                    }
                }
            }
        }
        ways
    }

    /// The five ways one program `p` of level `li` fits occupation `o` (the same as a row of
    /// [`Self::ways`], without building the whole level's rows).
    fn ways_at(&self, o: usize, li: usize, p: usize) -> [f64; 5] {
        let listed = |occupation: usize, l: usize| self.crosswalk.get(&(occupation, l)).map_or(&[][..], Vec::as_slice);
        let mut ways = [0.0; 5];
        if listed(o, li).contains(&p) {
            ways[0] = 1.0;
        }
        let code = self.occupations[o].code.as_str();
        for (slot, group) in [(1, self.small_groups.get(&code[..7])), (2, self.medium_groups.get(&code[..4]))] {
            let (mut linked, mut hits) = (0usize, 0usize);
            for &m in group.into_iter().flatten().filter(|&&m| m != o) {
                let list = listed(m, li);
                if !list.is_empty() {
                    linked += 1;
                    hits += usize::from(list.contains(&p));
                }
            }
            if linked > 0 {
                ways[slot] = hits as f64 / linked as f64;
            }
        }
        let level = &self.levels[li];
        ways[3] = level.mentions.get(&o).and_then(|m| m.iter().find(|(q, _)| *q == p)).map_or(0.0, |(_, s)| *s);
        if level.level != SchoolLevel::PutongBenke {
            let class = &level.programs[p].class_code;
            let same_field = (0..3).filter(|&l| l != li).any(|other| {
                listed(o, other)
                    .iter()
                    .any(|&q| class_at(&self.levels[other].programs[q].class_code, level.level).as_ref() == Some(class))
            });
            if same_field {
                ways[4] = 1.0;
            }
        }
        ways
    }

    /// A sentence naming what connects program `p` of level `li` to occupation `o` by `way`.
    fn explain(&self, way: Way, o: usize, li: usize, p: usize) -> Reason {
        let name = &self.occupations[o].name;
        match way {
            Way::Crosswalk => Reason::new(format!("专业面向 {name} 职业"), format!("The program leads to {name}")),
            Way::SameSmallGroup | Way::SameMediumGroup => {
                let code = self.occupations[o].code.as_str();
                let group = if way == Way::SameSmallGroup {
                    &self.small_groups[&code[..7]]
                } else {
                    &self.medium_groups[&code[..4]]
                };
                let sibling = group
                    .iter()
                    .find(|&&m| m != o && self.crosswalk.get(&(m, li)).is_some_and(|l| l.contains(&p)))
                    .map_or(name.as_str(), |&m| self.occupations[m].name.as_str());
                Reason::new(
                    format!("专业面向与 {name} 同类的 {sibling} 职业"),
                    format!("The program leads to {sibling}, in the same group as {name}"),
                )
            }
            Way::ProfileNames => Reason::new(
                format!("专业简介的职业面向包括 {name}"),
                format!("The program profile lists {name} among its occupations"),
            ),
            Way::OtherLevel => Reason::new(
                format!("其他层次的同类专业面向 {name} 职业"),
                format!("Programs of this class at other levels lead to {name}"),
            ),
        }
    }
}

fn alias_set(o: &Occupation) -> Vec<String> {
    let mut set: Vec<String> =
        o.aliases.iter().chain(std::iter::once(&o.name)).map(|a| a.trim().to_lowercase()).collect();
    let pieces: Vec<String> = set.iter().flat_map(|a| a.split('/').map(str::to_owned).collect::<Vec<_>>()).collect();
    set.extend(pieces);
    set.retain(|a| a.chars().count() >= 2);
    set.sort();
    set.dedup();
    set
}

fn level_programs(
    level: SchoolLevel,
    texts: &ReferenceTexts,
    tokenize: &dyn Fn(&str) -> Vec<String>,
    matcher: &NameMatcher,
) -> LevelPrograms {
    let programs: Vec<&'static Program> = programs().iter().filter(|p| p.level == level).collect();
    let position = programs.iter().enumerate().map(|(i, p)| (p.code.as_str(), i)).collect();
    let mut classes: HashMap<String, usize> = HashMap::new();
    let class_of = programs
        .iter()
        .map(|p| {
            let next = classes.len();
            *classes.entry(p.class_code.clone()).or_insert(next)
        })
        .collect();
    let tokens: Vec<Vec<String>> = programs
        .iter()
        .map(|p| {
            let profile = texts.profiles.get(p.code.as_str()).map_or("", |(_, all)| all.as_str());
            tokenize(&format!("{} {profile}", p.name))
        })
        .collect();
    let text = Bm25::new(tokens.iter().map(|t| vec![(t.as_slice(), 1.0)]));
    let mut mentions: HashMap<usize, Vec<(usize, f64)>> = HashMap::new();
    for (p, program) in programs.iter().enumerate() {
        let Some((occupations, _)) = texts.profiles.get(program.code.as_str()) else { continue };
        let mut best: HashMap<usize, f64> = HashMap::new();
        for named in named_occupations(occupations) {
            for (o, strength) in matcher.resolve(&named) {
                let entry = best.entry(o).or_default();
                *entry = entry.max(strength);
            }
        }
        for (o, strength) in best {
            mentions.entry(o).or_default().push((p, strength));
        }
    }
    LevelPrograms { level, programs, position, class_of, classes, text, mentions }
}

mod pairs;
mod rank;

pub use pairs::Prepared;
pub use rank::Fit;

#[cfg(test)]
mod tests;
