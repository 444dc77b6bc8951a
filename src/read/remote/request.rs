//! A request to a remote endpoint ([`super::RemoteEndpoint`]), checked as
//! the local store checks it, with the same errors, before anything is
//! sent; its bindings put into the query text as `VALUES` clauses.

use oxigraph::model::Term;

use super::RemoteError;
use crate::read::{local, shape, values_clause, variable, QueryError, Request};

/// What a request checked like the local store sends: its text (with a
/// `VALUES` clause for the bindings), its form, and whether it has `FROM`.
pub(super) struct CheckedQuery {
    pub(super) sparql: String,
    pub(super) is_graph: bool,
    pub(super) has_from: bool,
}

/// Checks a request the way [`local::prepare`] does, with the same errors,
/// and puts its bindings into the text.
pub(super) fn check_request(request: &Request<'_>) -> Result<CheckedQuery, QueryError> {
    let sparql = request.sparql;
    shape::check(sparql)?;
    let query = parse(sparql)?;
    if let Some(name) = shape::service_name(sparql) {
        return Err(QueryError::Service { name });
    }
    if let Some(dataset) = request.dataset {
        local::graph_names(&dataset.default_graphs)?;
        local::graph_names(&dataset.named_graphs)?;
    }
    let is_graph = matches!(
        query,
        spargebra::Query::Construct { .. } | spargebra::Query::Describe { .. }
    );
    let has_from = query.dataset().is_some();
    if request.bindings.is_empty() {
        return Ok(CheckedQuery {
            sparql: sparql.to_owned(),
            is_graph,
            has_from,
        });
    }
    let pattern = match &query {
        spargebra::Query::Select { pattern, .. }
        | spargebra::Query::Construct { pattern, .. }
        | spargebra::Query::Describe { pattern, .. }
        | spargebra::Query::Ask { pattern, .. } => pattern,
    };
    let mut in_scope = Vec::new();
    pattern.on_in_scope_variable(|v| in_scope.push(v.clone()));
    for (name, term) in request.bindings {
        let bound = variable(name)?;
        if !in_scope.contains(&bound) {
            return Err(QueryError::BindingNotSelected {
                name: bound.as_str().to_owned(),
            });
        }
        if matches!(term, Term::BlankNode(_)) {
            return Err(RemoteError::CannotBind(format!(
                "?{} is bound to a blank node, which a query sent to a server cannot name",
                bound.as_str()
            ))
            .into());
        }
    }
    Ok(CheckedQuery {
        sparql: bind_in_text(sparql, request.bindings)?,
        is_graph,
        has_from,
    })
}

/// `sparql` with `bindings` put in `VALUES` clauses: at the start of the
/// WHERE group, where the value reaches every pattern and `BIND` of the
/// query's top level before they run, as a local binding does; or, for a
/// variable the WHERE clause assigns itself (`BIND(… AS ?v)`), which SPARQL
/// forbids a value before that, after the query, which keeps the solutions
/// where it has that value. Each choice is checked by parsing the result.
/// A variable the SELECT clause computes (`(COUNT(*) AS ?n)`) is refused:
/// no VALUES clause reaches it. Unlike a local binding, the value does not
/// reach into subqueries: a saved query uses its parameters at its top
/// level.
fn bind_in_text(sparql: &str, bindings: &[(&str, Term)]) -> Result<String, QueryError> {
    let parses = |text: &str| spargebra::SparqlParser::new().parse_query(text).is_ok();
    let lead_with = |at: usize, bindings: &[(&str, Term)]| -> Result<String, QueryError> {
        Ok(format!(
            "{}\n{}\n{}",
            &sparql[..at],
            values_clause(bindings)?,
            &sparql[at..]
        ))
    };
    let computed = shape::select_expression_variables(sparql);
    let mut leading = Vec::new();
    let mut trailing = Vec::new();
    let start = shape::where_group_start(sparql);
    for binding in bindings {
        let name = binding.0.trim_start_matches(['?', '$']);
        if computed.iter().any(|assigned| assigned == name) {
            // A VALUES clause anywhere joins before the SELECT clause
            // computes it, so it would keep every row.
            return Err(RemoteError::CannotBind(format!(
                "?{name} is computed by the SELECT clause, which a VALUES clause cannot \
                 reach; filter the results instead"
            ))
            .into());
        }
        match start {
            Some(at) if parses(&lead_with(at, std::slice::from_ref(binding))?) => {
                leading.push(binding.clone());
            }
            _ => trailing.push(binding.clone()),
        }
    }
    let mut bound = match start {
        Some(at) if !leading.is_empty() => lead_with(at, &leading)?,
        _ => sparql.to_owned(),
    };
    if !trailing.is_empty() {
        // After a newline: the query may end in a comment.
        bound = format!("{bound}\n{}", values_clause(&trailing)?);
    }
    if parses(&bound) {
        Ok(bound)
    } else {
        Err(RemoteError::CannotBind(
            "the query ends with a VALUES clause, which cannot take another; \
             move it into the WHERE clause"
                .to_owned(),
        )
        .into())
    }
}

/// Parses `sparql` as a query, with the errors of [`local::prepare`].
fn parse(sparql: &str) -> Result<spargebra::Query, QueryError> {
    spargebra::SparqlParser::new()
        .parse_query(sparql)
        .map_err(|err| {
            if local::is_update(sparql) {
                QueryError::Update
            } else {
                local::syntax_error(&err)
            }
        })
}

#[cfg(test)]
mod tests {
    use oxigraph::model::{Literal, NamedNode, Term};

    use super::bind_in_text;
    use crate::read::{SelectRows, Source};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn bindings_in_the_text_select_what_local_bindings_select() -> TestResult {
        let store = crate::fixtures::store(
            r#"@prefix e: <http://e/> .
            e:g1 { e:a e:p 1 . e:b e:p 2 . e:a e:label "A" . e:b e:label "B" . e:a e:q 5 . }
            e:g2 { e:c e:p 3 . e:c e:label "C" . }"#,
        );
        let a: Term = NamedNode::new("http://e/a")?.into();
        let label_b: Term = Literal::new_simple_literal("B").into();
        let cases: [(&str, Vec<(&str, Term)>); 5] = [
            // A variable of the patterns: VALUES at the start of WHERE.
            (
                "SELECT ?s ?n WHERE { ?s <http://e/p> ?n }",
                vec![("s", a.clone())],
            ),
            // Used by a BIND before the pattern binds it.
            (
                "SELECT ?s ?m { BIND(COALESCE(?s, <http://e/c>) AS ?t) ?t <http://e/p> ?m }",
                vec![("s", a.clone())],
            ),
            // Assigned by a BIND: after the query.
            (
                "SELECT ?l WHERE { ?s <http://e/label> ?x BIND(STR(?x) AS ?l) }",
                vec![("l", label_b.clone())],
            ),
            // Both at once, in a query ending in a comment.
            (
                "SELECT ?s ?l { ?s <http://e/label> ?x BIND(STR(?x) AS ?l) } # the end",
                vec![
                    ("s", a.clone()),
                    ("l", Literal::new_simple_literal("A").into()),
                ],
            ),
            // A group key.
            (
                "SELECT (COUNT(*) AS ?n) ?s { ?s ?p ?o } GROUP BY ?s",
                vec![("s", a.clone())],
            ),
        ];
        for (sparql, bindings) in cases {
            let local = store.select(sparql, &bindings)?;
            let text = bind_in_text(sparql, &bindings)?;
            let remote = store.select(&text, &[])?;
            let sorted = |(vars, mut rows): SelectRows| {
                rows.sort_by_key(|row| format!("{row:?}"));
                (vars, rows)
            };
            assert_eq!(sorted(local), sorted(remote), "{sparql}\n→ {text}");
        }
        Ok(())
    }
}
