//! Names to entities: a name or alias, ignoring case, and the closest
//! known names when none matches. The name reaches SPARQL only as a bound
//! value.

use std::collections::BTreeSet;

use oxigraph::model::{Literal, NamedNode, Term};

use super::TraceError;
use crate::rdf::vocab::{skos, SPARQL_PREFIXES};
use crate::read::{cell, Source};

const RESOLVE_QUERY: &str = "
SELECT ?e ?prop ?name WHERE {
  VALUES ?prop { skos:prefLabel skos:altLabel }
  ?e ?prop ?label .
  FILTER(LCASE(STR(?label)) = LCASE(STR(?name)))
}";

const LABELS_QUERY: &str = "
SELECT DISTINCT ?label WHERE {
  ?e skos:prefLabel|skos:altLabel ?label .
}";

/// The entities whose preferred label (or else alternative label) is
/// `name`, ignoring case.
pub(super) fn resolve(source: &dyn Source, name: &str) -> Result<Vec<NamedNode>, TraceError> {
    let found = entities_named(source, name)?;
    if found.is_empty() {
        return Err(TraceError::NoEntity {
            name: name.to_owned(),
            suggestions: suggestions(source, name.trim())?,
        });
    }
    Ok(found)
}

/// The entities whose preferred label is `name`, ignoring case, or else
/// those whose alternative label it is; none for an empty or unknown name.
/// The name reaches SPARQL as a bound value only.
pub fn entities_named(source: &dyn Source, name: &str) -> Result<Vec<NamedNode>, TraceError> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    let bindings = [("name", Literal::new_simple_literal(trimmed).into())];
    let (_, rows) = source.select(&format!("{SPARQL_PREFIXES}{RESOLVE_QUERY}"), &bindings)?;
    let mut preferred = BTreeSet::new();
    let mut alternative = BTreeSet::new();
    for row in &rows {
        let (Some(Some(Term::NamedNode(entity))), Some(Some(Term::NamedNode(prop)))) =
            (row.first(), row.get(1))
        else {
            continue;
        };
        if prop.as_ref() == skos::PREF_LABEL {
            preferred.insert(entity.clone());
        } else {
            alternative.insert(entity.clone());
        }
    }
    let found = if preferred.is_empty() {
        alternative
    } else {
        preferred
    };
    Ok(found.into_iter().collect())
}

/// The five known labels closest to `name`.
fn suggestions(source: &dyn Source, name: &str) -> Result<Vec<String>, TraceError> {
    let (_, rows) = source.select(&format!("{SPARQL_PREFIXES}{LABELS_QUERY}"), &[])?;
    let wanted = name.to_lowercase();
    let mut scored: Vec<(f64, String)> = rows
        .iter()
        .filter_map(|row| cell(row, 0))
        .map(|label| (strsim::jaro_winkler(&wanted, &label.to_lowercase()), label))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, label) in scored {
        if !out.contains(&label) {
            out.push(label);
        }
        if out.len() == 5 {
            break;
        }
    }
    Ok(out)
}
