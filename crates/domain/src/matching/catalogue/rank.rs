//! Ranking the catalogue programs of a level for a text, and the fit of one program to a set of
//! occupations (for matching postings).

use crate::SchoolLevel;
use crate::reference::ProgramCode;

use super::{CLASS_WEIGHT, CatalogueModel, Occupations, RankedProgram, TEXT_WEIGHT, WAY_WEIGHTS, WAYS, level_index};
use crate::matching::bm25::normalize_max;
use crate::matching::criteria::Reason;

/// How well one program fits the occupations of a need, in [0, 1], and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub score: f64,
    pub reason: Reason,
}

impl CatalogueModel {
    /// Every program of `level`, best first, for `text` (`terms`: the text's search terms). The
    /// score is 0.8 × text relevance + occupation fit, the fit averaging the occupations the text
    /// is about by their confidence; then each program is lifted by twice the best score of its
    /// class, since a need that fits one program of a class usually fits its neighbours.
    /// `withheld` occupation codes are ignored in the crosswalk, to evaluate the matcher on
    /// occupations it does not list.
    pub fn rank(&self, text: &str, terms: &[String], level: SchoolLevel, withheld: &[&str]) -> Vec<RankedProgram> {
        let li = level_index(level);
        let programs = &self.levels[li].programs;
        let mut relevance = self.levels[li].text.scores(terms);
        normalize_max(&mut relevance);
        let withheld: Vec<usize> = withheld.iter().filter_map(|c| self.position.get(c).copied()).collect();
        let occupations = self.occupations_for(text);
        let total: f64 = occupations.iter().map(|(_, w)| w).sum();
        let mut fit = vec![0.0; programs.len()];
        // The largest single contribution to each program's fit: (amount, occupation, way).
        let mut strongest: Vec<(f64, usize, usize)> = vec![(0.0, 0, 0); programs.len()];
        for &(o, confidence) in &occupations {
            let share = confidence / total;
            for (p, ways) in self.ways(o, li, &withheld).iter().enumerate() {
                for (k, amount) in ways.iter().enumerate() {
                    let contribution = share * WAY_WEIGHTS[k] * amount;
                    fit[p] += contribution;
                    if contribution > strongest[p].0 {
                        strongest[p] = (contribution, o, k);
                    }
                }
            }
        }
        let combined: Vec<f64> = relevance.iter().zip(&fit).map(|(t, f)| TEXT_WEIGHT * t + f).collect();
        let level_data = &self.levels[li];
        let mut class_best = vec![0.0f64; level_data.classes.len()];
        for (p, score) in combined.iter().enumerate() {
            let best = &mut class_best[level_data.class_of[p]];
            *best = best.max(*score);
        }
        let mut ranked: Vec<(usize, RankedProgram)> = programs
            .iter()
            .enumerate()
            .map(|(p, program)| {
                let (amount, o, k) = strongest[p];
                let reason = (amount > 0.0).then(|| self.explain(WAYS[k], o, li, p));
                let score = combined[p] + CLASS_WEIGHT * class_best[level_data.class_of[p]];
                (p, RankedProgram { program, score, text: relevance[p], fit: fit[p], reason })
            })
            .collect();
        ranked.sort_by(|(a, x), (b, y)| y.score.total_cmp(&x.score).then(a.cmp(b)));
        ranked.into_iter().map(|(_, r)| r).collect()
    }

    /// The plain BM25 baseline: programs of `level` by the relevance of their name and profile
    /// text alone.
    pub fn rank_by_text(&self, terms: &[String], level: SchoolLevel) -> Vec<RankedProgram> {
        let li = level_index(level);
        let mut relevance = self.levels[li].text.scores(terms);
        normalize_max(&mut relevance);
        let mut ranked: Vec<(usize, RankedProgram)> = self.levels[li]
            .programs
            .iter()
            .enumerate()
            .map(|(p, program)| {
                (p, RankedProgram { program, score: relevance[p], text: relevance[p], fit: 0.0, reason: None })
            })
            .collect();
        ranked.sort_by(|(a, x), (b, y)| y.score.total_cmp(&x.score).then(a.cmp(b)));
        ranked.into_iter().map(|(_, r)| r).collect()
    }

    /// How well `program` fits the `occupations` of a need: the best single occupation's fit
    /// (all five ways, weighted), scaled by its confidence and capped at 1, so a program the
    /// crosswalk lists for the need's own occupation scores 1 whatever else the need mentions.
    pub fn fit(&self, occupations: &Occupations, program: &ProgramCode) -> Option<Fit> {
        let li = level_index(program.level());
        let p = *self.levels[li].position.get(program.as_str())?;
        let mut best: Option<(f64, usize, usize)> = None;
        for &(o, confidence) in occupations {
            let ways = self.ways_at(o, li, p);
            let total: f64 = ways.iter().zip(WAY_WEIGHTS).map(|(a, w)| a * w).sum::<f64>() * confidence;
            let strongest =
                (0..5).max_by(|&a, &b| (ways[a] * WAY_WEIGHTS[a]).total_cmp(&(ways[b] * WAY_WEIGHTS[b])))?;
            if total > 0.0 && best.is_none_or(|(b, _, _)| total > b) {
                best = Some((total, o, strongest));
            }
        }
        let (score, o, way) = best?;
        Some(Fit { score: score.min(1.0), reason: self.explain(WAYS[way], o, li, p) })
    }
}
