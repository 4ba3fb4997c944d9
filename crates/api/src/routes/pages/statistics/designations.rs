//! `/statistics/designations`: the recorded designations (认定) under the shared filter, and for
//! overseers the form recording one and the buttons revoking one.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::NumberInput;
use chanjiao_domain::access::Power;
use chanjiao_domain::statistics::designation::DesignationInput;
use chanjiao_domain::statistics::targets::DesignationType;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::stats_nav;
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::routes::pages::{PageForm, PagePath, PageQuery};
use crate::services::statistics::filter::{Filter, FilterQuery};
use crate::services::statistics::targets::designations::{self, RevokeInput};
use crate::startup::AppState;
use crate::web::{Page, PageError, on_form, options};

async fn designations_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    filter: &Filter,
    form: Option<&DesignationForm>,
    error: Option<ApiError>,
) -> Result<Response, PageError> {
    let list = designations::list(&state.db, user, filter).await?;
    let oversees = user.may(Power::RecordDesignations);
    let designees = if oversees { designations::designees(&state.db).await? } else { Vec::new() };
    let ctx = context! {
        designations => Serde(list), types => Serde(options(DesignationType::ALL, page.lang)), oversees,
        form => Serde(form), designees => Serde(designees),
        current_year => chrono::Datelike::year(&state.clock.today()),
        ..stats_nav(filter)
    };
    Ok(page.render_form(state, "statistics/designations.html", ctx, error))
}

/// `GET /statistics/designations`
pub async fn index(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageQuery(query): PageQuery<FilterQuery>,
) -> Result<Response, PageError> {
    let filter = Filter::parse(&query, state.clock.today())?;
    designations_page(&state, &page, &user, &filter, None, None).await
}

/// The designation form: every field as text.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DesignationForm {
    designation_type: String,
    organization_id: String,
    organization_name: String,
    district: String,
    year: String,
    issuing_body: String,
    document_number: String,
    evidence_url: String,
    note: String,
}

impl DesignationForm {
    fn input(&self) -> Result<DesignationInput, ApiError> {
        let organization_id = match self.organization_id.trim() {
            "" => None,
            raw => Some(raw.parse::<i64>().map_err(|_| {
                ApiError::invalid(
                    "organization_id",
                    chanjiao_domain::Invalid::Format(chanjiao_domain::Text::new("a whole number", "整数")),
                )
            })?),
        };
        Ok(DesignationInput {
            designation_type: self.designation_type.clone(),
            organization_id,
            organization_name: self.organization_name.clone(),
            district: self.district.clone(),
            year: Some(NumberInput::Text(self.year.clone())).filter(|y| !y.is_blank()),
            issuing_body: self.issuing_body.clone(),
            document_number: self.document_number.clone(),
            evidence_url: self.evidence_url.clone(),
            note: self.note.clone(),
        })
    }
}

/// `POST /statistics/designations`
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(form): PageForm<DesignationForm>,
) -> Result<Response, PageError> {
    let result = match form.input() {
        Ok(input) => {
            designations::create(&state.db, &user, &input, state.clock.today(), state.clock.now()).await.map(|_| ())
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/statistics/designations").into_response()),
        Err(error) => {
            let error = on_form(error)?;
            designations_page(&state, &page, &user, &Filter::default(), Some(&form), Some(error)).await
        }
    }
}

/// `POST /statistics/designations/{id}/revoke`
pub async fn revoke(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<RevokeInput>,
) -> Result<Response, PageError> {
    match designations::revoke(&state.db, &user, id, &form, state.clock.now()).await {
        Ok(_) => Ok(Redirect::to("/statistics/designations").into_response()),
        Err(error) => {
            let error = on_form(error)?;
            designations_page(&state, &page, &user, &Filter::default(), None, Some(error)).await
        }
    }
}
