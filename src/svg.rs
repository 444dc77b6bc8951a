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

mod layout;

use std::collections::BTreeMap;
use std::io::{self, Write};

use petgraph::graph::{EdgeIndex, EdgeReference, NodeIndex};
use petgraph::visit::EdgeRef;

use self::layout::{layout, Placed, Point};
use crate::dot::{
    edge_style, edge_tooltip, fact_href, node_href, node_style, node_tooltip, pen_width, title,
};
use crate::graph::{Entity, EntityType, Fact, Network, Sign};

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
/// How far apart the facts between the same two entities are bowed.
const PARALLEL_GAP: f64 = 24.0;
/// How far apart along the line the labels of parallel facts sit, as a
/// share of its length.
const LABEL_STAGGER: f64 = 0.16;
/// The empty border around the drawing.
const MARGIN: f64 = 16.0;

/// Width of a text, estimated from its length.
fn text_width(text: &str, font_size: f64) -> f64 {
    text.chars().count() as f64 * font_size * CHAR_WIDTH
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
    let geometry = edge_geometries(network, &placed);
    let title = title(network);
    let title_lines: Vec<&str> = title.lines().collect();
    let frame = Frame::around(network, &placed, &geometry, &title_lines);
    write_header(out, &frame, &title_lines)?;
    // Edges first, so that the nodes cover their ends.
    for (i, edge) in g.edge_references().enumerate() {
        let Some(geo) = geometry.get(&edge.id()) else {
            continue;
        };
        write_edge(out, network, i, edge, geo)?;
    }
    for n in g.node_indices() {
        write_node(out, n, &g[n], &placed[n.index()])?;
    }
    writeln!(out, "</g>")?;
    writeln!(out, "</svg>")
}

/// The geometry of every edge; facts between the same two entities, in
/// edge order, are bowed apart.
fn edge_geometries(network: &Network, placed: &[Placed]) -> BTreeMap<EdgeIndex, EdgeGeometry> {
    let g = &network.graph;
    let mut pairs: BTreeMap<(NodeIndex, NodeIndex), Vec<EdgeIndex>> = BTreeMap::new();
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
    geometry
}

/// The drawing's bounds (its view box) and the centre of its title.
struct Frame {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
    centre_x: f64,
}

impl Frame {
    /// The bounds of every node and edge label, then the title above.
    fn around(
        network: &Network,
        placed: &[Placed],
        geometry: &BTreeMap<EdgeIndex, EdgeGeometry>,
        title_lines: &[&str],
    ) -> Frame {
        let (mut min_x, mut min_y, mut max_x, mut max_y) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        let mut grow = |p: Point, half_width: f64, half_height: f64| {
            min_x = min_x.min(p.x - half_width);
            max_x = max_x.max(p.x + half_width);
            min_y = min_y.min(p.y - half_height);
            max_y = max_y.max(p.y + half_height);
        };
        for p in placed {
            grow(p.centre, p.half_width, p.half_height);
        }
        for edge in network.graph.edge_references() {
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
        Frame {
            left,
            top,
            width,
            height,
            centre_x,
        }
    }
}

/// The document's head: the `<svg>` element, the arrowheads, the
/// background and the title, leaving the graph's `<g>` open.
fn write_header(out: &mut dyn Write, frame: &Frame, title_lines: &[&str]) -> io::Result<()> {
    let Frame {
        left,
        top,
        width,
        height,
        centre_x,
    } = *frame;
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
    Ok(())
}

/// One edge, the `i`th: its line, arrowhead and label, linked to its trace.
fn write_edge(
    out: &mut dyn Write,
    network: &Network,
    i: usize,
    edge: EdgeReference<'_, Fact>,
    geo: &EdgeGeometry,
) -> io::Result<()> {
    let g = &network.graph;
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
    writeln!(out, "</g>")
}

/// One node: its shape and label, linked to its trace.
fn write_node(out: &mut dyn Write, n: NodeIndex, entity: &Entity, p: &Placed) -> io::Result<()> {
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
    writeln!(out, "</g>")
}

/// An edge's label: `relation (n)`.
fn edge_label(fact: &Fact) -> String {
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
