//! Alliance analysis on the [`Network`]: centrality, the alliance's members
//! in armed conflict, and the structural balance of the signed graph of
//! states and alliances. Every number comes with the facts behind it.
//!
//! - Per entity: degree (facts that touch it), weighted degree (the sum of
//!   their corroboration, i.e. supporting articles) and betweenness
//!   centrality (Brandes, on the undirected simple graph, normalised by
//!   `(n-1)(n-2)/2`).
//! - Members: the states with a `member_of` fact to the alliance; which of
//!   them clashed with whom, whether the other side is a member too, and the
//!   articles of each clash.
//! - Balance (Heider; Cartwright and Harary): the signed graph has the
//!   states and alliances as nodes and, per pair, the sign of the net
//!   evidence (each cooperative fact counts +articles, each hostile one
//!   −articles; a tie is ambiguous and left out). Triads are counted by
//!   their number of negative edges (+++ and +−− balanced, ++− and −−−
//!   not). The frustration index is the least number of edges whose sign
//!   contradicts a split of the nodes into two camps (all + inside a camp,
//!   all − across); it is exact (brute force over 2-colourings) for
//!   connected components of up to [`EXACT_LIMIT`] nodes and greedy (local
//!   search) above. The graph is balanced when the index is 0. Ties between
//!   optimal splits go to the one whose frustrated edges have the least
//!   evidence.
//!
//! Pure computation over the network: no IO, no printing except to a given
//! `io::Write` in [`write_table`].

mod balance;

use std::collections::{BTreeSet, VecDeque};
use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::Serialize;

use crate::claim::Relation;
use crate::graph::{EdgeRelation, EntityType, Network};

use self::balance::balance;
pub use self::balance::{
    frustration, triad_census, Balance, SignedEdge, SignedGraph, Split, TriadCensus, EXACT_LIMIT,
};

/// Centrality of one entity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntityStats {
    /// The entity's label.
    pub entity: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Facts that touch it.
    pub degree: usize,
    /// The sum of those facts' corroboration.
    pub weighted_degree: usize,
    /// Normalised betweenness centrality, 0 to 1.
    pub betweenness: f64,
}

/// One fact with its corroboration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactSummary {
    /// Subject label.
    pub subject: String,
    /// Relation name.
    pub relation: String,
    /// Object label.
    pub object: String,
    /// `+`, `-` or `0`.
    pub sign: &'static str,
    /// Distinct supporting articles.
    pub corroboration: usize,
    /// Their ids.
    pub articles: Vec<String>,
    /// Supporting claims.
    pub claims: usize,
}

/// An armed conflict of a member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConflictEdge {
    /// The member.
    pub member: String,
    /// The other side.
    pub other: String,
    /// Whether the other side is a member too.
    pub other_is_member: bool,
    /// Distinct supporting articles.
    pub corroboration: usize,
    /// Their ids.
    pub articles: Vec<String>,
    /// The dates the claims give.
    pub dates: Vec<String>,
    /// The claim IRIs (`akg trace` takes them).
    pub claims: Vec<String>,
}

/// The alliance's members and their armed conflicts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemberConflicts {
    /// The alliance's label.
    pub alliance: String,
    /// Its members.
    pub members: Vec<String>,
    /// Members in at least one armed conflict.
    pub in_conflict: Vec<String>,
    /// Members in an armed conflict with another member.
    pub with_each_other: Vec<String>,
    /// Each conflict edge (a member-member clash once).
    pub conflicts: Vec<ConflictEdge>,
}

impl MemberConflicts {
    /// "of 6 members, 4 are in armed conflicts, 2 of them with each other".
    pub fn summary(&self) -> String {
        format!(
            "{}: of {} members, {} {} in armed conflicts, {} of them with each other",
            self.alliance,
            self.members.len(),
            self.in_conflict.len(),
            if self.in_conflict.len() == 1 {
                "is"
            } else {
                "are"
            },
            self.with_each_other.len()
        )
    }
}

/// The whole analysis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Analysis {
    /// The alliance and its members' conflicts, if the network has one.
    pub alliance: Option<MemberConflicts>,
    /// Centrality per entity, by betweenness, then weighted degree.
    pub entities: Vec<EntityStats>,
    /// Structural balance.
    pub balance: Balance,
    /// Every fact with its corroboration, most corroborated first.
    pub facts: Vec<FactSummary>,
}

/// Why the analysis could not run.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// `--alliance NAME` names no alliance of the network.
    #[error("no alliance matches {name:?}; alliances with members: {known}")]
    NoAlliance {
        /// The name as given.
        name: String,
        /// The alliances that have members, comma-separated.
        known: String,
    },
}

/// The alliance a user asked for: the name as given, and the IRIs of the
/// entities it is a label or alias of (`trace::entities_named`), so that
/// "North Atlantic Alliance" finds the node labelled "NATO".
#[derive(Clone, Debug, Default)]
pub struct AllianceName<'a> {
    /// The name as given; it also matches a node's label, ignoring case.
    pub name: &'a str,
    /// The IRIs the name resolves to in the store.
    pub iris: Vec<String>,
}

/// Runs the analysis. `alliance` names the alliance (by an IRI it resolves
/// to, or its label, ignoring case); by default it is the one with the most
/// members.
pub fn analyze(
    network: &Network,
    alliance: Option<&AllianceName<'_>>,
) -> Result<Analysis, AnalysisError> {
    let alliance_node = choose_alliance(network, alliance)?;
    let alliance = alliance_node.map(|node| member_conflicts(network, node));
    let entities = centrality(network);
    let balance = balance(network, alliance_node);
    let mut facts: Vec<FactSummary> = network
        .graph
        .edge_references()
        .map(|e| {
            let fact = e.weight();
            FactSummary {
                subject: network.graph[e.source()].label.clone(),
                relation: fact.relation.name().to_owned(),
                object: network.graph[e.target()].label.clone(),
                sign: fact.sign.symbol(),
                corroboration: fact.corroboration(),
                articles: fact.articles.clone(),
                claims: fact.claims.len(),
            }
        })
        .collect();
    facts.sort_by(|a, b| {
        b.corroboration.cmp(&a.corroboration).then_with(|| {
            (&a.subject, &a.relation, &a.object).cmp(&(&b.subject, &b.relation, &b.object))
        })
    });
    Ok(Analysis {
        alliance,
        entities,
        balance,
        facts,
    })
}

fn member_of() -> EdgeRelation {
    EdgeRelation::Fact(Relation::MemberOf)
}

/// The members of an alliance node, by label.
fn members(network: &Network, alliance: NodeIndex) -> BTreeSet<NodeIndex> {
    network
        .graph
        .edges_directed(alliance, Direction::Incoming)
        .filter(|e| e.weight().relation == member_of())
        .map(|e| e.source())
        .collect()
}

fn choose_alliance(
    network: &Network,
    name: Option<&AllianceName<'_>>,
) -> Result<Option<NodeIndex>, AnalysisError> {
    let g = &network.graph;
    let alliances: Vec<(NodeIndex, usize)> = g
        .node_indices()
        .filter(|&n| g[n].kind == EntityType::Alliance)
        .map(|n| (n, members(network, n).len()))
        .filter(|(_, n_members)| *n_members > 0)
        .collect();
    match name {
        Some(name) => {
            let wanted = name.name.trim().to_lowercase();
            let is_alliance = |n: &NodeIndex| g[*n].kind == EntityType::Alliance;
            let found = g
                .node_indices()
                .filter(is_alliance)
                .find(|&n| name.iris.contains(&g[n].iri))
                .or_else(|| {
                    g.node_indices()
                        .filter(is_alliance)
                        .find(|&n| g[n].label.to_lowercase() == wanted)
                });
            match found {
                Some(node) => Ok(Some(node)),
                None => Err(AnalysisError::NoAlliance {
                    name: name.name.to_owned(),
                    known: alliances
                        .iter()
                        .map(|(n, _)| g[*n].label.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                }),
            }
        }
        // Most members first; among equals the first label (nodes are sorted).
        None => Ok(alliances
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(n, _)| *n)),
    }
}

fn member_conflicts(network: &Network, alliance: NodeIndex) -> MemberConflicts {
    let g = &network.graph;
    let members = members(network, alliance);
    let clash = EdgeRelation::Fact(Relation::ClashedWith);
    let mut conflicts = Vec::new();
    let mut in_conflict = BTreeSet::new();
    let mut with_each_other = BTreeSet::new();
    for e in g.edge_references().filter(|e| e.weight().relation == clash) {
        let (s, o) = (e.source(), e.target());
        let (member, other) = match (members.contains(&s), members.contains(&o)) {
            (true, _) => (s, o),
            (false, true) => (o, s),
            (false, false) => continue,
        };
        let other_is_member = members.contains(&other);
        in_conflict.insert(g[member].label.clone());
        if other_is_member {
            in_conflict.insert(g[other].label.clone());
            with_each_other.insert(g[member].label.clone());
            with_each_other.insert(g[other].label.clone());
        }
        let fact = e.weight();
        let dates: BTreeSet<String> = fact
            .claims
            .iter()
            .filter_map(|c| c.date.map(|d| d.to_string()))
            .collect();
        conflicts.push(ConflictEdge {
            member: g[member].label.clone(),
            other: g[other].label.clone(),
            other_is_member,
            corroboration: fact.corroboration(),
            articles: fact.articles.clone(),
            dates: dates.into_iter().collect(),
            claims: fact.claims.iter().map(|c| c.claim.clone()).collect(),
        });
    }
    conflicts.sort_by(|a, b| (&a.member, &a.other).cmp(&(&b.member, &b.other)));
    let mut member_labels: Vec<String> = members.iter().map(|&n| g[n].label.clone()).collect();
    member_labels.sort();
    MemberConflicts {
        alliance: g[alliance].label.clone(),
        members: member_labels,
        in_conflict: in_conflict.into_iter().collect(),
        with_each_other: with_each_other.into_iter().collect(),
        conflicts,
    }
}

/// Degree, weighted degree and betweenness of every entity.
fn centrality(network: &Network) -> Vec<EntityStats> {
    let g = &network.graph;
    // The undirected simple graph for betweenness.
    let mut simple: UnGraph<(), ()> = UnGraph::default();
    for _ in g.node_indices() {
        simple.add_node(());
    }
    let pairs: BTreeSet<(usize, usize)> = g
        .edge_references()
        .map(|e| {
            let (a, b) = (e.source().index(), e.target().index());
            (a.min(b), a.max(b))
        })
        .filter(|(a, b)| a != b)
        .collect();
    for (a, b) in pairs {
        simple.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
    }
    let between = betweenness(&simple);
    let mut out: Vec<EntityStats> = g
        .node_indices()
        .map(|n| {
            let facts: Vec<_> = g
                .edges_directed(n, Direction::Outgoing)
                .chain(g.edges_directed(n, Direction::Incoming))
                .collect();
            EntityStats {
                entity: g[n].label.clone(),
                kind: g[n].kind,
                degree: facts.len(),
                weighted_degree: facts.iter().map(|e| e.weight().corroboration()).sum(),
                betweenness: between[n.index()],
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.betweenness
            .total_cmp(&a.betweenness)
            .then(b.weighted_degree.cmp(&a.weighted_degree))
            .then_with(|| a.entity.cmp(&b.entity))
    });
    out
}

/// Normalised betweenness centrality of an undirected unweighted graph
/// (Brandes 2001), indexed by node index.
pub fn betweenness<N, E>(graph: &UnGraph<N, E>) -> Vec<f64> {
    let n = graph.node_count();
    let mut score = vec![0.0_f64; n];
    for s in graph.node_indices() {
        let mut stack = Vec::with_capacity(n);
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut sigma = vec![0.0_f64; n];
        let mut dist: Vec<i64> = vec![-1; n];
        sigma[s.index()] = 1.0;
        dist[s.index()] = 0;
        let mut queue = VecDeque::from([s]);
        while let Some(v) = queue.pop_front() {
            stack.push(v.index());
            for w in graph.neighbors(v) {
                let (vi, wi) = (v.index(), w.index());
                if dist[wi] < 0 {
                    dist[wi] = dist[vi] + 1;
                    queue.push_back(w);
                }
                if dist[wi] == dist[vi] + 1 {
                    sigma[wi] += sigma[vi];
                    preds[wi].push(vi);
                }
            }
        }
        let mut delta = vec![0.0_f64; n];
        while let Some(w) = stack.pop() {
            for &v in &preds[w] {
                delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
            }
            if w != s.index() {
                score[w] += delta[w];
            }
        }
    }
    // Each pair was counted from both ends; then normalise.
    let pairs = if n > 2 {
        ((n - 1) * (n - 2)) as f64 / 2.0
    } else {
        1.0
    };
    score.iter().map(|s| s / 2.0 / pairs).collect()
}

fn table() -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    table
}

/// Writes the analysis as text tables.
pub fn write_table(analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    write_members(analysis.alliance.as_ref(), out)?;
    write_balance(&analysis.balance, out)?;
    write_centrality(&analysis.entities, out)?;
    write_facts(&analysis.facts, out)
}

/// The alliance's members and their armed conflicts.
fn write_members(alliance: Option<&MemberConflicts>, out: &mut dyn Write) -> io::Result<()> {
    if let Some(alliance) = alliance {
        writeln!(out, "{}", alliance.summary())?;
        writeln!(out, "  members: {}", alliance.members.join(", "))?;
        writeln!(
            out,
            "  in armed conflict: {}",
            list_or_none(&alliance.in_conflict)
        )?;
        writeln!(
            out,
            "  with each other: {}",
            list_or_none(&alliance.with_each_other)
        )?;
        let mut conflicts = table();
        conflicts.set_header([
            "member",
            "in conflict with",
            "also a member",
            "articles",
            "dates",
            "sources",
        ]);
        for c in &alliance.conflicts {
            conflicts.add_row([
                c.member.clone(),
                c.other.clone(),
                if c.other_is_member { "yes" } else { "no" }.to_owned(),
                c.corroboration.to_string(),
                c.dates.join(" "),
                c.articles.join("\n"),
            ]);
        }
        writeln!(out, "{conflicts}")?;
    } else {
        writeln!(out, "no alliance with members in this view")?;
    }
    Ok(())
}

/// The structural balance, with the frustrated edges and ambiguous pairs.
fn write_balance(b: &Balance, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "structural balance of the signed graph of states and alliances ({} nodes, {} edges)",
        b.nodes,
        b.edges.len()
    )?;
    writeln!(
        out,
        "  triads: +++ {}  +-- {}  (balanced {})   ++- {}  --- {}  (unbalanced {})",
        b.triads.ppp,
        b.triads.pmm,
        b.triads.balanced(),
        b.triads.ppm,
        b.triads.mmm,
        b.triads.unbalanced()
    )?;
    writeln!(
        out,
        "  balanced: {}; frustration index {} ({})",
        if b.balanced { "yes" } else { "no" },
        b.frustration_index,
        if b.exact {
            "exact"
        } else {
            "greedy, an upper bound"
        }
    )?;
    writeln!(out, "  camp A: {}", list_or_none(&b.camps[0]))?;
    writeln!(out, "  camp B: {}", list_or_none(&b.camps[1]))?;
    if !b.frustrated.is_empty() {
        let mut frustrated = table();
        frustrated.set_header(["frustrated edge", "sign", "evidence", "facts", "sources"]);
        for edge in &b.frustrated {
            frustrated.add_row([
                format!("{} – {}", edge.a, edge.b),
                edge.sign.to_owned(),
                edge.weight.to_string(),
                edge.facts.join("\n"),
                edge.articles.join("\n"),
            ]);
        }
        writeln!(out, "{frustrated}")?;
    }
    for pair in &b.ambiguous {
        writeln!(out, "  left out (evidence ties): {pair}")?;
    }
    Ok(())
}

/// Centrality per entity.
fn write_centrality(stats: &[EntityStats], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "centrality")?;
    let mut entities = table();
    entities.set_header(["entity", "type", "degree", "weighted degree", "betweenness"]);
    for e in stats {
        entities.add_row([
            e.entity.clone(),
            e.kind.to_string(),
            e.degree.to_string(),
            e.weighted_degree.to_string(),
            format!("{:.3}", e.betweenness),
        ]);
    }
    writeln!(out, "{entities}")
}

/// Every fact with its corroboration.
fn write_facts(summaries: &[FactSummary], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "facts and their corroboration (distinct supporting articles)"
    )?;
    let mut facts = table();
    facts.set_header([
        "subject", "relation", "object", "sign", "articles", "claims",
    ]);
    for f in summaries {
        facts.add_row([
            f.subject.clone(),
            f.relation.clone(),
            f.object.clone(),
            f.sign.to_owned(),
            f.corroboration.to_string(),
            f.claims.to_string(),
        ]);
    }
    writeln!(out, "{facts}")
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

/// Writes the analysis as pretty JSON.
pub fn write_json(analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, analysis)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn betweenness_of_a_path_and_a_star() {
        let mut path: UnGraph<(), ()> = UnGraph::default();
        let [a, b, c] = [(); 3].map(|()| path.add_node(()));
        path.add_edge(a, b, ());
        path.add_edge(b, c, ());
        assert_eq!(betweenness(&path), [0.0, 1.0, 0.0]);

        // Star: the hub is on all 6 leaf-to-leaf paths of 4 leaves: 6/6 = 1.
        let mut star: UnGraph<(), ()> = UnGraph::default();
        let hub = star.add_node(());
        for _ in 0..4 {
            let leaf = star.add_node(());
            star.add_edge(hub, leaf, ());
        }
        let scores = betweenness(&star);
        assert_eq!(scores[0], 1.0);
        assert!(scores[1..].iter().all(|s| *s == 0.0));
    }

    #[test]
    fn members_in_conflict() {
        let fact = EdgeRelation::Fact;
        let (member, clash) = (fact(Relation::MemberOf), fact(Relation::ClashedWith));
        let network = crate::fixtures::network(
            &[
                ("Kyr", EntityType::State),
                ("Taj", EntityType::State),
                ("Arm", EntityType::State),
                ("Aze", EntityType::State),
                ("Pact", EntityType::Alliance),
            ],
            &[
                (0, 4, member, &["a1", "a2"]),
                (1, 4, member, &["a1", "a2"]),
                (2, 4, member, &["a1", "a2"]),
                (0, 1, clash, &["a1", "a3"]),
                (2, 3, clash, &["a2"]),
            ],
        );
        let analysis = analyze(&network, None).unwrap();
        let alliance = analysis.alliance.unwrap();
        assert_eq!(
            alliance.summary(),
            "Pact: of 3 members, 3 are in armed conflicts, 2 of them with each other"
        );
        assert_eq!(alliance.with_each_other, ["Kyr", "Taj"]);
        let rows: Vec<String> = alliance
            .conflicts
            .iter()
            .map(|c| {
                format!(
                    "{}-{} {} {}",
                    c.member,
                    c.other,
                    c.other_is_member,
                    c.articles.join(",")
                )
            })
            .collect();
        assert_eq!(rows, ["Arm-Aze false a2", "Kyr-Taj true a1,a3"]);
        // Pact–Kyr +, Pact–Taj +, Kyr–Taj −: one ++− triad and frustration 1
        // (all three edges weigh 2, so any one may be the frustrated one);
        // the alliance is in the first camp.
        let b = &analysis.balance;
        assert_eq!(
            b.triads,
            TriadCensus {
                ppp: 0,
                ppm: 1,
                pmm: 0,
                mmm: 0
            }
        );
        assert_eq!((b.balanced, b.frustration_index), (false, 1));
        assert!(b.camps[0].contains(&"Pact".to_owned()));
        let named = |name: &'static str, iris: &[&str]| AllianceName {
            name,
            iris: iris.iter().map(|iri| iri.to_string()).collect(),
        };
        let chosen = |name: AllianceName<'_>| {
            analyze(&network, Some(&name)).map(|a| a.alliance.map(|m| m.alliance))
        };
        assert!(chosen(named("nato", &[])).is_err());
        assert_eq!(chosen(named("pact", &[])).unwrap().as_deref(), Some("Pact"));
        // An alias resolves to the node's IRI; the label need not match.
        let pact_iri = network.graph[network.find("Pact").unwrap()].iri.clone();
        assert_eq!(
            chosen(named("The Pact Organisation", &[&pact_iri]))
                .unwrap()
                .as_deref(),
            Some("Pact")
        );
    }
}
