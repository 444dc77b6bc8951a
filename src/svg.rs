//! The alliance network as SVG without Graphviz: the fallback diagram that
//! `akg serve` shows when `dot` is not installed.
//!
//! The layout is simple and deterministic: the alliances in the centre, the
//! states on a ring around them (in label order, from the top, clockwise),
//! and every other entity on an outer ring, near the entities it is linked
//! to. Edges are straight lines (bowed apart when two entities share several
//! facts) with an arrowhead, coloured and dashed by sign and labelled
//! `relation (n)`; nodes are shaped and filled by entity type, as in
//! [`crate::dot`].
//!
//! The markup follows Graphviz's, so that the page and its tests treat both
//! renderings alike: each node is a `<g class="node">` and each edge a
//! `<g class="edge">`, and everything in it is wrapped in an `<a>` that links
//! to its trace ([`crate::dot::node_href`], [`crate::dot::fact_href`]). Every
//! text and attribute value is XML-escaped.
//!
//! This module never prints: it writes to a given `io::Write`.

use std::collections::BTreeMap;
use std::f64::consts::{FRAC_PI_2, TAU};
use std::io::{self, Write};

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::dot::{
    edge_style, edge_tooltip, fact_href, node_href, node_style, node_tooltip, pen_width, title,
};
use crate::graph::{Entity, EntityType, Network, Sign};

/// The font of every text.
const FONT: &str = "Helvetica,Arial,sans-serif";
/// Font size of node labels, in pixels.
const NODE_FONT: f64 = 11.0;
/// Font size of edge labels.
const EDGE_FONT: f64 = 9.0;
/// Font size of the title.
const TITLE_FONT: f64 = 12.0;
/// Average width of a character, as a share of the font size (Helvetica).
const CHAR_WIDTH: f64 = 0.58;
/// Space kept between neighbours on a ring.
const RING_GAP: f64 = 24.0;
/// Distance from the alliances to the states' ring, at least.
const INNER_DISTANCE: f64 = 230.0;
/// Distance from the states' ring to the outer ring, at least.
const OUTER_DISTANCE: f64 = 170.0;
/// How far apart the facts between the same two entities are bowed.
const PARALLEL_GAP: f64 = 24.0;
/// How far apart along the line the labels of parallel facts sit, as a
/// share of its length.
const LABEL_STAGGER: f64 = 0.16;
/// The empty border around the drawing.
const MARGIN: f64 = 16.0;

/// A point (SVG coordinates: y grows downwards).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Point {
    x: f64,
    y: f64,
}

impl Point {
    fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    /// The point at this angle and distance from the origin.
    fn polar(angle: f64, radius: f64) -> Point {
        Point::new(radius * angle.cos(), radius * angle.sin())
    }

    fn distance(self, other: Point) -> f64 {
        (other.x - self.x).hypot(other.y - self.y)
    }
}

/// A node's place and size.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Placed {
    centre: Point,
    half_width: f64,
    half_height: f64,
    /// Drawn as an ellipse (edges stop at the ellipse, not the box).
    round: bool,
}

impl Placed {
    /// Where the line from the centre towards `toward` leaves the shape.
    fn boundary(&self, toward: Point) -> Point {
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

/// Width of a text, estimated from its length.
fn text_width(text: &str, font_size: f64) -> f64 {
    text.chars().count() as f64 * font_size * CHAR_WIDTH
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
fn layout(network: &Network) -> Vec<Placed> {
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
    let mut ring_nodes: Vec<Placed> = centre.iter().map(|n| placed[n.index()]).collect();
    let centre_radius = if ring_nodes.len() < 2 {
        0.0
    } else {
        ring_radius(&ring_nodes, 60.0)
    };
    place_evenly(&mut ring_nodes, centre_radius);
    let centre_extent = ring_nodes
        .iter()
        .map(|p| p.half_width.hypot(p.half_height))
        .fold(0.0, f64::max);
    for (n, p) in centre.iter().zip(&ring_nodes) {
        placed[n.index()] = *p;
    }

    // The states around them, linked states near each other.
    let states = order_ring(network, states);
    let mut ring_nodes: Vec<Placed> = states.iter().map(|n| placed[n.index()]).collect();
    let states_radius = if centre.is_empty() && states.len() == 1 {
        0.0
    } else {
        ring_radius(&ring_nodes, centre_radius + centre_extent + INNER_DISTANCE)
    };
    place_evenly(&mut ring_nodes, states_radius);
    for (n, p) in states.iter().zip(&ring_nodes) {
        placed[n.index()] = *p;
    }

    // The others outside, each near the mean direction of its placed
    // neighbours (or, without any, spaced in turn).
    if outer.is_empty() {
        return placed;
    }
    // The direction of each outer node: the mean direction of its
    // neighbours on the inner rings; then, for those without any, of its
    // outer neighbours that have one; else spaced in turn.
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
    for &n in &outer {
        if let Some(angle) = mean_direction(n, &inner_angle) {
            direction.insert(n, angle);
        }
    }
    for _ in 0..outer.len() {
        let known = direction.clone();
        let outer_angle = |n: NodeIndex| known.get(&n).copied();
        let mut found = false;
        for &n in &outer {
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
    let base = if states.is_empty() && centre.is_empty() {
        0.0
    } else {
        states_radius.max(centre_radius + centre_extent) + OUTER_DISTANCE
    };
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
    placed
}

/// Escapes text for XML content and double- or single-quoted attribute
/// values. Characters that XML 1.0 does not allow become spaces; a line
/// break in an attribute is kept as `&#10;`.
fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{FFFE}' | '\u{FFFF}' => out.push(' '),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with one decimal (never `-0.0`).
fn num(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded == 0.0 {
        "0.0".to_owned()
    } else {
        format!("{rounded:.1}")
    }
}

/// A list of points for `points="…"`.
fn points(list: &[(f64, f64)]) -> String {
    list.iter()
        .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The marker id of a sign's arrowhead.
fn marker_id(sign: Sign) -> &'static str {
    match sign {
        Sign::Cooperative => "akg-arrow-cooperative",
        Sign::Hostile => "akg-arrow-hostile",
        Sign::Neutral => "akg-arrow-neutral",
    }
}

/// The dash pattern of a Graphviz style.
fn dash_array(style: &str) -> Option<&'static str> {
    match style {
        "dashed" => Some("6,4"),
        "dotted" => Some("1.5,3"),
        _ => None,
    }
}

/// An `<a>` with both `href` (SVG 2) and `xlink:href` (SVG 1.1, as
/// Graphviz writes it) and a tooltip.
fn open_link(out: &mut dyn Write, href: &str, tooltip: &str) -> io::Result<()> {
    let href = escape(href);
    writeln!(
        out,
        "<a href=\"{href}\" xlink:href=\"{href}\" xlink:title=\"{}\">",
        escape(tooltip)
    )
}

/// The shape of a node, by entity type.
fn write_shape(out: &mut dyn Write, kind: EntityType, p: &Placed) -> io::Result<()> {
    let (shape, fill, style) = node_style(kind);
    let (x, y, a, b) = (p.centre.x, p.centre.y, p.half_width, p.half_height);
    let stroke_width = if style.contains("bold") { "2" } else { "1" };
    let paint = format!("fill=\"{fill}\" stroke=\"#333333\" stroke-width=\"{stroke_width}\"");
    match shape {
        "ellipse" => writeln!(
            out,
            "<ellipse cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"{}\" {paint}/>",
            num(x),
            num(y),
            num(a),
            num(b)
        ),
        "doubleoctagon" => {
            for inset in [0.0, 4.0] {
                let (a, b) = (a - inset, b - inset);
                let c = b * 0.6;
                let corners = [
                    (x - a + c, y - b),
                    (x + a - c, y - b),
                    (x + a, y - b + c),
                    (x + a, y + b - c),
                    (x + a - c, y + b),
                    (x - a + c, y + b),
                    (x - a, y + b - c),
                    (x - a, y - b + c),
                ];
                let fill = if inset == 0.0 { fill } else { "none" };
                writeln!(
                    out,
                    "<polygon points=\"{}\" fill=\"{fill}\" stroke=\"#333333\" stroke-width=\"{stroke_width}\"/>",
                    points(&corners)
                )?;
            }
            Ok(())
        }
        "hexagon" => writeln!(
            out,
            "<polygon points=\"{}\" {paint}/>",
            points(&[
                (x - a, y),
                (x - a + b, y - b),
                (x + a - b, y - b),
                (x + a, y),
                (x + a - b, y + b),
                (x - a + b, y + b),
            ])
        ),
        "note" => {
            let fold = 8.0;
            writeln!(
                out,
                "<polygon points=\"{}\" {paint}/>",
                points(&[
                    (x - a, y - b),
                    (x + a - fold, y - b),
                    (x + a, y - b + fold),
                    (x + a, y + b),
                    (x - a, y + b),
                ])
            )?;
            writeln!(
                out,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"#333333\"/>",
                points(&[
                    (x + a - fold, y - b),
                    (x + a - fold, y - b + fold),
                    (x + a, y - b + fold),
                ])
            )
        }
        _ => {
            let rx = if style.contains("rounded") { 6.0 } else { 0.0 };
            writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" {paint}/>",
                num(x - a),
                num(y - b),
                num(2.0 * a),
                num(2.0 * b),
                num(rx)
            )
        }
    }
}

/// An edge's path data and where its label goes.
struct EdgeGeometry {
    path: String,
    label_at: Point,
}

/// The geometry of an edge from `from` to `to`, bowed sideways by
/// `offset` (0: straight). `normal` is the unit normal of the pair's
/// canonical direction, so that facts in both directions bow apart.
fn edge_geometry(
    from: &Placed,
    to: &Placed,
    offset: f64,
    normal: Point,
    label_t: f64,
) -> EdgeGeometry {
    if from.centre == to.centre {
        // A loop above the node.
        let (x, y) = (from.centre.x, from.centre.y - from.half_height);
        return EdgeGeometry {
            path: format!(
                "M{},{} C{},{} {},{} {},{}",
                num(x - 10.0),
                num(y),
                num(x - 30.0),
                num(y - 40.0),
                num(x + 30.0),
                num(y - 40.0),
                num(x + 10.0),
                num(y)
            ),
            label_at: Point::new(x, y - 36.0),
        };
    }
    let mid = Point::new(
        (from.centre.x + to.centre.x) / 2.0,
        (from.centre.y + to.centre.y) / 2.0,
    );
    if offset == 0.0 {
        let start = from.boundary(to.centre);
        let end = to.boundary(from.centre);
        return EdgeGeometry {
            path: format!(
                "M{},{} L{},{}",
                num(start.x),
                num(start.y),
                num(end.x),
                num(end.y)
            ),
            label_at: Point::new(
                from.centre.x + (to.centre.x - from.centre.x) * label_t,
                from.centre.y + (to.centre.y - from.centre.y) * label_t,
            ),
        };
    }
    // A quadratic curve through mid + normal * offset.
    let control = Point::new(
        mid.x + normal.x * 2.0 * offset,
        mid.y + normal.y * 2.0 * offset,
    );
    let start = from.boundary(control);
    let end = to.boundary(control);
    EdgeGeometry {
        path: format!(
            "M{},{} Q{},{} {},{}",
            num(start.x),
            num(start.y),
            num(control.x),
            num(control.y),
            num(end.x),
            num(end.y)
        ),
        label_at: quadratic(from.centre, control, to.centre, label_t),
    }
}

/// The point at `t` on a quadratic Bézier curve.
fn quadratic(p0: Point, control: Point, p2: Point, t: f64) -> Point {
    let u = 1.0 - t;
    Point::new(
        u * u * p0.x + 2.0 * u * t * control.x + t * t * p2.x,
        u * u * p0.y + 2.0 * u * t * control.y + t * t * p2.y,
    )
}

/// Writes the network as a standalone SVG document.
pub fn write_svg(network: &Network, out: &mut dyn Write) -> io::Result<()> {
    let g = &network.graph;
    let placed = layout(network);

    // Facts between the same two entities, in edge order, to bow apart.
    let mut pairs: BTreeMap<(NodeIndex, NodeIndex), Vec<petgraph::graph::EdgeIndex>> =
        BTreeMap::new();
    for edge in g.edge_references() {
        let (a, b) = (edge.source(), edge.target());
        pairs
            .entry((a.min(b), a.max(b)))
            .or_default()
            .push(edge.id());
    }
    let mut geometry = BTreeMap::new();
    for ((a, b), edges) in &pairs {
        let (pa, pb) = (placed[a.index()].centre, placed[b.index()].centre);
        let length = pa.distance(pb).max(1e-9);
        let normal = Point::new(-(pb.y - pa.y) / length, (pb.x - pa.x) / length);
        let n = edges.len() as f64;
        for (i, &e) in edges.iter().enumerate() {
            let rank = i as f64 - (n - 1.0) / 2.0;
            let Some((s, t)) = g.edge_endpoints(e) else {
                continue;
            };
            // Labels of parallel facts are staggered along the line too,
            // so that they do not cover each other whatever its slope.
            let along = 0.5 + rank * LABEL_STAGGER;
            let label_t = if s == *a { along } else { 1.0 - along };
            geometry.insert(
                e,
                edge_geometry(
                    &placed[s.index()],
                    &placed[t.index()],
                    rank * PARALLEL_GAP,
                    normal,
                    label_t,
                ),
            );
        }
    }

    // The bounds: every node and edge label, then the title above.
    let title = title(network);
    let title_lines: Vec<&str> = title.lines().collect();
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut grow = |p: Point, half_width: f64, half_height: f64| {
        min_x = min_x.min(p.x - half_width);
        max_x = max_x.max(p.x + half_width);
        min_y = min_y.min(p.y - half_height);
        max_y = max_y.max(p.y + half_height);
    };
    for p in &placed {
        grow(p.centre, p.half_width, p.half_height);
    }
    for edge in g.edge_references() {
        if let Some(geo) = geometry.get(&edge.id()) {
            let label = edge_label(edge.weight());
            grow(geo.label_at, text_width(&label, EDGE_FONT) / 2.0 + 2.0, 8.0);
        }
    }
    let title_width = title_lines
        .iter()
        .map(|l| text_width(l, TITLE_FONT))
        .fold(0.0, f64::max);
    let centre_x = (min_x + max_x) / 2.0;
    min_x = min_x.min(centre_x - title_width / 2.0);
    max_x = max_x.max(centre_x + title_width / 2.0);
    let title_height = TITLE_FONT * 1.4 * title_lines.len() as f64 + 8.0;
    let (left, top) = (min_x - MARGIN, min_y - MARGIN - title_height);
    let (width, height) = (max_x - min_x + 2.0 * MARGIN, max_y - top + MARGIN);

    writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>"
    )?;
    writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{}\" height=\"{}\" viewBox=\"{} {} {} {}\" font-family=\"{FONT}\">",
        num(width.ceil()),
        num(height.ceil()),
        num(left),
        num(top),
        num(width.ceil()),
        num(height.ceil())
    )?;
    writeln!(out, "<title>alliance</title>")?;
    writeln!(out, "<defs>")?;
    for sign in [Sign::Cooperative, Sign::Hostile, Sign::Neutral] {
        let (color, _) = edge_style(sign);
        writeln!(
            out,
            "<marker id=\"{}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{color}\"/></marker>",
            marker_id(sign)
        )?;
    }
    writeln!(out, "</defs>")?;
    writeln!(out, "<g id=\"graph0\" class=\"graph\">")?;
    writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
        num(left),
        num(top),
        num(width.ceil()),
        num(height.ceil())
    )?;
    for (i, line) in title_lines.iter().enumerate() {
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\">{}</text>",
            num(centre_x),
            num(top + MARGIN + TITLE_FONT * (1.0 + 1.4 * i as f64)),
            num(TITLE_FONT),
            escape(line)
        )?;
    }

    // Edges first, so that the nodes cover their ends.
    for (i, edge) in g.edge_references().enumerate() {
        let Some(geo) = geometry.get(&edge.id()) else {
            continue;
        };
        let fact = edge.weight();
        let (source, target) = (&g[edge.source()].label, &g[edge.target()].label);
        let (color, style) = edge_style(fact.sign);
        writeln!(out, "<g id=\"edge{}\" class=\"edge\">", i + 1)?;
        open_link(
            out,
            &fact_href(source, fact.relation, target),
            &edge_tooltip(network, source, fact, target),
        )?;
        writeln!(
            out,
            "<title>{} → {}</title>",
            escape(source),
            escape(target)
        )?;
        let dash = dash_array(style)
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default();
        let marker = if fact.relation.is_symmetric() {
            String::new()
        } else {
            format!(" marker-end=\"url(#{})\"", marker_id(fact.sign))
        };
        writeln!(
            out,
            "<path d=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{}\"{dash}{marker}/>",
            geo.path,
            num(pen_width(fact))
        )?;
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" dominant-baseline=\"central\" font-size=\"{}\" fill=\"{color}\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">{}</text>",
            num(geo.label_at.x),
            num(geo.label_at.y),
            num(EDGE_FONT),
            escape(&edge_label(fact))
        )?;
        writeln!(out, "</a>")?;
        writeln!(out, "</g>")?;
    }
    for n in g.node_indices() {
        let entity = &g[n];
        let p = &placed[n.index()];
        writeln!(out, "<g id=\"node{}\" class=\"node\">", n.index() + 1)?;
        open_link(out, &node_href(&entity.label), &node_tooltip(entity))?;
        writeln!(out, "<title>{}</title>", escape(&entity.label))?;
        write_shape(out, entity.kind, p)?;
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" dominant-baseline=\"central\" font-size=\"{}\" fill=\"#000000\">{}</text>",
            num(p.centre.x),
            num(p.centre.y),
            num(NODE_FONT),
            escape(&entity.label)
        )?;
        writeln!(out, "</a>")?;
        writeln!(out, "</g>")?;
    }
    writeln!(out, "</g>")?;
    writeln!(out, "</svg>")
}

/// An edge's label: `relation (n)`.
fn edge_label(fact: &crate::graph::Fact) -> String {
    format!("{} ({})", fact.relation, fact.corroboration())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::claim::Relation;
    use crate::graph::EdgeRelation;

    /// Checks that `xml` is well formed enough for a browser's XML parser:
    /// tags nest and close, attribute values are quoted and hold no `<`,
    /// and every `&` starts an entity. Returns the element names in order.
    pub(crate) fn check_xml(xml: &str) -> Result<Vec<String>, String> {
        fn check_entities(text: &str) -> Result<(), String> {
            for (i, _) in text.match_indices('&') {
                let rest = &text[i + 1..];
                let end = rest
                    .find(';')
                    .ok_or_else(|| format!("bare & in {text:?}"))?;
                let name = &rest[..end];
                let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                    || name
                        .strip_prefix('#')
                        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
                if !ok {
                    return Err(format!("bad entity &{name}; in {text:?}"));
                }
            }
            Ok(())
        }
        let mut stack: Vec<String> = Vec::new();
        let mut names = Vec::new();
        let mut rest = xml;
        while let Some(open) = rest.find('<') {
            check_entities(&rest[..open])?;
            if rest[..open].contains('>') {
                return Err(format!("stray > in {:?}", &rest[..open]));
            }
            rest = &rest[open..];
            if let Some(body) = rest.strip_prefix("<?") {
                rest = &body[body.find("?>").ok_or("open <?")? + 2..];
                continue;
            }
            if let Some(body) = rest.strip_prefix("<!--") {
                rest = &body[body.find("-->").ok_or("open comment")? + 3..];
                continue;
            }
            if let Some(body) = rest.strip_prefix("<!") {
                rest = &body[body.find('>').ok_or("open <!")? + 1..];
                continue;
            }
            // Find the end of the tag, skipping quoted values.
            let mut quote = None;
            let mut end = None;
            for (i, c) in rest.char_indices().skip(1) {
                match (quote, c) {
                    (None, '"' | '\'') => quote = Some(c),
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), '<') => return Err(format!("< in a value: {rest:.80}")),
                    (None, '>') => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let end = end.ok_or_else(|| format!("open tag: {rest:.80}"))?;
            let tag = &rest[1..end];
            rest = &rest[end + 1..];
            check_entities(tag)?;
            if let Some(name) = tag.strip_prefix('/') {
                match stack.pop() {
                    Some(open) if open == name => continue,
                    other => return Err(format!("</{name}> closes {other:?}")),
                }
            }
            let self_closing = tag.ends_with('/');
            let name: String = tag
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '/')
                .collect();
            if name.is_empty() {
                return Err(format!("empty tag {tag:?}"));
            }
            // Attributes: name="value" pairs, nothing else.
            let mut attrs = tag[name.len()..].trim_end_matches('/').trim();
            while !attrs.is_empty() {
                let eq = attrs
                    .find('=')
                    .ok_or_else(|| format!("bad attrs {tag:?}"))?;
                let q = attrs[eq + 1..].chars().next().ok_or("no value")?;
                if q != '"' && q != '\'' {
                    return Err(format!("unquoted value in {tag:?}"));
                }
                let value_end = attrs[eq + 2..]
                    .find(q)
                    .ok_or_else(|| format!("open value {tag:?}"))?;
                attrs = attrs[eq + 2 + value_end + 1..].trim_start();
            }
            names.push(name.clone());
            if !self_closing {
                stack.push(name);
            }
        }
        check_entities(rest)?;
        if !stack.is_empty() {
            return Err(format!("unclosed {stack:?}"));
        }
        Ok(names)
    }

    /// Labels with every character XML minds, every node shape, and two
    /// entities that share three facts (both directions).
    fn nasty_network() -> Network {
        let fact = EdgeRelation::Fact;
        let mut network = crate::fixtures::network(
            &[
                ("A<l>and & \"co\"", EntityType::State),
                ("Bor'duria", EntityType::State),
                ("P&ct", EntityType::Alliance),
                ("Mr \u{7}Bell\nNewline", EntityType::Person),
                ("Article ]]> 4", EntityType::TreatyArticle),
                ("Rebels", EntityType::Group),
            ],
            &[
                (0, 2, fact(Relation::MemberOf), &["a1", "a2"]),
                (0, 2, fact(Relation::RequestedAssistance), &["a1"]),
                (2, 0, EdgeRelation::RefusedAssistance, &["a1"]),
                (0, 1, fact(Relation::ClashedWith), &["a<2>"]),
                (1, 2, fact(Relation::MemberOf), &["a2"]),
                (3, 4, fact(Relation::Invoked), &["a1"]),
                (5, 1, fact(Relation::ClashedWith), &["a2"]),
            ],
        );
        network.articles.insert(
            "a1".to_owned(),
            crate::graph::ArticleInfo {
                id: "a1".to_owned(),
                title: Some("Tom & Jerry's \"war\" <live>".to_owned()),
                date: Some("2022-09-13".to_owned()),
                publisher: None,
            },
        );
        network
    }

    fn svg(network: &Network) -> String {
        let mut out = Vec::new();
        write_svg(network, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn output_is_well_formed() {
        let svg = svg(&nasty_network());
        let names = check_xml(&svg).unwrap_or_else(|err| panic!("{err}\n{svg}"));
        assert_eq!(names.first().map(String::as_str), Some("svg"));
        assert_eq!(names.iter().filter(|n| *n == "marker").count(), 3);
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        assert!(!svg.contains('\u{7}'), "{svg}");
    }

    #[test]
    fn every_node_and_edge_is_linked() {
        let network = nasty_network();
        let svg = svg(&network);
        let nodes: Vec<&str> = svg.split("class=\"node\">\n").skip(1).collect();
        let edges: Vec<&str> = svg.split("class=\"edge\">\n").skip(1).collect();
        assert_eq!(nodes.len(), network.graph.node_count());
        assert_eq!(edges.len(), network.graph.edge_count());
        for node in &nodes {
            assert!(
                node.starts_with("<a href=\"/api/trace?entity="),
                "{node:.200}"
            );
            assert!(node.contains("</a>\n</g>"), "{node:.200}");
        }
        for edge in &edges {
            assert!(
                edge.starts_with("<a href=\"/api/trace?subject="),
                "{edge:.200}"
            );
        }
        assert!(svg.contains(
            "<a href=\"/api/trace?entity=A%3Cl%3Eand%20%26%20%22co%22\" xlink:href=\"/api/trace?entity=A%3Cl%3Eand%20%26%20%22co%22\""
        ));
        // The query string's & is escaped in XML.
        assert!(
            svg.contains("href=\"/api/trace?subject=A%3Cl%3Eand%20%26%20%22co%22&amp;relation=member_of&amp;object=P%26ct\""),
            "{svg}"
        );
        // The derived refusal links to the request it comes from.
        assert_eq!(
            svg.matches("&amp;relation=requested_assistance&amp;")
                .count(),
            4,
            "{svg}"
        );
    }

    #[test]
    fn text_is_escaped() {
        let svg = svg(&nasty_network());
        for expected in [
            "<title>A&lt;l&gt;and &amp; &quot;co&quot;</title>",
            "<title>Bor&#39;duria</title>",
            "<title>A&lt;l&gt;and &amp; &quot;co&quot; → P&amp;ct</title>",
            ">Article ]]&gt; 4</text>",
            "<title>Mr  Bell&#10;Newline</title>",
            "Tom &amp; Jerry&#39;s &quot;war&quot; &lt;live&gt;",
        ] {
            assert!(svg.contains(expected), "{expected}\n{svg}");
        }
        for (raw, expected) in [
            ("plain", "plain"),
            ("<&>\"'", "&lt;&amp;&gt;&quot;&#39;"),
            ("a\nb\tc\rd", "a&#10;b&#9;c&#13;d"),
            ("nul\0bell\u{7}\u{FFFF}", "nul bell  "),
            ("ünïcödé →", "ünïcödé →"),
        ] {
            assert_eq!(escape(raw), expected, "{raw:?}");
        }
    }

    #[test]
    fn styles_follow_sign_and_type() {
        let svg = svg(&nasty_network());
        let edge = |n: usize| -> &str {
            let start = svg.find(&format!("<g id=\"edge{n}\"")).unwrap();
            let end = start + svg[start..].find("</g>").unwrap();
            &svg[start..end]
        };
        // member_of: green, solid, an arrow, label with its two articles.
        assert!(edge(1).contains("stroke=\"#2e7d32\""), "{}", edge(1));
        assert!(!edge(1).contains("stroke-dasharray"));
        assert!(edge(1).contains("marker-end=\"url(#akg-arrow-cooperative)\""));
        assert!(edge(1).contains(">member_of (2)</text>"));
        // clashed_with: red, dashed, no arrow (symmetric).
        let clash = (1..=7)
            .map(edge)
            .find(|e| e.contains("clashed_with (1)"))
            .unwrap();
        assert!(clash.contains("stroke=\"#c62828\"") && clash.contains("stroke-dasharray"));
        assert!(!clash.contains("marker-end"));
        // Three facts between the same pair are bowed apart: three curves.
        assert_eq!(
            (1..=3).filter(|&n| edge(n).contains(" Q")).count(),
            2,
            "the middle one stays straight"
        );
        assert!(svg.contains("<ellipse "));
        assert_eq!(
            svg.matches("fill=\"none\" stroke=\"#333333\" stroke-width=\"2\"")
                .count(),
            1,
            "double octagon"
        );
    }

    #[test]
    fn nodes_do_not_overlap() {
        let network = nasty_network();
        let placed = layout(&network);
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                let apart_x = (a.centre.x - b.centre.x).abs() >= a.half_width + b.half_width;
                let apart_y = (a.centre.y - b.centre.y).abs() >= a.half_height + b.half_height;
                assert!(apart_x || apart_y, "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn output_is_deterministic() {
        let network = nasty_network();
        assert_eq!(svg(&network), svg(&network));
        assert_eq!(num(-0.04), "0.0");
        assert_eq!(num(12.345), "12.3");
    }

    #[test]
    fn small_networks() {
        // Empty, one fact, and a network with no alliance and no state.
        let empty = svg(&Network::default());
        check_xml(&empty).unwrap();
        assert!(empty.contains("0 entities, 0 facts"), "{empty}");
        let network = crate::fixtures::network(
            &[
                ("Someone", EntityType::Person),
                ("Some role", EntityType::Role),
            ],
            &[(0, 1, EdgeRelation::Fact(Relation::HoldsRole), &["a1"])],
        );
        let out = svg(&network);
        check_xml(&out).unwrap_or_else(|err| panic!("{err}\n{out}"));
        assert!(!out.contains("NaN"), "{out}");
        let placed = layout(&network);
        assert!(
            placed[0].centre.distance(placed[1].centre) > 100.0,
            "{placed:?}"
        );
    }

    /// The fallback diagram of the seed corpus (src/snapshots/). Rewrite
    /// it on purpose with `INSTA_UPDATE=always cargo test --release --lib svg`.
    #[test]
    fn seed_corpus_snapshot() {
        use crate::build::{build, BuildOptions};
        use crate::store::StoreDir;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        let store = StoreDir::new(dir.path().join("store"));
        let ontology = crate::rdf::ontology::load(&root.join("ontology")).unwrap();
        let options = BuildOptions {
            corpus: root.join("corpus"),
            full: true,
            strict: false,
            wait: false,
            read: crate::corpus::ReadOptions::default(),
        };
        build(&options, &ontology, &store, &|_| {}).unwrap();
        let network = Network::load(
            &store.open_read().unwrap(),
            &crate::graph::Filter::default(),
        )
        .unwrap();
        let svg = svg(&network);
        check_xml(&svg).unwrap_or_else(|err| panic!("{err}\n{svg}"));
        assert!(svg.contains("<title>Armenia → CSTO</title>"), "{svg}");
        let placed = layout(&network);
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                let apart_x = (a.centre.x - b.centre.x).abs() >= a.half_width + b.half_width;
                let apart_y = (a.centre.y - b.centre.y).abs() >= a.half_height + b.half_height;
                assert!(apart_x || apart_y, "{a:?} overlaps {b:?}");
            }
        }
        insta::assert_snapshot!("fallback_seed", svg);
    }
}
