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

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::Serialize;

use crate::claim::Relation;
use crate::graph::{EdgeRelation, EntityType, Network, Sign};

/// The largest connected component whose frustration index is computed
/// exactly (2^(n−1) colourings).
pub const EXACT_LIMIT: usize = 20;

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

/// An edge of the signed graph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignedEdge {
    /// One end (the label that sorts first).
    pub a: String,
    /// The other end.
    pub b: String,
    /// `+` or `-`.
    pub sign: &'static str,
    /// |net evidence|: supporting articles of the winning sign minus those
    /// of the other.
    pub weight: usize,
    /// The facts that gave the sign, as `subject relation object (n)`.
    pub facts: Vec<String>,
    /// Every article behind those facts.
    pub articles: Vec<String>,
}

/// Triads (triangles of the signed graph) by their signs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TriadCensus {
    /// +++ (balanced: friends of friends).
    #[serde(rename = "+++")]
    pub ppp: usize,
    /// ++− (unbalanced).
    #[serde(rename = "++-")]
    pub ppm: usize,
    /// +−− (balanced: the enemy of my enemy is my friend).
    #[serde(rename = "+--")]
    pub pmm: usize,
    /// −−− (unbalanced).
    #[serde(rename = "---")]
    pub mmm: usize,
}

impl TriadCensus {
    /// +++ and +−− triads.
    pub fn balanced(&self) -> usize {
        self.ppp + self.pmm
    }

    /// ++− and −−− triads.
    pub fn unbalanced(&self) -> usize {
        self.ppm + self.mmm
    }
}

/// Structural balance of the signed graph of states and alliances.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Balance {
    /// Nodes with at least one signed edge.
    pub nodes: usize,
    /// The signed edges.
    pub edges: Vec<SignedEdge>,
    /// Pairs whose cooperative and hostile evidence tie, left out.
    pub ambiguous: Vec<String>,
    /// The triad census.
    pub triads: TriadCensus,
    /// True if the nodes split into two camps with no frustrated edge.
    pub balanced: bool,
    /// The least number of frustrated edges over all splits.
    pub frustration_index: usize,
    /// False if a component was too large for the exact search.
    pub exact: bool,
    /// The frustrated edges of the split found.
    pub frustrated: Vec<SignedEdge>,
    /// The two camps of that split (the first holds the alliance; other
    /// connected components are oriented by their first label).
    pub camps: [Vec<String>; 2],
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

/// A signed graph: node labels, and edges with a sign and a weight.
pub type SignedGraph = UnGraph<String, (Sign, usize)>;

/// Counts the triangles of a signed graph by their number of negative edges.
pub fn triad_census(graph: &SignedGraph) -> TriadCensus {
    let n = graph.node_count();
    let mut sign: BTreeMap<(usize, usize), Sign> = BTreeMap::new();
    for e in graph.edge_references() {
        let (a, b) = (e.source().index(), e.target().index());
        sign.insert((a.min(b), a.max(b)), e.weight().0);
    }
    let mut census = TriadCensus::default();
    for a in 0..n {
        for b in a + 1..n {
            let Some(ab) = sign.get(&(a, b)) else {
                continue;
            };
            for c in b + 1..n {
                let (Some(ac), Some(bc)) = (sign.get(&(a, c)), sign.get(&(b, c))) else {
                    continue;
                };
                let negatives = [ab, ac, bc]
                    .iter()
                    .filter(|s| ***s == Sign::Hostile)
                    .count();
                match negatives {
                    0 => census.ppp += 1,
                    1 => census.ppm += 1,
                    2 => census.pmm += 1,
                    _ => census.mmm += 1,
                }
            }
        }
    }
    census
}

/// A split of a signed graph into two camps and what it costs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// The camp (false = first, true = second) of each node, by index.
    pub camp: Vec<bool>,
    /// The number of frustrated edges.
    pub frustration: usize,
    /// Their total weight.
    pub weight: usize,
    /// True if every component was searched exhaustively.
    pub exact: bool,
}

/// The split with the fewest frustrated edges (then the least frustrated
/// weight). `anchor`, if given, is put in the first camp; other components
/// put their lowest-index node there.
pub fn frustration(graph: &SignedGraph, anchor: Option<NodeIndex>) -> Split {
    let n = graph.node_count();
    let mut camp = vec![false; n];
    let mut component = vec![usize::MAX; n];
    let mut exact = true;
    let mut n_components = 0;
    for start in graph.node_indices() {
        if component[start.index()] != usize::MAX {
            continue;
        }
        // Collect the component in BFS order.
        let mut nodes = Vec::new();
        let mut queue = VecDeque::from([start]);
        component[start.index()] = n_components;
        while let Some(v) = queue.pop_front() {
            nodes.push(v.index());
            for w in graph.neighbors(v) {
                if component[w.index()] == usize::MAX {
                    component[w.index()] = n_components;
                    queue.push_back(w);
                }
            }
        }
        nodes.sort_unstable();
        let position: BTreeMap<usize, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, &node)| (node, i))
            .collect();
        let edges: Vec<(usize, usize, bool, usize)> = graph
            .edge_references()
            .filter(|e| component[e.source().index()] == n_components)
            .filter_map(|e| {
                Some((
                    *position.get(&e.source().index())?,
                    *position.get(&e.target().index())?,
                    e.weight().0 == Sign::Hostile,
                    e.weight().1,
                ))
            })
            .collect();
        let local = if nodes.len() <= EXACT_LIMIT {
            exact_split(nodes.len(), &edges)
        } else {
            exact = false;
            greedy_split(nodes.len(), &edges)
        };
        // Orient: the anchor (or the first node) in the first camp.
        let pivot = anchor
            .map(NodeIndex::index)
            .and_then(|a| position.get(&a).copied())
            .unwrap_or(0);
        let flip = local[pivot];
        for (i, &node) in nodes.iter().enumerate() {
            camp[node] = local[i] != flip;
        }
        n_components += 1;
    }
    let (frustration, weight) = cost(
        &camp,
        graph.edge_references().map(|e| {
            (
                e.source().index(),
                e.target().index(),
                e.weight().0 == Sign::Hostile,
                e.weight().1,
            )
        }),
    );
    Split {
        camp,
        frustration,
        weight,
        exact,
    }
}

/// (frustrated edges, their weight) of a colouring.
fn cost(
    camp: &[bool],
    edges: impl IntoIterator<Item = (usize, usize, bool, usize)>,
) -> (usize, usize) {
    let mut count = 0;
    let mut weight = 0;
    for (a, b, negative, w) in edges {
        let across = camp[a] != camp[b];
        if across != negative {
            count += 1;
            weight += w;
        }
    }
    (count, weight)
}

/// Tries every colouring with node 0 in the first camp.
fn exact_split(n: usize, edges: &[(usize, usize, bool, usize)]) -> Vec<bool> {
    if n <= 1 {
        return vec![false; n];
    }
    let mut best = (usize::MAX, usize::MAX, 0_u32);
    for mask in 0..(1_u32 << (n - 1)) {
        let colour = |i: usize| i > 0 && mask >> (i - 1) & 1 == 1;
        let mut count = 0;
        let mut weight = 0;
        for &(a, b, negative, w) in edges {
            if (colour(a) != colour(b)) != negative {
                count += 1;
                weight += w;
            }
        }
        if (count, weight) < (best.0, best.1) {
            best = (count, weight, mask);
        }
    }
    (0..n)
        .map(|i| i > 0 && best.2 >> (i - 1) & 1 == 1)
        .collect()
}

/// A colouring from a BFS spanning tree, improved by flipping single nodes
/// while that lowers the cost.
fn greedy_split(n: usize, edges: &[(usize, usize, bool, usize)]) -> Vec<bool> {
    let mut adjacency: Vec<Vec<(usize, bool, usize)>> = vec![Vec::new(); n];
    for &(a, b, negative, w) in edges {
        adjacency[a].push((b, negative, w));
        adjacency[b].push((a, negative, w));
    }
    let mut camp = vec![false; n];
    let mut seen = vec![false; n];
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut queue = VecDeque::from([start]);
        while let Some(v) = queue.pop_front() {
            for &(w, negative, _) in &adjacency[v] {
                if !seen[w] {
                    seen[w] = true;
                    camp[w] = camp[v] != negative;
                    queue.push_back(w);
                }
            }
        }
    }
    // Each flip lowers (count, weight), so this ends.
    loop {
        let mut best: Option<(i64, i64, usize)> = None;
        for v in 0..n {
            let (mut d_count, mut d_weight) = (0_i64, 0_i64);
            for &(w, negative, weight) in &adjacency[v] {
                let frustrated_now = (camp[v] != camp[w]) != negative;
                let step = if frustrated_now { -1 } else { 1 };
                d_count += step;
                d_weight += step * weight as i64;
            }
            if (d_count, d_weight) < (0, 0)
                && best.is_none_or(|(c, w, _)| (d_count, d_weight) < (c, w))
            {
                best = Some((d_count, d_weight, v));
            }
        }
        match best {
            Some((_, _, v)) => camp[v] = !camp[v],
            None => break,
        }
    }
    camp
}

/// Builds the signed graph of states and alliances and measures its balance.
fn balance(network: &Network, alliance: Option<NodeIndex>) -> Balance {
    let g = &network.graph;
    let signed_kinds = [EntityType::State, EntityType::Alliance];
    // Per unordered pair: net evidence, facts and articles.
    type PairEvidence = (i64, Vec<String>, BTreeSet<String>);
    let mut pairs: BTreeMap<(NodeIndex, NodeIndex), PairEvidence> = BTreeMap::new();
    for e in g.edge_references() {
        let (s, o) = (e.source(), e.target());
        let fact = e.weight();
        if s == o
            || fact.sign == Sign::Neutral
            || !signed_kinds.contains(&g[s].kind)
            || !signed_kinds.contains(&g[o].kind)
        {
            continue;
        }
        let n = fact.corroboration();
        let entry = pairs.entry((s.min(o), s.max(o))).or_default();
        entry.0 += fact.sign.value() * n as i64;
        entry.1.push(format!(
            "{} {} {} ({n})",
            g[s].label, fact.relation, g[o].label
        ));
        entry.2.extend(fact.articles.iter().cloned());
    }
    let mut signed = SignedGraph::default();
    let mut index: BTreeMap<NodeIndex, NodeIndex> = BTreeMap::new();
    let mut edges = Vec::new();
    let mut ambiguous = Vec::new();
    for ((a, b), (net, facts, articles)) in pairs {
        if net == 0 {
            ambiguous.push(format!(
                "{} – {}: {}",
                g[a].label,
                g[b].label,
                facts.join("; ")
            ));
            continue;
        }
        let mut node = |n: NodeIndex| {
            *index
                .entry(n)
                .or_insert_with(|| signed.add_node(g[n].label.clone()))
        };
        let (sa, sb) = (node(a), node(b));
        let sign = if net > 0 {
            Sign::Cooperative
        } else {
            Sign::Hostile
        };
        let weight = net.unsigned_abs() as usize;
        signed.add_edge(sa, sb, (sign, weight));
        edges.push(SignedEdge {
            a: g[a].label.clone(),
            b: g[b].label.clone(),
            sign: sign.symbol(),
            weight,
            facts,
            articles: articles.into_iter().collect(),
        });
    }
    let triads = triad_census(&signed);
    let anchor = alliance.and_then(|a| index.get(&a).copied());
    let split = frustration(&signed, anchor);
    let frustrated: Vec<SignedEdge> = signed
        .edge_references()
        .zip(&edges)
        .filter(|(e, _)| {
            let across = split.camp[e.source().index()] != split.camp[e.target().index()];
            across != (e.weight().0 == Sign::Hostile)
        })
        .map(|(_, edge)| edge.clone())
        .collect();
    let mut camps: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    for n in signed.node_indices() {
        camps[usize::from(split.camp[n.index()])].push(signed[n].clone());
    }
    camps[0].sort();
    camps[1].sort();
    Balance {
        nodes: signed.node_count(),
        edges,
        ambiguous,
        triads,
        balanced: split.frustration == 0,
        frustration_index: split.frustration,
        exact: split.exact,
        frustrated,
        camps,
    }
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
    if let Some(alliance) = &analysis.alliance {
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

    let b = &analysis.balance;
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

    writeln!(out)?;
    writeln!(out, "centrality")?;
    let mut entities = table();
    entities.set_header(["entity", "type", "degree", "weighted degree", "betweenness"]);
    for e in &analysis.entities {
        entities.add_row([
            e.entity.clone(),
            e.kind.to_string(),
            e.degree.to_string(),
            e.weighted_degree.to_string(),
            format!("{:.3}", e.betweenness),
        ]);
    }
    writeln!(out, "{entities}")?;

    writeln!(out)?;
    writeln!(
        out,
        "facts and their corroboration (distinct supporting articles)"
    )?;
    let mut facts = table();
    facts.set_header([
        "subject", "relation", "object", "sign", "articles", "claims",
    ]);
    for f in &analysis.facts {
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

    /// A signed graph from `(a, b, sign, weight)` with single-letter nodes.
    fn signed(edges: &[(&str, &str, char, usize)]) -> SignedGraph {
        let mut graph = SignedGraph::default();
        let mut nodes: BTreeMap<String, NodeIndex> = BTreeMap::new();
        let mut names: Vec<&str> = edges.iter().flat_map(|(a, b, _, _)| [*a, *b]).collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            nodes.insert(name.to_owned(), graph.add_node(name.to_owned()));
        }
        for (a, b, sign, weight) in edges {
            let sign = if *sign == '+' {
                Sign::Cooperative
            } else {
                Sign::Hostile
            };
            graph.add_edge(nodes[*a], nodes[*b], (sign, *weight));
        }
        graph
    }

    fn camps(graph: &SignedGraph, split: &Split) -> [String; 2] {
        let mut out = [String::new(), String::new()];
        for n in graph.node_indices() {
            out[usize::from(split.camp[n.index()])].push_str(&graph[n]);
        }
        out
    }

    #[test]
    fn balanced_complete_graph() {
        // Two camps {A,B} and {C,D}: + inside, − across. Every triangle has
        // two negative edges (+−−): ABC, ABD, ACD, BCD.
        let graph = signed(&[
            ("A", "B", '+', 1),
            ("C", "D", '+', 1),
            ("A", "C", '-', 1),
            ("A", "D", '-', 1),
            ("B", "C", '-', 1),
            ("B", "D", '-', 1),
        ]);
        let census = triad_census(&graph);
        assert_eq!(
            census,
            TriadCensus {
                ppp: 0,
                ppm: 0,
                pmm: 4,
                mmm: 0
            }
        );
        let split = frustration(&graph, None);
        assert_eq!((split.frustration, split.exact), (0, true));
        assert_eq!(camps(&graph, &split), ["AB", "CD"]);
    }

    #[test]
    fn unbalanced_graph_worked_by_hand() {
        // ABC is ++− (unbalanced), CDE is −−− (unbalanced); they share only C,
        // so at least 2 edges are frustrated, and 2 suffice: A-C (weight 1,
        // the lightest of ABC) and D-E (weight 1, the lightest of CDE), with
        // camps {A,B,C} and {D,E}. F−G is its own balanced component, F (its
        // first node) in the first camp.
        let graph = signed(&[
            ("A", "B", '+', 3),
            ("B", "C", '+', 3),
            ("A", "C", '-', 1),
            ("C", "D", '-', 2),
            ("C", "E", '-', 2),
            ("D", "E", '-', 1),
            ("F", "G", '-', 1),
        ]);
        assert_eq!(
            triad_census(&graph),
            TriadCensus {
                ppp: 0,
                ppm: 1,
                pmm: 0,
                mmm: 1
            }
        );
        let split = frustration(&graph, None);
        assert_eq!((split.frustration, split.weight, split.exact), (2, 2, true));
        assert_eq!(camps(&graph, &split), ["ABCF", "DEG"]);
        // Anchoring D puts D's camp first; F−G stays as it was.
        let split = frustration(&graph, Some(NodeIndex::new(3)));
        assert_eq!(camps(&graph, &split), ["DEF", "ABCG"]);
    }

    #[test]
    fn balance_is_not_only_triads() {
        // A 4-cycle with one negative edge has no triangle but cannot be
        // split: frustration 1.
        let graph = signed(&[
            ("W", "X", '+', 1),
            ("X", "Y", '+', 1),
            ("Y", "Z", '+', 1),
            ("Z", "W", '-', 1),
        ]);
        assert_eq!(triad_census(&graph), TriadCensus::default());
        assert_eq!(frustration(&graph, None).frustration, 1);
    }

    #[test]
    fn greedy_above_the_exact_limit() {
        // 24 nodes, camps even/odd, complete; then one edge flipped.
        let mut edges = Vec::new();
        let names: Vec<String> = (0..24).map(|i| format!("n{i:02}")).collect();
        for a in 0..24 {
            for b in a + 1..24 {
                let sign = if a % 2 == b % 2 { '+' } else { '-' };
                let sign = if (a, b) == (0, 2) { '-' } else { sign };
                edges.push((names[a].as_str(), names[b].as_str(), sign, 1));
            }
        }
        let split = frustration(&signed(&edges), None);
        assert_eq!((split.frustration, split.exact), (1, false));
        assert!(split.camp.iter().step_by(2).all(|c| !c));
    }

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
