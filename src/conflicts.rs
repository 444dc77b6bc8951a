//! `akg conflicts`: facts whose numbers, outcomes or dates disagree across
//! sources, with each version and the articles that give it.
//!
//! The claims of one fact (relation, subject, object; a clash in either
//! direction) may describe several events: the 2020 war and the September
//! 2022 fighting are both "Armenia clashed with Azerbaijan". Claims are
//! therefore grouped into events before they are compared:
//!
//! - Values (death tolls, troop counts, outcomes): dated claims with a value
//!   form one event per run of compatible dates (`2022` and `2022-09` are
//!   compatible, `2022-09` and `2022-10` are not). An undated claim joins
//!   the one event that already has its value, or else the only event
//!   there is; if that is ambiguous it is left out. An event whose claims
//!   give two or more values, from two or more articles, is a conflict.
//! - Dates: claims that give the same count (the same death toll or troop
//!   number identifies the event), or any dated claims of a relation that
//!   happens once (`former_member_of`: a state leaves once), conflict when
//!   their dates are not compatible.
//!
//! Reads the [`Network`] (all relations, no filter); never prints except to
//! a given `io::Write`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::claim::Relation;
use crate::date::PartialDate;
use crate::graph::{dates_compatible, ClaimRef, ClaimValue, EdgeRelation, Network};

/// What disagrees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Disagreement {
    /// Death tolls of a clash.
    Deaths,
    /// Troop numbers of a deployment.
    Troops,
    /// The outcome of a request.
    Outcome,
    /// Another number or word.
    Value,
    /// The date.
    Date,
}

impl Disagreement {
    /// The word shown in tables.
    pub fn name(self) -> &'static str {
        match self {
            Disagreement::Deaths => "deaths",
            Disagreement::Troops => "troops",
            Disagreement::Outcome => "outcome",
            Disagreement::Value => "value",
            Disagreement::Date => "date",
        }
    }
}

/// One version of a disputed number, word or date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Version {
    /// The number, word or date.
    pub value: String,
    /// The articles that give it.
    pub articles: Vec<String>,
    /// Their claims.
    pub claims: Vec<String>,
    /// The dates those claims give (for value conflicts).
    pub dates: Vec<String>,
}

/// A fact whose sources disagree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Conflict {
    /// Subject label.
    pub subject: String,
    /// Relation name.
    pub relation: String,
    /// Object label.
    pub object: String,
    /// What differs.
    pub differs: Disagreement,
    /// When the event happened, as far as the claims agree (for value
    /// conflicts), e.g. `2022-09`.
    pub when: Option<String>,
    /// Every version, in order (numbers ascending, then words and dates).
    pub versions: Vec<Version>,
    /// How many distinct articles the versions come from.
    pub corroboration: usize,
}

/// Relations whose fact happens once, so that differing dates disagree.
const ONCE: [Relation; 1] = [Relation::FormerMemberOf];

/// Finds the conflicts in a network (load it with every relation).
pub fn conflicts(network: &Network) -> Vec<Conflict> {
    let g = &network.graph;
    let mut out = Vec::new();
    for edge in g.edge_references() {
        let fact = edge.weight();
        let EdgeRelation::Fact(relation) = fact.relation else {
            continue; // derived edges repeat their request's claims
        };
        let subject = g[edge.source()].label.clone();
        let object = g[edge.target()].label.clone();
        let make = |differs, when, versions: Vec<Version>| {
            let articles: BTreeSet<&String> = versions.iter().flat_map(|v| &v.articles).collect();
            Conflict {
                subject: subject.clone(),
                relation: relation.name().to_owned(),
                object: object.clone(),
                differs,
                when,
                corroboration: articles.len(),
                versions,
            }
        };
        for (when, claims) in value_events(&fact.claims) {
            let versions = versions_by(&claims, |c| c.value.as_ref().map(ToString::to_string));
            if versions.len() >= 2 && spans_articles(&versions) {
                let differs = match (relation, claims.first().and_then(|c| c.value.as_ref())) {
                    (Relation::ClashedWith, Some(ClaimValue::Count(_))) => Disagreement::Deaths,
                    (Relation::DeployedTo, Some(ClaimValue::Count(_))) => Disagreement::Troops,
                    (Relation::RequestedAssistance, Some(ClaimValue::Word(_))) => {
                        Disagreement::Outcome
                    }
                    _ => Disagreement::Value,
                };
                out.push(make(differs, when, versions));
            }
        }
        for claims in date_events(relation, &fact.claims) {
            let versions = versions_by(&claims, |c| c.date.map(|d| d.to_string()));
            let dates: Vec<PartialDate> = claims.iter().filter_map(|c| c.date).collect();
            let disagree = dates
                .iter()
                .any(|a| dates.iter().any(|b| !dates_compatible(*a, *b)));
            if disagree && spans_articles(&versions) {
                out.push(make(Disagreement::Date, None, versions));
            }
        }
    }
    out.sort_by(|a, b| {
        (&a.subject, &a.relation, &a.object, a.differs, &a.when).cmp(&(
            &b.subject,
            &b.relation,
            &b.object,
            b.differs,
            &b.when,
        ))
    });
    out
}

/// True if the versions come from more than one article.
fn spans_articles(versions: &[Version]) -> bool {
    versions
        .iter()
        .flat_map(|v| &v.articles)
        .collect::<BTreeSet<_>>()
        .len()
        >= 2
}

/// Groups claims by `key`, one version per key, in key order (numbers
/// numerically).
fn versions_by(claims: &[&ClaimRef], key: impl Fn(&ClaimRef) -> Option<String>) -> Vec<Version> {
    let mut by: BTreeMap<(i64, String), Vec<&ClaimRef>> = BTreeMap::new();
    for claim in claims {
        if let Some(k) = key(claim) {
            let numeric = k.parse::<i64>().unwrap_or(i64::MAX);
            by.entry((numeric, k)).or_default().push(claim);
        }
    }
    by.into_iter()
        .map(|((_, value), claims)| Version {
            value,
            articles: claims
                .iter()
                .map(|c| c.article.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            claims: claims.iter().map(|c| c.claim.clone()).collect(),
            dates: claims
                .iter()
                .filter_map(|c| c.date.map(|d| d.to_string()))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
        })
        .collect()
}

/// The events of a fact for comparing values: (the events' date, claims).
fn value_events(claims: &[ClaimRef]) -> Vec<(Option<String>, Vec<&ClaimRef>)> {
    let mut out = Vec::new();
    // Counts and words are compared separately.
    for numeric in [true, false] {
        let valued: Vec<&ClaimRef> = claims
            .iter()
            .filter(|c| {
                matches!(c.value, Some(ClaimValue::Count(_))) == numeric && c.value.is_some()
            })
            .collect();
        let dated: Vec<&ClaimRef> = valued
            .iter()
            .copied()
            .filter(|c| c.date.is_some())
            .collect();
        let mut events: Vec<Vec<&ClaimRef>> = cluster_by_date(&dated);
        let mut undated_alone: Vec<&ClaimRef> = Vec::new();
        for claim in valued.iter().copied().filter(|c| c.date.is_none()) {
            let same_value: Vec<usize> = events
                .iter()
                .enumerate()
                .filter(|(_, e)| e.iter().any(|c| c.value == claim.value))
                .map(|(i, _)| i)
                .collect();
            match (same_value.as_slice(), events.len()) {
                ([one], _) => events[*one].push(claim),
                ([], 1) => events[0].push(claim),
                ([], 0) => undated_alone.push(claim),
                _ => {} // ambiguous: which event does it describe?
            }
        }
        if !undated_alone.is_empty() {
            events.push(undated_alone);
        }
        for event in events {
            let when = common_date(&event);
            out.push((when, event));
        }
    }
    out
}

/// The events of a fact for comparing dates: claims with the same count,
/// and all dated claims of a relation that happens once.
fn date_events(relation: Relation, claims: &[ClaimRef]) -> Vec<Vec<&ClaimRef>> {
    let dated = claims.iter().filter(|c| c.date.is_some());
    if ONCE.contains(&relation) {
        return vec![dated.collect()];
    }
    let mut by_count: BTreeMap<i64, Vec<&ClaimRef>> = BTreeMap::new();
    for claim in dated {
        if let Some(ClaimValue::Count(n)) = claim.value {
            by_count.entry(n).or_default().push(claim);
        }
    }
    by_count.into_values().collect()
}

/// Groups dated claims into runs of compatible dates (connected components
/// of the "compatible" relation), in date order.
fn cluster_by_date<'a>(claims: &[&'a ClaimRef]) -> Vec<Vec<&'a ClaimRef>> {
    let mut sorted: Vec<&ClaimRef> = claims.to_vec();
    sorted.sort_by_key(|c| c.date);
    let mut clusters: Vec<Vec<&ClaimRef>> = Vec::new();
    for claim in sorted {
        let Some(date) = claim.date else { continue };
        let fits: Vec<usize> = clusters
            .iter()
            .enumerate()
            .filter(|(_, cluster)| {
                cluster
                    .iter()
                    .any(|c| c.date.is_some_and(|d| dates_compatible(d, date)))
            })
            .map(|(i, _)| i)
            .collect();
        match fits.as_slice() {
            [] => clusters.push(vec![claim]),
            [first, rest @ ..] => {
                // Merge every cluster the claim joins into the first.
                for &i in rest.iter().rev() {
                    let merged = clusters.remove(i);
                    clusters[*first].extend(merged);
                }
                clusters[*first].push(claim);
            }
        }
    }
    clusters
}

/// When an event happened, as far as its claims agree: the most precise
/// date if all are compatible, else the month or year they share.
fn common_date(claims: &[&ClaimRef]) -> Option<String> {
    let dates: Vec<PartialDate> = claims.iter().filter_map(|c| c.date).collect();
    let first = *dates.first()?;
    let all_compatible = dates
        .iter()
        .all(|a| dates.iter().all(|b| dates_compatible(*a, *b)));
    if all_compatible {
        let finest = dates
            .iter()
            .copied()
            .max_by_key(|d| (d.month.is_some(), d.day.is_some()))?;
        return Some(finest.to_string());
    }
    let shared = |month: Option<u8>| PartialDate {
        year: first.year,
        month,
        day: None,
    };
    if first.month.is_some()
        && dates
            .iter()
            .all(|d| d.year == first.year && d.month == first.month)
    {
        Some(shared(first.month).to_string())
    } else if dates.iter().all(|d| d.year == first.year) {
        Some(shared(None).to_string())
    } else {
        None
    }
}

/// Writes the conflicts as a table.
pub fn write_table(conflicts: &[Conflict], out: &mut dyn Write) -> io::Result<()> {
    if conflicts.is_empty() {
        return writeln!(out, "no conflicting numbers, outcomes or dates");
    }
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header([
            "fact",
            "when",
            "differs",
            "version",
            "articles",
            "claim dates",
        ]);
    for conflict in conflicts {
        let fact = format!(
            "{} {} {}",
            conflict.subject, conflict.relation, conflict.object
        );
        for (n, version) in conflict.versions.iter().enumerate() {
            let (fact, when, differs) = if n == 0 {
                (
                    fact.clone(),
                    conflict.when.clone().unwrap_or_default(),
                    conflict.differs.name().to_owned(),
                )
            } else {
                (String::new(), String::new(), String::new())
            };
            table.add_row([
                fact,
                when,
                differs,
                version.value.clone(),
                version.articles.join("\n"),
                version.dates.join(" "),
            ]);
        }
    }
    writeln!(out, "{table}")?;
    writeln!(
        out,
        "{} fact{} with disagreeing sources",
        conflicts.len(),
        if conflicts.len() == 1 { "" } else { "s" }
    )
}

/// Writes the conflicts as pretty JSON.
pub fn write_json(conflicts: &[Conflict], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, conflicts)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Entity, EntityType, Fact};

    fn claim(article: &str, date: Option<&str>, value: Option<ClaimValue>) -> ClaimRef {
        ClaimRef {
            article: article.to_owned(),
            claim: format!("urn:{article}:{date:?}:{value:?}"),
            date: date.map(|d| d.parse().unwrap()),
            value,
        }
    }

    fn network(relation: Relation, claims: Vec<ClaimRef>) -> Network {
        let mut network = Network::default();
        let g = &mut network.graph;
        let a = g.add_node(Entity {
            iri: "urn:a".into(),
            label: "Arm".into(),
            kind: EntityType::State,
        });
        let b = g.add_node(Entity {
            iri: "urn:b".into(),
            label: "Aze".into(),
            kind: EntityType::State,
        });
        let articles = claims
            .iter()
            .map(|c| c.article.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        g.add_edge(
            a,
            b,
            Fact {
                relation: EdgeRelation::Fact(relation),
                sign: EdgeRelation::Fact(relation).sign(),
                claims,
                articles,
            },
        );
        network
    }

    fn summary(conflicts: &[Conflict]) -> Vec<String> {
        conflicts
            .iter()
            .map(|c| {
                let versions: Vec<String> = c
                    .versions
                    .iter()
                    .map(|v| format!("{}@{}", v.value, v.articles.join("+")))
                    .collect();
                format!(
                    "{} {} {}",
                    c.differs.name(),
                    c.when.clone().unwrap_or_default(),
                    versions.join(" ")
                )
            })
            .collect()
    }

    fn check(relation: Relation, claims: Vec<ClaimRef>, expected: &[&str]) {
        assert_eq!(summary(&conflicts(&network(relation, claims))), expected);
    }

    #[test]
    fn death_tolls_of_one_event() {
        use ClaimValue::Count;
        // 99 in September 2022 (a1), 200 undated (a2): the only event with a
        // toll, so they disagree; the 2020 war (no toll) does not matter.
        check(
            Relation::ClashedWith,
            vec![
                claim("a1", Some("2022-09"), Some(Count(99))),
                claim("a2", None, Some(Count(200))),
                claim("a2", Some("2020"), None),
            ],
            &["deaths 2022-09 99@a1 200@a2"],
        );
        // The same toll from two articles agrees.
        check(
            Relation::ClashedWith,
            vec![
                claim("a1", Some("2022-09"), Some(Count(100))),
                claim("a2", None, Some(Count(100))),
            ],
            &[],
        );
        // Two events with their own tolls do not conflict.
        check(
            Relation::ClashedWith,
            vec![
                claim("a1", Some("2021-04"), Some(Count(50))),
                claim("a2", Some("2022-09"), Some(Count(100))),
            ],
            &[],
        );
        // Two different tolls in one article only are not a source conflict.
        check(
            Relation::ClashedWith,
            vec![
                claim("a1", Some("2022-09"), Some(Count(99))),
                claim("a1", Some("2022"), Some(Count(105))),
            ],
            &[],
        );
    }

    #[test]
    fn outcomes_group_by_event() {
        let word = |w: &str| Some(ClaimValue::Word(w.to_owned()));
        // 2021-05: declined (a2, and a1 undated, which joins the event that
        // has "declined") against ignored (a3); 2020 has one outcome.
        check(
            Relation::RequestedAssistance,
            vec![
                claim("a0", Some("2020"), word("fact-finding")),
                claim("a1", None, word("declined")),
                claim("a2", Some("2021-05"), word("declined")),
                claim("a3", Some("2021-05"), word("ignored")),
                claim("a4", Some("2021"), None),
            ],
            &["outcome 2021-05 declined@a1+a2 ignored@a3"],
        );
    }

    #[test]
    fn dates_of_one_event() {
        use ClaimValue::Count;
        // The same 2,500 troops dated January 2022 and January 2024.
        check(
            Relation::DeployedTo,
            vec![
                claim("a1", Some("2022-01"), Some(Count(2500))),
                claim("a2", Some("2024-01-03"), Some(Count(2500))),
            ],
            &["date  2022-01@a1 2024-01-03@a2"],
        );
        // A state leaves once.
        check(
            Relation::FormerMemberOf,
            vec![
                claim("a1", Some("2012"), None),
                claim("a2", Some("2012-06"), None),
                claim("a3", Some("1999"), None),
            ],
            &["date  1999@a3 2012@a1 2012-06@a2"],
        );
        check(
            Relation::FormerMemberOf,
            vec![
                claim("a1", Some("2012"), None),
                claim("a2", Some("2012-06"), None),
            ],
            &[],
        );
    }

    #[test]
    fn date_clusters_merge_through_coarse_dates() {
        let a = claim("a", Some("2022-09"), None);
        let b = claim("b", Some("2022-10"), None);
        let c = claim("c", Some("2022"), None);
        let d = claim("d", Some("2020"), None);
        let clusters = cluster_by_date(&[&a, &b, &d, &c]);
        let ids: Vec<String> = clusters
            .iter()
            .map(|k| k.iter().map(|c| c.article.as_str()).collect())
            .collect();
        assert_eq!(ids, ["d", "cab"]);
        assert_eq!(common_date(&[&a, &c]).as_deref(), Some("2022-09"));
        assert_eq!(common_date(&[&a, &b]).as_deref(), Some("2022"));
        assert_eq!(common_date(&[&a, &d]), None);
    }
}
