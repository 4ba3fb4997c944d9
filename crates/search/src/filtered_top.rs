//! Top documents by score among those a filter allows.
//!
//! The filter (kinds, levels, not the asking organization …) is evaluated once per segment into
//! a bit set and checked in the collector, instead of being intersected with the scored query.
//! The scored query keeps tantivy's pruning iteration (`for_each_pruning`): block-max WAND when
//! it is a pure disjunction of term queries, score-threshold skipping otherwise; a document the
//! filter rejects simply does not raise the threshold.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{BitSet, DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// The `limit` best-scoring documents matching the searched query and `filter`.
pub(crate) struct FilteredTop {
    filter: Box<dyn Weight>,
    limit: usize,
}

impl FilteredTop {
    pub(crate) fn new(searcher: &Searcher, filter: &dyn Query, limit: usize) -> tantivy::Result<Self> {
        let filter = filter.weight(EnableScoring::disabled_from_searcher(searcher))?;
        Ok(FilteredTop { filter, limit: limit.max(1) })
    }
}

/// A scored document ordered so that the heap's top is the worst kept: lowest score, and among
/// equal scores the highest address (lower addresses win ties, as tantivy's own top docs do).
#[derive(Debug, Clone, Copy)]
struct Entry {
    score: Score,
    doc: DocId,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        other.score.total_cmp(&self.score).then(self.doc.cmp(&other.doc))
    }
}

pub(crate) struct SegmentTop {
    allowed: BitSet,
    heap: BinaryHeap<Entry>,
    limit: usize,
    segment: SegmentOrdinal,
}

impl SegmentTop {
    /// Offers a document; returns the score a document must now beat to be kept.
    fn offer(&mut self, doc: DocId, score: Score) -> Score {
        if self.allowed.contains(doc) {
            let entry = Entry { score, doc };
            if self.heap.len() < self.limit {
                self.heap.push(entry);
            } else if self.heap.peek().is_some_and(|worst| entry < *worst) {
                self.heap.pop();
                self.heap.push(entry);
            }
        }
        self.threshold()
    }

    fn threshold(&self) -> Score {
        if self.heap.len() < self.limit { Score::MIN } else { self.heap.peek().map_or(Score::MIN, |e| e.score) }
    }
}

impl SegmentCollector for SegmentTop {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.offer(doc, score);
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        self.heap.into_sorted_vec().into_iter().map(|e| (e.score, DocAddress::new(segment, e.doc))).collect()
    }
}

impl Collector for FilteredTop {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = SegmentTop;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentTop> {
        let mut allowed = BitSet::with_max_value(reader.max_doc());
        let alive = reader.alive_bitset();
        self.filter.for_each_no_score(reader, &mut |docs| {
            for &doc in docs {
                if alive.is_none_or(|alive| alive.is_alive(doc)) {
                    allowed.insert(doc);
                }
            }
        })?;
        Ok(SegmentTop { allowed, heap: BinaryHeap::with_capacity(self.limit + 1), limit: self.limit, segment })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<(Score, DocAddress)> = fruits.into_iter().flatten().collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all.truncate(self.limit);
        Ok(all)
    }

    /// Drives the searched query's pruning iteration rather than a plain visit of every match.
    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Fruit> {
        let mut top = self.for_segment(segment, reader)?;
        weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| top.offer(doc, score))?;
        Ok(top.harvest())
    }
}
