//! Where the fallback diagram puts each node: the alliances in the
//! centre, the states on a ring around them (linked states near each
//! other), and every other entity on an outer ring near the entities it is
//! linked to. Deterministic; sizes come from the labels' estimated width.

use std::collections::BTreeMap;
use std::f64::consts::{FRAC_PI_2, TAU};

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::{text_width, NODE_FONT};
use crate::graph::{Entity, EntityType, Network};

/// Space kept between neighbours on a ring.
const RING_GAP: f64 = 24.0;
/// Distance from the alliances to the states' ring, at least.
const INNER_DISTANCE: f64 = 230.0;
/// Distance from the states' ring to the outer ring, at least.
const OUTER_DISTANCE: f64 = 170.0;
/// A point (SVG coordinates: y grows downwards).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Point {
    pub(super) x: f64,
    pub(super) y: f64,
}

impl Point {
    pub(super) fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    /// The point at this angle and distance from the origin.
    pub(super) fn polar(angle: f64, radius: f64) -> Point {
        Point::new(radius * angle.cos(), radius * angle.sin())
    }

    pub(super) fn distance(self, other: Point) -> f64 {
        (other.x - self.x).hypot(other.y - self.y)
    }
}

/// A node's place and size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Placed {
    pub(super) centre: Point,
    pub(super) half_width: f64,
    pub(super) half_height: f64,
    /// Drawn as an ellipse (edges stop at the ellipse, not the box).
    pub(super) round: bool,
}

impl Placed {
    /// Where the line from the centre towards `toward` leaves the shape.
    pub(super) fn boundary(&self, toward: Point) -> Point {
        let dx = toward.x - self.centre.x;
        let dy = toward.y - self.centre.y;
        if dx == 0.0 && dy == 0.0 {
            return self.centre;
        }
        let t = if self.round {
            1.0 / ((dx / self.half_width).powi(2) + (dy / self.half_height).powi(2)).sqrt()
        } else {
            let tx = if dx == 0.0 {
                f64::INFINITY
            } else {
                self.half_width / dx.abs()
            };
            let ty = if dy == 0.0 {
                f64::INFINITY
            } else {
                self.half_height / dy.abs()
            };
            tx.min(ty)
        };
        Point::new(self.centre.x + dx * t, self.centre.y + dy * t)
    }

    /// How much of a ring the node takes up at this angle: its extent
    /// along the ring's tangent.
    fn extent_along(&self, angle: f64) -> f64 {
        2.0 * (self.half_width * angle.sin().abs() + self.half_height * angle.cos().abs())
    }
}

/// A node's size for its label and type: (half width, half height, round).
fn node_size(entity: &Entity) -> (f64, f64, bool) {
    let text = text_width(&entity.label, NODE_FONT);
    let (width, height, round) = match entity.kind {
        EntityType::Alliance => (text + 44.0, 40.0, false),
        EntityType::Person | EntityType::Other => (text * 1.2 + 24.0, 32.0, true),
        EntityType::Group => (text + 36.0, 30.0, false),
        EntityType::Treaty | EntityType::TreatyArticle => (text + 30.0, 30.0, false),
        _ => (text + 24.0, 30.0, false),
    };
    (width.max(56.0) / 2.0, height / 2.0, round)
}

/// Which ring a node goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ring {
    Centre,
    States,
    Outer,
}

fn ring(kind: EntityType) -> Ring {
    match kind {
        EntityType::Alliance => Ring::Centre,
        EntityType::State => Ring::States,
        _ => Ring::Outer,
    }
}

/// The radius at which nodes at evenly spaced angles (from the top) do not
/// touch, and at least `min`.
fn ring_radius(nodes: &[Placed], min: f64) -> f64 {
    let n = nodes.len();
    if n < 2 {
        return min;
    }
    let step = TAU / n as f64;
    let chord = 2.0 * (step / 2.0).sin();
    (0..n)
        .map(|i| {
            let j = (i + 1) % n;
            let a = -FRAC_PI_2 + step * i as f64;
            let b = -FRAC_PI_2 + step * j as f64;
            ((nodes[i].extent_along(a) + nodes[j].extent_along(b)) / 2.0 + RING_GAP) / chord
        })
        .fold(min, f64::max)
}

/// Places `nodes` at evenly spaced angles on a ring, from the top,
/// clockwise.
fn place_evenly(nodes: &mut [Placed], radius: f64) {
    let n = nodes.len();
    for (i, node) in nodes.iter_mut().enumerate() {
        let angle = -FRAC_PI_2 + TAU * i as f64 / n as f64;
        node.centre = if n == 1 && radius == 0.0 {
            Point::new(0.0, 0.0)
        } else {
            Point::polar(angle, radius)
        };
    }
}

/// Spreads angles (sorted, each wanted at least `gaps[i]` after the one
/// before it, cyclically) apart, moving each as little as it can: a few
/// rounds of pushing each too-close pair apart by halves.
fn spread(angles: &mut [f64], gaps: &[f64]) {
    let n = angles.len();
    if n < 2 {
        return;
    }
    for _ in 0..200 {
        let mut moved = false;
        for i in 0..n {
            let j = (i + 1) % n;
            let next = if j == 0 { angles[j] + TAU } else { angles[j] };
            let deficit = gaps[j] - (next - angles[i]);
            if deficit > 1e-9 {
                angles[i] -= deficit / 2.0;
                angles[j] += deficit / 2.0;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
}

/// Orders the nodes of a ring so that linked nodes sit close: from label
/// order, swaps two nodes while that shortens the links between them (a
/// bounded, deterministic hill climb; large rings keep label order).
fn order_ring(network: &Network, mut nodes: Vec<NodeIndex>) -> Vec<NodeIndex> {
    let n = nodes.len();
    if !(4..=80).contains(&n) {
        return nodes;
    }
    let g = &network.graph;
    let slot: BTreeMap<NodeIndex, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    // Links between ring nodes, by slot, each pair once.
    let links: Vec<(usize, usize)> = g
        .edge_references()
        .filter_map(|e| Some((*slot.get(&e.source())?, *slot.get(&e.target())?)))
        .map(|(a, b)| (a.min(b), a.max(b)))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if links.is_empty() {
        return nodes;
    }
    // position[slot] = where on the ring the node in that slot sits.
    let mut position: Vec<usize> = (0..n).collect();
    let cost = |position: &[usize]| -> usize {
        links
            .iter()
            .map(|&(a, b)| {
                let d = position[a].abs_diff(position[b]);
                d.min(n - d)
            })
            .sum()
    };
    let mut best = cost(&position);
    for _ in 0..20 {
        let mut improved = false;
        for i in 0..n {
            for j in i + 1..n {
                position.swap(i, j);
                let c = cost(&position);
                if c < best {
                    best = c;
                    improved = true;
                } else {
                    position.swap(i, j);
                }
            }
        }
        if !improved {
            break;
        }
    }
    let original = nodes.clone();
    for (from, to) in position.iter().enumerate() {
        nodes[*to] = original[from];
    }
    nodes
}

/// The layout: a place for every node, by node index.
pub(super) fn layout(network: &Network) -> Vec<Placed> {
    let g = &network.graph;
    let mut placed: Vec<Placed> = g
        .node_weights()
        .map(|entity| {
            let (half_width, half_height, round) = node_size(entity);
            Placed {
                centre: Point::new(0.0, 0.0),
                half_width,
                half_height,
                round,
            }
        })
        .collect();
    let on = |wanted: Ring| -> Vec<NodeIndex> {
        g.node_indices()
            .filter(|n| ring(g[*n].kind) == wanted)
            .collect()
    };
    let (centre, states, outer) = (on(Ring::Centre), on(Ring::States), on(Ring::Outer));

    // The alliances: one in the middle, several on a small ring.
    let centre_radius = place_on_ring(
        &mut placed,
        &centre,
        if centre.len() < 2 { 0.0 } else { 60.0 },
    );
    let centre_extent = centre
        .iter()
        .map(|n| {
            placed[n.index()]
                .half_width
                .hypot(placed[n.index()].half_height)
        })
        .fold(0.0, f64::max);

    // The states around them, linked states near each other.
    let states = order_ring(network, states);
    let states_radius = place_on_ring(
        &mut placed,
        &states,
        if centre.is_empty() && states.len() == 1 {
            0.0
        } else {
            centre_radius + centre_extent + INNER_DISTANCE
        },
    );

    // The others outside, each near the mean direction of its placed
    // neighbours (or, without any, spaced in turn).
    if outer.is_empty() {
        return placed;
    }
    let base = if states.is_empty() && centre.is_empty() {
        0.0
    } else {
        states_radius.max(centre_radius + centre_extent) + OUTER_DISTANCE
    };
    place_outer(network, &mut placed, &outer, base);
    placed
}

/// Places `nodes` evenly on a ring of at least `min_radius` (a single
/// node on a ring of 0 sits in the middle); returns the ring's radius.
fn place_on_ring(placed: &mut [Placed], nodes: &[NodeIndex], min_radius: f64) -> f64 {
    let mut ring_nodes: Vec<Placed> = nodes.iter().map(|n| placed[n.index()]).collect();
    let radius = ring_radius(&ring_nodes, min_radius);
    place_evenly(&mut ring_nodes, radius);
    for (n, p) in nodes.iter().zip(&ring_nodes) {
        placed[n.index()] = *p;
    }
    radius
}

/// The direction of each outer node: the mean direction of its neighbours
/// on the inner rings; then, for those without any, of its outer
/// neighbours that have one. Nodes with neither have none.
fn outer_directions(
    network: &Network,
    placed: &[Placed],
    outer: &[NodeIndex],
) -> BTreeMap<NodeIndex, f64> {
    let g = &network.graph;
    let mut direction: BTreeMap<NodeIndex, f64> = BTreeMap::new();
    let mean_direction = |n: NodeIndex, known: &dyn Fn(NodeIndex) -> Option<f64>| {
        let (mut x, mut y) = (0.0, 0.0);
        for neighbour in g.neighbors_undirected(n) {
            if let Some(angle) = known(neighbour) {
                x += angle.cos();
                y += angle.sin();
            }
        }
        (x.hypot(y) > 1e-6).then(|| y.atan2(x))
    };
    let inner_angle = |n: NodeIndex| -> Option<f64> {
        let at = placed[n.index()].centre;
        (ring(g[n].kind) != Ring::Outer && at.x.hypot(at.y) > 1.0).then(|| at.y.atan2(at.x))
    };
    for &n in outer {
        if let Some(angle) = mean_direction(n, &inner_angle) {
            direction.insert(n, angle);
        }
    }
    for _ in 0..outer.len() {
        let known = direction.clone();
        let outer_angle = |n: NodeIndex| known.get(&n).copied();
        let mut found = false;
        for &n in outer {
            if let std::collections::btree_map::Entry::Vacant(slot) = direction.entry(n) {
                if let Some(angle) = mean_direction(n, &outer_angle) {
                    slot.insert(angle);
                    found = true;
                }
            }
        }
        if !found {
            break;
        }
    }
    direction
}

/// Places the outer nodes on a ring of at least `base`, each as near its
/// direction as the others let it (without one, spaced in turn).
fn place_outer(network: &Network, placed: &mut [Placed], outer: &[NodeIndex], base: f64) {
    let direction = outer_directions(network, placed, outer);
    let mut wanted: Vec<(f64, NodeIndex)> = outer
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let angle = direction
                .get(&n)
                .copied()
                .unwrap_or_else(|| -FRAC_PI_2 + TAU * (i as f64 + 0.5) / outer.len() as f64);
            (angle, n)
        })
        .collect();
    wanted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let widest = |n: NodeIndex| placed[n.index()].half_width;
    // The angle between each node and the one before it that keeps them
    // apart at this radius (a full turn when the radius is too small).
    let gaps_at = |radius: f64| -> Vec<f64> {
        (0..wanted.len())
            .map(|i| {
                let before = wanted[(i + wanted.len() - 1) % wanted.len()].1;
                let chord = widest(before) + widest(wanted[i].1) + RING_GAP;
                if chord < 2.0 * radius {
                    2.0 * (chord / (2.0 * radius)).asin()
                } else {
                    TAU
                }
            })
            .collect()
    };
    let mut radius = if wanted.len() == 1 {
        base
    } else {
        base.max(1.0)
    };
    let mut gaps = gaps_at(radius);
    for _ in 0..100 {
        if wanted.len() < 2 || gaps.iter().sum::<f64>() <= TAU + 1e-9 {
            break;
        }
        radius *= 1.1;
        gaps = gaps_at(radius);
    }
    let mut angles: Vec<f64> = wanted.iter().map(|(a, _)| *a).collect();
    spread(&mut angles, &gaps);
    for ((_, n), angle) in wanted.iter().zip(angles) {
        placed[n.index()].centre = Point::polar(angle, radius);
    }
}
