//! `GET /v4/status`: what a client needs to set itself up — who the token is,
//! the projects served, whether audio can be transcribed, and the money spent and
//! left in each budget (today, this month, this session).

use axum::extract::{Query, State};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::routes::voice::check_session;
use crate::state::AppState;
use crate::tokens::{Caller, Scope};
use crate::who::who;

/// Query parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// The session whose spending to report.
    #[serde(default)]
    pub session_id: Option<String>,
}

/// A project served.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectOut {
    /// Its name (its folder's name), as requests name it.
    pub name: String,
    /// Whether requests without a `project` go to it.
    pub default: bool,
}

/// Amounts in US dollars per budget period; `null`: no such budget.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Periods {
    /// Today (UTC).
    pub day_usd: Option<f64>,
    /// This month (UTC).
    pub month_usd: Option<f64>,
    /// This session.
    pub session_usd: Option<f64>,
}

/// The status (`GET /v4/status`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KernelStatus {
    /// The kernel's version.
    pub version: &'static str,
    /// Who the token is (`token:phone`).
    pub actor: String,
    /// Whether the token is an admin token.
    pub admin: bool,
    /// The projects served, the default first.
    pub projects: Vec<ProjectOut>,
    /// Whether recordings can be sent (a speech-to-text model is configured).
    pub speech_to_text: bool,
    /// How long a confirmation request stays open, in seconds.
    pub confirmation_seconds: u64,
    /// Spent (no model layer: all null).
    pub spent: Periods,
    /// The budgets' limits.
    pub limits: Periods,
    /// Left in each budget (counting requests in flight).
    pub remaining: Periods,
}

fn usd(nusd: i64) -> f64 {
    nusd as f64 / 1e9
}

/// The caller's view of the kernel.
#[utoipa::path(get, path = "/v4/status", tag = "kernel",
    params(StatusQuery),
    responses(
        (status = 200, description = "Who, projects, speech-to-text, spending and budgets", body = KernelStatus),
        (status = 400, description = "Bad session id", body = crate::openapi::ErrorBody),
        (status = 401, description = "No or bad token", body = crate::openapi::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn status(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<StatusQuery>,
) -> Result<Json<KernelStatus>, ApiError> {
    let session = query.session_id.filter(|s| !s.is_empty());
    if let Some(s) = &session {
        check_session(s)?;
    }
    let projects = state
        .projects
        .iter()
        .enumerate()
        .map(|(i, p)| ProjectOut {
            name: p.name.clone(),
            default: i == 0,
        })
        .collect();
    let models = state.orchestrator.models().cloned();
    let (spent, limits, remaining) = match models {
        None => Default::default(),
        Some(models) => {
            let session = session.clone();
            tokio::task::spawn_blocking(move || {
                let spent = models.spent(session.as_deref());
                let config = models.budgets().config();
                let left = models.budgets().remaining(spent, session.as_deref());
                (
                    Periods {
                        day_usd: Some(usd(spent.day_nusd)),
                        month_usd: Some(usd(spent.month_nusd)),
                        session_usd: session.as_ref().map(|_| usd(spent.session_nusd)),
                    },
                    Periods {
                        day_usd: config.day_usd,
                        month_usd: config.month_usd,
                        session_usd: config.session_usd,
                    },
                    Periods {
                        day_usd: left.day,
                        month_usd: left.month,
                        session_usd: left.session,
                    },
                )
            })
            .await
            .map_err(|e| ApiError::internal(format!("reading the spending failed: {e}")))?
        }
    };
    Ok(Json(KernelStatus {
        version: env!("CARGO_PKG_VERSION"),
        actor: who(&caller).actor,
        admin: caller.scope == Scope::Admin,
        projects,
        speech_to_text: state
            .orchestrator
            .models()
            .is_some_and(|m| m.stt().is_some()),
        confirmation_seconds: state.orchestrator.settings().confirmation_ttl.as_secs(),
        spent,
        limits,
        remaining,
    }))
}
