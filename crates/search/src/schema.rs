//! The index schema: which fields a posting is indexed under, and how each is analysed.
//!
//! The Chinese tokenizer is registered under a versioned name. The schema is compared with the
//! one on disk when an index is opened, so bumping [`ZH_TOKENIZER`] whenever the analysis changes
//! (a new dictionary word, a different position rule) makes every node rebuild its index rather
//! than mix old and new tokens.

use tantivy::Index;
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::TextAnalyzer;

use crate::tokenizer::ChineseTokenizer;

/// The name the Chinese analyser is registered under; bump it when analysis changes.
pub(crate) const ZH_TOKENIZER: &str = "chanjiao_zh_v1";
/// Keyword fields hold values the indexer has already normalised; tantivy's "raw" keeps them whole.
const KEYWORD_TOKENIZER: &str = "raw";

/// Handles of every field, resolved once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub organization_id: Field,
    // Facets, also used as filters.
    pub kind: Field,
    pub side: Field,
    pub region: Field,
    pub cluster: Field,
    pub level: Field,
    pub program_class: Field,
    // Chinese text, with positions for phrases.
    pub title: Field,
    pub org_name: Field,
    pub description: Field,
    pub skills: Field,
    /// Names behind the codes: programs, occupations with their aliases, clusters, the kind.
    pub code_names: Field,
    pub extra: Field,
    // Keywords.
    /// Program, class and occupation codes, lower case.
    pub codes: Field,
    pub pinyin: Field,
    pub initials: Field,
    /// Suggestion keys (see `pinyin::suggest_keys`).
    pub suggest: Field,
    /// `tag␁title`: the title each suggestion key's tag names (see `pinyin::title_tag`).
    pub suggest_titles: Field,
    // Sort keys.
    pub created_at: Field,
    pub ends_on: Field,
}

/// The facet dimensions, as named in [`SearchResults::facets`](crate::SearchResults::facets).
pub(crate) const FACETS: [&str; 6] = ["kind", "side", "region", "cluster", "level", "program_class"];

pub(crate) fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let zh = |stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(ZH_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored { options.set_stored() } else { options }
    };
    let keyword = |fieldnorms: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(KEYWORD_TOKENIZER)
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(fieldnorms);
        TextOptions::default().set_indexing_options(indexing)
    };
    let date = || DateOptions::from(INDEXED).set_fast().set_precision(DateTimePrecision::Seconds);
    let mut facet = |name: &str| builder.add_facet_field(name, FacetOptions::default());
    let (kind, side, region, cluster, level, program_class) =
        (facet(FACETS[0]), facet(FACETS[1]), facet(FACETS[2]), facet(FACETS[3]), facet(FACETS[4]), facet(FACETS[5]));
    let fields = Fields {
        id: builder.add_u64_field("id", INDEXED | STORED | FAST),
        organization_id: builder.add_u64_field("organization_id", INDEXED | FAST),
        kind,
        side,
        region,
        cluster,
        level,
        program_class,
        title: builder.add_text_field("title", zh(true)),
        org_name: builder.add_text_field("org_name", zh(false)),
        description: builder.add_text_field("description", zh(true)),
        skills: builder.add_text_field("skills", zh(false)),
        code_names: builder.add_text_field("code_names", zh(false)),
        extra: builder.add_text_field("extra", zh(false)),
        codes: builder.add_text_field("codes", keyword(true)),
        pinyin: builder.add_text_field("pinyin", keyword(true)),
        initials: builder.add_text_field("initials", keyword(true)),
        suggest: builder.add_text_field("suggest", keyword(false)),
        suggest_titles: builder.add_text_field("suggest_titles", keyword(false)),
        created_at: builder.add_date_field("created_at", date()),
        ends_on: builder.add_date_field("ends_on", date()),
    };
    (builder.build(), fields)
}

/// Registers the analysers the schema names; tantivy does not persist them.
pub(crate) fn register_tokenizers(index: &Index) {
    index.tokenizers().register(ZH_TOKENIZER, TextAnalyzer::from(ChineseTokenizer));
}
