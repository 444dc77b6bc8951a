//! The properties readers read, and the two shapes a query reads them in
//! (ARCHITECTURE.md, "How the queries are shaped").
//!
//! Oxigraph answers a pattern whose subject is bound with one index seek,
//! and a pattern with only its predicate bound with a sequential scan. A
//! query that reads several properties of many nodes (every claim, every
//! article) is fastest with each property in its own subquery, which
//! Oxigraph evaluates once and hash-joins ([`subqueries`]); a query about
//! one node, bound by a `VALUES` row, keeps the plain patterns
//! ([`patterns`]). The claim readers ([`crate::claims`], [`crate::graph`],
//! [`crate::trace`]) take their properties from the lists below, so that
//! they read a claim the same way.

/// One property of a node, read into a variable: `?node predicate ?value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Property {
    /// The node's variable, without `?`.
    node: &'static str,
    /// The predicate, as a prefixed name of the saved queries' prologue.
    predicate: &'static str,
    /// The value's variable, without `?`.
    value: &'static str,
    /// Rows without the property are kept (`OPTIONAL`).
    optional: bool,
}

impl Property {
    /// `?node predicate ?value`, which every row must have.
    pub const fn required(
        node: &'static str,
        predicate: &'static str,
        value: &'static str,
    ) -> Self {
        Property {
            node,
            predicate,
            value,
            optional: false,
        }
    }

    /// `?node predicate ?value`, unbound in rows without it.
    pub const fn optional(
        node: &'static str,
        predicate: &'static str,
        value: &'static str,
    ) -> Self {
        Property {
            optional: true,
            ..Property::required(node, predicate, value)
        }
    }

    /// The triple pattern.
    fn pattern(&self) -> String {
        let Property {
            node,
            predicate,
            value,
            ..
        } = self;
        format!("?{node} {predicate} ?{value}")
    }
}

/// A claim, what it states and where: its article (`?art`, whose id is
/// `?article`) and its subject, predicate and object (`?s ?p ?o`).
pub const STATEMENT: [Property; 5] = [
    Property::required("claim", "prov:wasDerivedFrom", "art"),
    Property::required("claim", "rdf:subject", "s"),
    Property::required("claim", "rdf:predicate", "p"),
    Property::required("claim", "rdf:object", "o"),
    Property::required("art", "dcterms:identifier", "article"),
];

/// A claim's evidence: its sentence, the code-point offsets of its span
/// and the rule that made it.
pub const EVIDENCE: [Property; 4] = [
    Property::required("claim", "akg:sentence", "sentence"),
    Property::required("claim", "nif:beginIndex", "begin"),
    Property::required("claim", "nif:endIndex", "end"),
    Property::required("claim", "akg:rule", "rule"),
];

/// A claim's date and value, where it has them.
pub const DATE_VALUE: [Property; 2] = [
    Property::optional("claim", "akg:date", "date"),
    Property::optional("claim", "akg:value", "value"),
];

/// The quotation of a claim whose object is a quote.
pub const QUOTATION: Property = Property::optional("o", "akg:quotation", "quote");

/// Each property in its own subquery (`{ SELECT ?node ?value WHERE { … } }`,
/// after `OPTIONAL` for an optional one), one per line: the shape for
/// reading many nodes.
pub fn subqueries(properties: &[Property]) -> String {
    properties
        .iter()
        .map(|property| {
            let (node, value) = (property.node, property.value);
            let optional = if property.optional { "OPTIONAL " } else { "" };
            format!(
                "  {optional}{{ SELECT ?{node} ?{value} WHERE {{ {} }} }}\n",
                property.pattern()
            )
        })
        .collect()
}

/// The properties as plain triple patterns (an optional one in its own
/// `OPTIONAL { … }`), one per line: the shape for a query about one node.
pub fn patterns(properties: &[Property]) -> String {
    properties
        .iter()
        .map(|property| {
            if property.optional {
                format!("  OPTIONAL {{ {} }}\n", property.pattern())
            } else {
                format!("  {} .\n", property.pattern())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_shapes() {
        let properties = [
            Property::required("claim", "rdf:object", "o"),
            Property::optional("claim", "akg:date", "date"),
        ];
        assert_eq!(
            subqueries(&properties),
            "  { SELECT ?claim ?o WHERE { ?claim rdf:object ?o } }\n  \
             OPTIONAL { SELECT ?claim ?date WHERE { ?claim akg:date ?date } }\n"
        );
        assert_eq!(
            patterns(&properties),
            "  ?claim rdf:object ?o .\n  OPTIONAL { ?claim akg:date ?date }\n"
        );
    }
}
