//! `/api`: the JSON and SVG the page asks for. The saved queries
//! (`/api/queries`), the alliance diagram with every node and edge linked
//! to its trace (`/api/diagram.svg`), and `akg trace` as JSON
//! (`/api/trace`), cut at `--max-rows` claims and `--max-result-bytes`.

use std::io;
use std::path::Path;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::response::{bytes, text, too_large, CappedBuffer};
use super::sparql::query_error;
use super::AppState;
use crate::dot::{self, DotOptions, RenderError, RenderFormat};
use crate::graph::{Filter, Network};
use crate::trace::{self, Target, Trace, TraceError};

/// A saved query from `queries/*.rq`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SavedQuery {
    /// The file stem (`members`).
    pub name: String,
    /// The file name (`members.rq`).
    pub file: String,
    /// The leading `#` comment lines, without the `#`, joined by spaces.
    pub description: String,
    /// The whole text.
    pub query: String,
}

/// Reads the saved queries (`*.rq`) of a folder, sorted by name.
pub fn load_saved_queries(dir: &Path) -> io::Result<Vec<SavedQuery>> {
    let mut queries = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("rq") {
            continue;
        }
        let (Some(name), Some(file)) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.file_name().and_then(|s| s.to_str()),
        ) else {
            continue;
        };
        let query = std::fs::read_to_string(&path)?;
        let description = query
            .lines()
            .map(str::trim)
            .take_while(|line| line.starts_with('#'))
            .map(|line| line.trim_start_matches('#').trim())
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        queries.push(SavedQuery {
            name: name.to_owned(),
            file: file.to_owned(),
            description,
            query,
        });
    }
    queries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(queries)
}

pub(super) async fn saved_queries(State(state): State<Arc<AppState>>) -> Response {
    json(&state.options.saved_queries)
}

fn json<T: Serialize>(value: &T) -> Response {
    match serde_json::to_vec_pretty(value) {
        Ok(body) => bytes(StatusCode::OK, "application/json", body),
        Err(err) => text(StatusCode::INTERNAL_SERVER_ERROR, &err.to_string()),
    }
}

/// The alliance diagram as SVG, every node and edge a link to its trace.
pub(super) async fn diagram(State(state): State<Arc<AppState>>) -> Response {
    let generation = state.diagram_key();
    if let (Some(generation), Some((cached_for, svg))) = (
        &generation,
        state
            .diagram
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref(),
    ) {
        if cached_for == generation {
            return bytes(StatusCode::OK, "image/svg+xml", svg.to_vec());
        }
    }
    let rendered = state
        .blocking(|store| -> Result<Vec<u8>, String> {
            let network = Network::load(&store, &Filter::default()).map_err(|e| e.to_string())?;
            render_diagram(&network).map_err(|e| e.to_string())
        })
        .await;
    match rendered {
        Ok(Ok(svg)) => {
            let svg = Arc::new(svg);
            if let Some(generation) = generation {
                *state.diagram.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((generation, svg.clone()));
            }
            bytes(StatusCode::OK, "image/svg+xml", svg.to_vec())
        }
        Ok(Err(message)) => text(StatusCode::INTERNAL_SERVER_ERROR, &message),
        Err(response) => response,
    }
}

/// Graphviz's SVG of the network, or the built-in layout when Graphviz
/// is not installed.
fn render_diagram(network: &Network) -> Result<Vec<u8>, RenderError> {
    let options = DotOptions {
        links: true,
        ..DotOptions::default()
    };
    let mut text = Vec::new();
    dot::write_dot(network, &options, &mut text)?;
    let dot_text = String::from_utf8_lossy(&text);
    match dot::render(&dot_text, RenderFormat::Svg) {
        Err(RenderError::NotInstalled) => {
            let mut svg = Vec::new();
            crate::svg::write_svg(network, &mut svg)?;
            Ok(svg)
        }
        other => other,
    }
}

/// The parameters of `/api/trace`: an entity, a claim, or a fact's three
/// parts.
#[derive(Debug, Default, Deserialize)]
pub(super) struct TraceParams {
    entity: Option<String>,
    claim: Option<String>,
    subject: Option<String>,
    relation: Option<String>,
    object: Option<String>,
}

impl TraceParams {
    fn target(self) -> Option<Target> {
        match (
            self.entity,
            self.claim,
            self.subject,
            self.relation,
            self.object,
        ) {
            (Some(name), None, None, None, None) => Some(Target::Entity(name)),
            (None, Some(iri), None, None, None) => Some(Target::Claim(iri)),
            (None, None, Some(subject), Some(relation), Some(object)) => Some(Target::Fact {
                subject,
                relation,
                object,
            }),
            _ => None,
        }
    }
}

/// A trace as `/api/trace` sends it: `akg trace --format json`, plus
/// `"truncated": true` when the server's `--max-rows` cut it short.
#[derive(Serialize)]
struct TraceReply<'a> {
    #[serde(flatten)]
    trace: &'a Trace,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    truncated: bool,
}

/// `akg trace` as JSON: `?entity=`, `?subject=&relation=&object=` or
/// `?claim=`, with at most `--max-rows` claims and `--max-result-bytes`
/// bytes.
pub(super) async fn trace_json(
    State(state): State<Arc<AppState>>,
    params: Result<Query<TraceParams>, QueryRejection>,
) -> Response {
    const USAGE: &str = "give ?entity=NAME, ?claim=IRI, or ?subject=S&relation=R&object=O";
    let target = match params {
        Ok(Query(params)) => params.target(),
        Err(rejection) => {
            return text(
                StatusCode::BAD_REQUEST,
                &format!("{}; {USAGE}, each once", rejection.body_text()),
            )
        }
    };
    let Some(target) = target else {
        return text(StatusCode::BAD_REQUEST, USAGE);
    };
    let limit = state.options.timeout;
    let max_rows = state.options.max_rows;
    let max_bytes = state.options.max_result_bytes;
    let traced = state
        .blocking(move |store| -> Result<io::Result<Vec<u8>>, TraceError> {
            let (trace, truncated) = trace::trace_at_most(&store, &target, max_rows)?;
            let mut out = CappedBuffer::new(max_bytes);
            let reply = TraceReply {
                trace: &trace,
                truncated,
            };
            Ok(serde_json::to_writer_pretty(&mut out, &reply)
                .map(|()| out.into_inner())
                .map_err(io::Error::from))
        })
        .await;
    match traced {
        Ok(Ok(Ok(body))) => bytes(StatusCode::OK, "application/json", body),
        Ok(Ok(Err(err))) if CappedBuffer::is_overflow(&err) => too_large(
            max_bytes,
            "trace one fact instead of a whole entity, or start the server with a lower --max-rows",
        ),
        Ok(Ok(Err(err))) => text(StatusCode::INTERNAL_SERVER_ERROR, &err.to_string()),
        Ok(Err(err)) => {
            let status = match err {
                TraceError::NoEntity { .. }
                | TraceError::NoClaim { .. }
                | TraceError::NoFact { .. }
                | TraceError::NoClaimAbout { .. } => StatusCode::NOT_FOUND,
                TraceError::Usage | TraceError::UnknownRelation { .. } => StatusCode::BAD_REQUEST,
                TraceError::Query(err) => return query_error(&err, limit),
            };
            text(status, &err.to_string())
        }
        Err(response) => response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_queries_are_read_with_their_descriptions() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::write(
            dir.path().join("b.rq"),
            "# Who is a member\n# of what.\nSELECT * WHERE { ?s ?p ?o }\n",
        )?;
        std::fs::write(dir.path().join("a.rq"), "ASK {}\n")?;
        std::fs::write(dir.path().join("a.expected.tsv"), "x\n")?;
        let queries = load_saved_queries(dir.path())?;
        let names: Vec<&str> = queries.iter().map(|q| q.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(queries[1].description, "Who is a member of what.");
        assert_eq!(queries[1].file, "b.rq");
        Ok(())
    }
}
