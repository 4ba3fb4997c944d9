//! What the API layer hands the index for one posting ([`IndexDoc`]), and how it becomes a
//! tantivy document: names looked up behind every code, region and codes as hierarchical facets,
//! pinyin and suggestion keys computed from the title.

use chanjiao_domain::{
    ClusterId, NewPosting, OccupationCode, PostingKind, PostingStatus, ProgramCode, RegionCode, SchoolLevel, Side,
};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use tantivy::TantivyDocument;
use tantivy::schema::Facet;

use crate::pinyin;
use crate::schema::Fields;
use crate::tokenizer::analyze;

/// One posting as the index sees it. Names behind codes (programs, occupations, clusters,
/// regions) are looked up here from the domain's reference data, so callers pass codes only.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexDoc {
    pub id: u64,
    pub kind: PostingKind,
    /// Only [`PostingStatus::Published`] postings are indexed; any other status deletes.
    pub status: PostingStatus,
    pub organization_id: u64,
    pub organization_name: String,
    pub title: String,
    pub description: String,
    pub skills: Vec<String>,
    pub certificates: Vec<String>,
    pub region: RegionCode,
    pub clusters: Vec<ClusterId>,
    pub education_level: Option<SchoolLevel>,
    pub program_codes: Vec<ProgramCode>,
    pub occupation_codes: Vec<OccupationCode>,
    /// More text to find the posting by, weighted lowest (a program's profile, for instance).
    pub extra_text: String,
    pub created_at: DateTime<Utc>,
    pub ends_on: Option<NaiveDate>,
}

impl IndexDoc {
    /// The document of a parsed posting; `extra_text` starts empty.
    pub fn from_posting(
        id: u64,
        posting: &NewPosting,
        status: PostingStatus,
        organization_id: u64,
        organization_name: impl Into<String>,
        created_at: DateTime<Utc>,
    ) -> Self {
        IndexDoc {
            id,
            kind: posting.kind,
            status,
            organization_id,
            organization_name: organization_name.into(),
            title: posting.title.as_str().to_owned(),
            description: posting.description.as_str().to_owned(),
            skills: posting.skills.clone(),
            certificates: posting.certificates.clone(),
            region: posting.region.clone(),
            clusters: posting.industry_clusters.clone(),
            education_level: posting.education_level,
            program_codes: posting.program_codes.clone(),
            occupation_codes: posting.occupation_codes.clone(),
            extra_text: String::new(),
            created_at,
            ends_on: posting.window.ends_on(),
        }
    }

    /// The side is the kind's: a school never posts a job, so it is not stored twice.
    pub fn side(&self) -> Side {
        self.kind.side()
    }

    /// Whether the posting belongs in search at all.
    pub fn is_listed(&self) -> bool {
        self.status == PostingStatus::Published
    }

    pub(crate) fn to_document(&self, f: &Fields) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.id, self.id);
        doc.add_u64(f.organization_id, self.organization_id);

        doc.add_facet(f.kind, Facet::from_path([self.kind.as_str()]));
        doc.add_facet(f.side, Facet::from_path([self.side().as_str()]));
        doc.add_facet(f.region, region_facet(&self.region));
        for cluster in &self.clusters {
            doc.add_facet(f.cluster, Facet::from_path([cluster.as_str()]));
        }
        if let Some(level) = self.education_level {
            doc.add_facet(f.level, Facet::from_path([level.as_str()]));
        }
        let mut classes: Vec<&str> = self.program_codes.iter().map(ProgramCode::class_code).collect();
        classes.sort_unstable();
        classes.dedup();
        for class in &classes {
            doc.add_facet(f.program_class, Facet::from_path([*class]));
        }

        doc.add_text(f.title, &self.title);
        doc.add_text(f.org_name, &self.organization_name);
        doc.add_text(f.description, &self.description);
        for item in self.skills.iter().chain(&self.certificates) {
            doc.add_text(f.skills, item);
        }
        for name in self.code_names() {
            doc.add_text(f.code_names, name);
        }
        if !self.extra_text.is_empty() {
            doc.add_text(f.extra, &self.extra_text);
        }
        for code in self.codes(&classes) {
            doc.add_text(f.codes, code);
        }

        let title_tokens = analyze(&self.title);
        let org_tokens = analyze(&self.organization_name);
        let (mut full, mut initials) = pinyin::index_terms(&self.title, &title_tokens);
        let (org_full, org_initials) = pinyin::index_terms(&self.organization_name, &org_tokens);
        full.extend(org_full);
        initials.extend(org_initials);
        for term in full {
            doc.add_text(f.pinyin, term);
        }
        for term in initials {
            doc.add_text(f.initials, term);
        }
        let tag = pinyin::title_tag(&self.title);
        for key in pinyin::suggest_keys(&self.title, &title_tokens, &tag) {
            doc.add_text(f.suggest, key);
        }
        doc.add_text(f.suggest_titles, format!("{tag}{}{}", pinyin::KEY_SEPARATOR, self.title));

        doc.add_date(f.created_at, tantivy::DateTime::from_timestamp_secs(self.created_at.timestamp()));
        if let Some(ends_on) = self.ends_on {
            doc.add_date(f.ends_on, date_value(ends_on));
        }
        doc
    }

    /// Names behind the codes, so 数控技术 finds a posting that only carries the code 460103:
    /// programs and their classes, occupations with the names recruiters use, clusters, the
    /// region, the kind and the level in both languages.
    fn code_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for code in &self.program_codes {
            let program = code.program();
            names.push(program.name.clone());
            names.push(program.class_name.clone());
        }
        for code in &self.occupation_codes {
            let occupation = code.occupation();
            names.push(occupation.name.clone());
            names.extend(occupation.aliases.iter().cloned());
        }
        for cluster in &self.clusters {
            let cluster = cluster.cluster();
            names.push(cluster.name_zh.clone());
            names.push(cluster.name_en.clone());
        }
        names.push(self.region.full_name());
        names.push(self.kind.zh().to_owned());
        names.push(self.kind.en().to_owned());
        if let Some(level) = self.education_level {
            names.push(level.zh().to_owned());
        }
        names
    }

    /// Codes as typed into a search box: program codes with and without their letter, program
    /// classes, occupation codes and the groups above them, all lower case.
    fn codes(&self, classes: &[&str]) -> Vec<String> {
        let mut codes: Vec<String> = Vec::new();
        for code in &self.program_codes {
            codes.push(code.as_str().to_ascii_lowercase());
            codes.extend(code.as_str().get(..6).map(str::to_owned));
        }
        codes.extend(classes.iter().map(|c| (*c).to_owned()));
        for code in &self.occupation_codes {
            let mut next = Some(code.clone());
            while let Some(code) = next {
                codes.push(code.as_str().to_ascii_lowercase());
                next = code.occupation().parent.clone();
            }
        }
        codes.sort_unstable();
        codes.dedup();
        codes
    }
}

/// `/330000/330600/330603/330603001`: the region under its ancestors, so a filter on a city
/// matches its counties and townships (tantivy indexes every prefix of a facet).
pub(crate) fn region_facet(region: &RegionCode) -> Facet {
    let mut chain: Vec<&str> = region.ancestry().iter().map(|r| r.code.as_str()).collect();
    chain.reverse();
    Facet::from_path(chain)
}

/// A calendar day as the index stores it: its midnight, UTC.
pub(crate) fn date_value(day: NaiveDate) -> tantivy::DateTime {
    tantivy::DateTime::from_timestamp_secs(day.and_time(NaiveTime::MIN).and_utc().timestamp())
}
