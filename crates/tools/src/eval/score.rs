//! Scoring rankings against the labels of an evaluation set: nDCG@10 with graded gains (2 for a
//! program the crosswalk lists for the query, 1 for another program of the same class), Recall@10
//! of the listed programs, and the reciprocal rank of the first listed program — macro-averaged
//! over (query, level) pairs, per level and over all levels, as the data README defines them.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{EvalQuery, Ranking};

pub const CUTOFF: usize = 10;

/// Metrics of one group of (query, level) pairs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Metrics {
    pub pairs: usize,
    pub ndcg: f64,
    pub recall: f64,
    pub mrr: f64,
}

/// Per level and over all levels (`"all"`), in that order of keys.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub by_level: BTreeMap<String, Metrics>,
    pub overall: Metrics,
    /// Pairs of the query file with no ranking (each scores 0).
    pub missing: usize,
}

fn discount(rank: usize) -> f64 {
    1.0 / ((rank + 2) as f64).log2()
}

/// The metrics of one ranked list for one (query, level).
pub fn score_one(ranked: &[String], relevant: &[String], class_only_count: usize) -> (f64, f64, f64) {
    let listed: HashSet<&str> = relevant.iter().map(String::as_str).collect();
    let classes: HashSet<&str> = relevant.iter().filter_map(|c| c.get(..4)).collect();
    let gain = |code: &str| {
        if listed.contains(code) {
            2.0
        } else if code.get(..4).is_some_and(|class| classes.contains(class)) {
            1.0
        } else {
            0.0
        }
    };
    let mut seen: HashSet<&str> = HashSet::new();
    let top: Vec<&str> = ranked.iter().map(String::as_str).filter(|c| seen.insert(c)).take(CUTOFF).collect();
    let dcg: f64 = top.iter().enumerate().map(|(i, code)| gain(code) * discount(i)).sum();
    let mut ideal: Vec<f64> = vec![2.0; listed.len()];
    ideal.extend(std::iter::repeat_n(1.0, class_only_count));
    let idcg: f64 = ideal.iter().take(CUTOFF).enumerate().map(|(i, g)| g * discount(i)).sum();
    let ndcg = if idcg > 0.0 { dcg / idcg } else { 0.0 };
    let found = top.iter().filter(|c| listed.contains(*c)).count();
    let recall = if listed.is_empty() { 0.0 } else { found as f64 / listed.len() as f64 };
    let mrr = ranked.iter().position(|c| listed.contains(c.as_str())).map_or(0.0, |rank| 1.0 / (rank + 1) as f64);
    (ndcg, recall, mrr)
}

/// Scores `rankings` against the labelled `queries`.
pub fn score(queries: &[EvalQuery], rankings: &[Ranking]) -> Report {
    let by_pair: HashMap<(&str, &str), &Ranking> =
        rankings.iter().map(|r| ((r.query_id.as_str(), r.level.as_str()), r)).collect();
    let mut sums: BTreeMap<String, (usize, f64, f64, f64)> = BTreeMap::new();
    let mut missing = 0;
    for query in queries {
        for (level, labels) in &query.levels {
            let ranked = match by_pair.get(&(query.query_id.as_str(), level.as_str())) {
                Some(r) => r.ranked.as_slice(),
                None => {
                    missing += 1;
                    &[]
                }
            };
            let relevant = labels.relevant.as_deref().unwrap_or(&[]);
            let (ndcg, recall, mrr) = score_one(ranked, relevant, labels.class_only_count);
            for key in [level.as_str(), "all"] {
                let entry = sums.entry(key.to_owned()).or_default();
                entry.0 += 1;
                entry.1 += ndcg;
                entry.2 += recall;
                entry.3 += mrr;
            }
        }
    }
    let mean = |(n, ndcg, recall, mrr): (usize, f64, f64, f64)| {
        let d = n.max(1) as f64;
        Metrics { pairs: n, ndcg: ndcg / d, recall: recall / d, mrr: mrr / d }
    };
    let overall = sums.remove("all").map(mean).unwrap_or_default();
    Report { by_level: sums.into_iter().map(|(k, v)| (k, mean(v))).collect(), overall, missing }
}

impl Report {
    /// A plain-text table: one line per level, then all levels.
    pub fn table(&self) -> String {
        let mut out = format!("{:<16} {:>6} {:>8} {:>10} {:>7}\n", "level", "pairs", "nDCG@10", "Recall@10", "MRR");
        let line = |name: &str, m: &Metrics| {
            format!("{:<16} {:>6} {:>8.4} {:>10.4} {:>7.4}\n", name, m.pairs, m.ndcg, m.recall, m.mrr)
        };
        for (level, metrics) in &self.by_level {
            out.push_str(&line(level, metrics));
        }
        out.push_str(&line("all", &self.overall));
        if self.missing > 0 {
            out.push_str(&format!("({} query–level pairs had no ranking and scored 0)\n", self.missing));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn perfect_ranking_scores_one() {
        let (ndcg, recall, mrr) = score_one(&codes(&["460103", "460104", "460105"]), &codes(&["460103", "460104"]), 1);
        assert!((ndcg - 1.0).abs() < 1e-12);
        assert_eq!((recall, mrr), (1.0, 1.0));
    }

    #[test]
    fn class_neighbours_earn_partial_gain_and_order_matters() {
        let relevant = codes(&["460103"]);
        let (class_first, _, mrr) = score_one(&codes(&["460199", "460103"]), &relevant, 1);
        let (exact_first, _, _) = score_one(&codes(&["460103", "460199"]), &relevant, 1);
        assert!(class_first < exact_first && class_first > 0.0);
        assert_eq!(mrr, 0.5);
        let (nothing, recall, mrr) = score_one(&codes(&["510101"]), &relevant, 1);
        assert_eq!((nothing, recall, mrr), (0.0, 0.0, 0.0));
    }

    #[test]
    fn only_the_first_ten_count_for_ndcg_and_recall_and_duplicates_count_once() {
        let mut ranked = codes(&["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
        ranked.push("460103".into());
        let (ndcg, recall, mrr) = score_one(&ranked, &codes(&["460103"]), 0);
        assert_eq!((ndcg, recall), (0.0, 0.0));
        assert!((mrr - 1.0 / 11.0).abs() < 1e-12);
        let (twice, _, _) = score_one(&codes(&["460103", "460103"]), &codes(&["460103", "460104"]), 0);
        assert!(twice < 1.0);
    }
}
