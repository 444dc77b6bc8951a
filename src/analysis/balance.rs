//! The structural balance part of the analysis: the signed graph of states
//! and alliances, its triad census and its frustration index (exact up to
//! [`EXACT_LIMIT`] nodes per component, greedy above). The parent module's
//! documentation defines them.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::graph::{EntityType, Network, Sign};

/// The largest connected component whose frustration index is computed
/// exactly (2^(n−1) colourings).
pub const EXACT_LIMIT: usize = 20;

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
pub(super) fn balance(network: &Network, alliance: Option<NodeIndex>) -> Balance {
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
}
