//! The local store as a [`Source`]: queries parsed and evaluated by
//! Oxigraph on the [`Store`] that [`crate::store::StoreDir::open_read`]
//! opened.

use oxigraph::model::{NamedNode, Quad};
use oxigraph::sparql::{PreparedSparqlQuery, QueryResults, SparqlEvaluator, SparqlSyntaxError};
use oxigraph::store::Store;

use super::{evaluation_error, shape, variable, QueryError, Request, Source};

impl Source for Store {
    fn evaluate(&self, request: &Request<'_>) -> Result<QueryResults<'_>, QueryError> {
        prepare(request)?
            .on_store(self)
            .execute()
            .map_err(|err| evaluation_error(err, request.timeout))
    }

    fn quads(&self) -> Box<dyn Iterator<Item = Result<Quad, QueryError>> + '_> {
        Box::new(self.iter().map(|quad| quad.map_err(QueryError::from)))
    }
}

/// Parses the request's query and sets its dataset, bindings and
/// cancellation token: all of evaluation that can fail before it runs.
pub(super) fn prepare(request: &Request<'_>) -> Result<PreparedSparqlQuery, QueryError> {
    let sparql = request.sparql;
    shape::check(sparql)?;
    let mut evaluator = SparqlEvaluator::new();
    if let Some(token) = request.cancel {
        evaluator = evaluator.with_cancellation_token(token.clone());
    }
    let mut prepared = match evaluator.parse_query(sparql) {
        Ok(prepared) => prepared,
        Err(err) => {
            if is_update(sparql) {
                return Err(QueryError::Update);
            }
            return Err(syntax_error(&err));
        }
    };
    if let Some(dataset) = request.dataset {
        let default_graphs = graph_names(&dataset.default_graphs)?;
        let named_graphs = graph_names(&dataset.named_graphs)?;
        let target = prepared.dataset_mut();
        target.set_default_graph(default_graphs.into_iter().map(Into::into).collect());
        target.set_available_named_graphs(named_graphs.into_iter().map(Into::into).collect());
    } else if request.union_default_graph && prepared.dataset().is_default_dataset() {
        prepared.dataset_mut().set_default_graph_as_union();
    }
    for (name, term) in request.bindings {
        prepared = prepared.substitute_variable(variable(name)?, term.clone());
    }
    Ok(prepared)
}

/// The graphs named by `iris`, or [`QueryError::InvalidGraph`] for the
/// first that is not an absolute IRI.
pub(super) fn graph_names(iris: &[String]) -> Result<Vec<NamedNode>, QueryError> {
    iris.iter()
        .map(|iri| {
            NamedNode::new(iri.as_str()).map_err(|err| QueryError::InvalidGraph {
                iri: iri.clone(),
                message: err.to_string(),
            })
        })
        .collect()
}

/// Words that only occur in SPARQL updates, to tell an update from a
/// malformed query.
const UPDATE_KEYWORDS: [&str; 9] = [
    "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
];

/// True if `sparql` is a SPARQL update. An empty or prologue-only text also
/// parses as an (empty) update; requiring an update keyword keeps those
/// reported as syntax errors.
pub(super) fn is_update(sparql: &str) -> bool {
    let has_keyword = sparql
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .any(|word| {
            UPDATE_KEYWORDS
                .iter()
                .any(|keyword| word.eq_ignore_ascii_case(keyword))
        });
    has_keyword && SparqlEvaluator::new().parse_update(sparql).is_ok()
}

/// Turns the parser's error into [`QueryError::Syntax`], splitting off the
/// `error at LINE:COLUMN: ` prefix the parser puts on grammar errors.
pub(super) fn syntax_error(err: &SparqlSyntaxError) -> QueryError {
    let text = err.to_string();
    match split_location(&text) {
        Some((line, column, message)) => QueryError::Syntax {
            message: message.to_owned(),
            line: Some(line),
            column: Some(column),
        },
        None => QueryError::Syntax {
            message: text,
            line: None,
            column: None,
        },
    }
}

/// `(2, 7, "expected …")` for `"error at 2:7: expected …"`.
fn split_location(text: &str) -> Option<(usize, usize, &str)> {
    let rest = text.strip_prefix("error at ")?;
    let (location, message) = rest.split_once(": ")?;
    let (line, column) = location.split_once(':')?;
    Some((line.parse().ok()?, column.parse().ok()?, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_location_cases() {
        assert_eq!(
            split_location("error at 2:7: expected one of \"{\""),
            Some((2, 7, "expected one of \"{\""))
        );
        assert_eq!(split_location("The blank node _:a cannot be shared"), None);
    }
}
