//! Graphviz output: a [`Network`] as DOT, and DOT rendered to SVG or PNG by
//! the system's `dot`.
//!
//! The body comes from `petgraph::dot`, which writes attribute strings as
//! it is given them: every label, tooltip and attribute value here goes
//! through [`escape`] first, so that a label with quotes, backslashes or
//! newlines still gives valid DOT. Node shape and colour show the entity
//! type; edge colour and style show the sign (green solid for cooperative,
//! red dashed for hostile, grey dotted for neutral); an edge's label is its
//! relation and number of supporting articles, and its tooltip names them.
//! An alliance and its members are drawn in one cluster. With
//! [`DotOptions::links`], every node and edge links to its trace in
//! `akg serve` ([`node_href`], [`fact_href`]); [`crate::svg`] draws the
//! same links when Graphviz is missing.
//!
//! This module never prints: it writes to a given `io::Write`, and
//! [`render`] returns the rendered bytes.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::process::{Command, Stdio};

use petgraph::dot::{Config, Dot};
use petgraph::graph::NodeIndex;
use petgraph::visit::{EdgeRef, NodeRef};

use percent_encoding::utf8_percent_encode;

use crate::claim::Relation;
use crate::graph::{EdgeRelation, Entity, EntityType, Fact, Network, Sign};
use crate::rdf::vocab::RESERVED;

/// The direction of the layout's ranks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RankDir {
    /// Left to right (the default: labels read along the edges).
    #[default]
    LeftRight,
    /// Top to bottom.
    TopBottom,
}

/// How [`write_dot`] lays the diagram out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DotOptions {
    /// The rank direction.
    pub rankdir: RankDir,
    /// Draw each alliance with its members in a cluster.
    pub clusters: bool,
    /// Wrap every node and edge in a link to its trace ([`node_href`],
    /// [`fact_href`]), for the diagram that `akg serve` shows.
    pub links: bool,
}

impl Default for DotOptions {
    fn default() -> Self {
        Self {
            rankdir: RankDir::LeftRight,
            clusters: true,
            links: false,
        }
    }
}

/// Percent-encodes text for a URL query value: every byte but the
/// unreserved ones (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`, so that spaces,
/// `&`, `=`, `#`, `+`, quotes and non-ASCII letters survive the trip.
pub fn encode_query_value(raw: &str) -> String {
    utf8_percent_encode(raw, RESERVED).to_string()
}

/// A link as written into DOT: with `&` as `&amp;`. Graphviz copies an
/// `href` into its SVG as it is (2.43 does not escape a bare `&`, which
/// leaves the SVG ill-formed) and keeps an entity as an entity, so the SVG
/// gets `&amp;` either way. The links' values are percent-encoded, so the
/// only `&` is the separator.
fn xml_href(href: &str) -> String {
    href.replace('&', "&amp;")
}

/// The link of a node: the trace of the entity with this label,
/// `/api/trace?entity=LABEL`.
pub fn node_href(label: &str) -> String {
    format!("/api/trace?entity={}", encode_query_value(label))
}

/// The link of a fact given by its labels and relation name:
/// `/api/trace?subject=S&relation=R&object=O`.
pub fn edge_href(subject: &str, relation: &str, object: &str) -> String {
    format!(
        "/api/trace?subject={}&relation={}&object={}",
        encode_query_value(subject),
        encode_query_value(relation),
        encode_query_value(object)
    )
}

/// The link of an edge: [`edge_href`] of its fact. A derived
/// `refused_assistance` edge (addressee → requester) is not stored as a
/// fact; it links to the request it comes from, whose claims give the
/// refusal (their value is "declined" or "ignored").
pub fn fact_href(subject: &str, relation: EdgeRelation, object: &str) -> String {
    match relation {
        EdgeRelation::RefusedAssistance => edge_href(
            object,
            EdgeRelation::Fact(Relation::RequestedAssistance).name(),
            subject,
        ),
        EdgeRelation::Fact(_) => edge_href(subject, relation.name(), object),
    }
}

/// Escapes text for a double-quoted DOT string: `"` and `\` get a
/// backslash, line breaks become `\n` (a centred line in labels and
/// tooltips), and other control characters become spaces.
pub fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' | '\u{2028}' | '\u{2029}' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `key="value"` pairs, each value escaped, separated by spaces.
fn attributes(pairs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (key, value) in pairs {
        let _ = write!(out, "{key}=\"{}\" ", escape(value));
    }
    out
}

/// Shape, fill colour and extra style of a node, by entity type.
pub(crate) fn node_style(kind: EntityType) -> (&'static str, &'static str, &'static str) {
    match kind {
        EntityType::State => ("box", "#dbe9f6", "rounded,filled"),
        EntityType::Alliance => ("doubleoctagon", "#f6d365", "filled,bold"),
        EntityType::Person => ("ellipse", "#e3f2d9", "filled"),
        EntityType::Organization => ("component", "#eeeeee", "filled"),
        EntityType::GovernmentBody => ("box3d", "#eeeeee", "filled"),
        EntityType::Group => ("hexagon", "#fde0dc", "filled"),
        EntityType::Treaty | EntityType::TreatyArticle => ("note", "#fff8dc", "filled"),
        EntityType::Role => ("tab", "#f3e5f5", "filled"),
        EntityType::Other => ("ellipse", "#ffffff", "filled"),
    }
}

/// Colour and style of an edge, by sign.
pub(crate) fn edge_style(sign: Sign) -> (&'static str, &'static str) {
    match sign {
        Sign::Cooperative => ("#2e7d32", "solid"),
        Sign::Hostile => ("#c62828", "dashed"),
        Sign::Neutral => ("#757575", "dotted"),
    }
}

/// An edge's tooltip: the fact, its number of articles and one line for
/// each article.
pub(crate) fn edge_tooltip(network: &Network, source: &str, fact: &Fact, target: &str) -> String {
    let n = fact.corroboration();
    let mut tooltip = format!(
        "{source} {} {target}: {n} article{}",
        fact.relation,
        if n == 1 { "" } else { "s" }
    );
    for id in &fact.articles {
        tooltip.push('\n');
        match network.articles.get(id) {
            Some(info) => tooltip.push_str(&info.describe()),
            None => tooltip.push_str(id),
        }
    }
    tooltip
}

/// A node's tooltip: label, type and IRI.
pub(crate) fn node_tooltip(entity: &Entity) -> String {
    format!("{} ({})\n{}", entity.label, entity.kind, entity.iri)
}

/// An edge's line width: 1 for one article, up to 3 for five or more.
pub(crate) fn pen_width(fact: &Fact) -> f64 {
    1.0 + 0.5 * (fact.corroboration().min(5) as f64 - 1.0)
}

/// The diagram's title (two lines): its size and the key to the edges.
pub(crate) fn title(network: &Network) -> String {
    format!(
        "alliance-kg: {} entities, {} facts from {} articles\ngreen solid = cooperative, red dashed = hostile, grey dotted = neutral; (n) = supporting articles",
        network.graph.node_count(),
        network.graph.edge_count(),
        network.n_articles()
    )
}

/// The clusters: each alliance with the members that are not yet in
/// another cluster, in label order.
fn clusters(network: &Network) -> Vec<(NodeIndex, Vec<NodeIndex>)> {
    let g = &network.graph;
    let member_of = EdgeRelation::Fact(Relation::MemberOf);
    let mut taken: BTreeSet<NodeIndex> = BTreeSet::new();
    let mut out = Vec::new();
    for alliance in g.node_indices() {
        if g[alliance].kind != EntityType::Alliance || taken.contains(&alliance) {
            continue;
        }
        let members: Vec<NodeIndex> = g
            .edges_directed(alliance, petgraph::Direction::Incoming)
            .filter(|e| e.weight().relation == member_of)
            .map(|e| e.source())
            .filter(|m| !taken.contains(m) && g[*m].kind != EntityType::Alliance)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if members.is_empty() {
            continue;
        }
        taken.insert(alliance);
        taken.extend(members.iter().copied());
        out.push((alliance, members));
    }
    out
}

/// Writes the network as a DOT digraph.
pub fn write_dot(network: &Network, options: &DotOptions, out: &mut dyn Write) -> io::Result<()> {
    let g = &network.graph;
    let edge_attributes =
        |_, edge: petgraph::graph::EdgeReference<'_, Fact>| edge_attributes(network, options, edge);
    let node_attributes = |_, node: (NodeIndex, &Entity)| node_attributes(options, node.weight());
    let config = [
        Config::EdgeNoLabel,
        Config::NodeNoLabel,
        Config::GraphContentOnly,
    ];
    let body = Dot::with_attr_getters(g, &config, &edge_attributes, &node_attributes);

    let title = title(network);
    writeln!(out, "digraph alliance {{")?;
    let rankdir = match options.rankdir {
        RankDir::LeftRight => "LR",
        RankDir::TopBottom => "TB",
    };
    writeln!(
        out,
        "    graph [ {}]",
        attributes(&[
            ("rankdir", rankdir.to_owned()),
            ("label", title),
            ("labelloc", "t".to_owned()),
            ("fontname", "Helvetica".to_owned()),
            ("fontsize", "12".to_owned()),
            ("nodesep", "0.35".to_owned()),
            ("ranksep", "0.9".to_owned()),
            ("splines", "true".to_owned()),
            ("newrank", "true".to_owned()),
        ])
    )?;
    writeln!(
        out,
        "    node [ {}]",
        attributes(&[
            ("fontname", "Helvetica".to_owned()),
            ("fontsize", "11".to_owned()),
        ])
    )?;
    writeln!(
        out,
        "    edge [ {}]",
        attributes(&[
            ("fontname", "Helvetica".to_owned()),
            ("fontsize", "9".to_owned()),
        ])
    )?;
    write!(out, "{body:?}")?;
    if options.clusters {
        write_clusters(network, out)?;
    }
    writeln!(out, "}}")
}

/// The DOT attributes of one edge: its label, tooltip, colour and style by
/// sign, width by corroboration, and with `links`, its trace.
fn edge_attributes(
    network: &Network,
    options: &DotOptions,
    edge: petgraph::graph::EdgeReference<'_, Fact>,
) -> String {
    let g = &network.graph;
    let fact = edge.weight();
    let (color, style) = edge_style(fact.sign);
    let n = fact.corroboration();
    let source = &g[edge.source()].label;
    let target = &g[edge.target()].label;
    let tooltip = edge_tooltip(network, source, fact, target);
    let width = pen_width(fact);
    let mut pairs = vec![
        ("label", format!("{} ({n})", fact.relation)),
        ("tooltip", tooltip.clone()),
        ("labeltooltip", tooltip),
        ("color", color.to_owned()),
        ("fontcolor", color.to_owned()),
        ("style", style.to_owned()),
        ("penwidth", format!("{width:.1}")),
    ];
    if fact.relation.is_symmetric() {
        pairs.push(("dir", "none".to_owned()));
    }
    if options.links {
        pairs.push(("href", xml_href(&fact_href(source, fact.relation, target))));
    }
    attributes(&pairs)
}

/// The DOT attributes of one node: its label, tooltip, shape and fill by
/// type, and with `links`, its trace.
fn node_attributes(options: &DotOptions, entity: &Entity) -> String {
    let (shape, fill, style) = node_style(entity.kind);
    let mut pairs = vec![
        ("label", entity.label.clone()),
        ("tooltip", node_tooltip(entity)),
        ("shape", shape.to_owned()),
        ("fillcolor", fill.to_owned()),
        ("style", style.to_owned()),
    ];
    if options.links {
        pairs.push(("href", xml_href(&node_href(&entity.label))));
    }
    attributes(&pairs)
}

/// Every alliance of the network in a cluster with its members.
fn write_clusters(network: &Network, out: &mut dyn Write) -> io::Result<()> {
    let g = &network.graph;
    for (n, (alliance, members)) in clusters(network).into_iter().enumerate() {
        let label = format!("{} and its members", g[alliance].label);
        writeln!(out, "    subgraph cluster_{n} {{")?;
        writeln!(
            out,
            "        graph [ {}]",
            attributes(&[
                ("label", label),
                ("style", "rounded,filled".to_owned()),
                ("fillcolor", "#fbfaf3".to_owned()),
                ("color", "#c9b458".to_owned()),
            ])
        )?;
        let ids: Vec<String> = std::iter::once(alliance)
            .chain(members)
            .map(|n| n.index().to_string())
            .collect();
        writeln!(out, "        {}", ids.join("; "))?;
        writeln!(out, "    }}")?;
    }
    Ok(())
}

/// What `dot` renders to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenderFormat {
    /// Scalable vector graphics.
    Svg,
    /// A PNG bitmap.
    Png,
}

impl RenderFormat {
    /// The `-T` argument of `dot`.
    pub fn name(self) -> &'static str {
        match self {
            RenderFormat::Svg => "svg",
            RenderFormat::Png => "png",
        }
    }
}

/// Why rendering failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// There is no `dot` program.
    #[error("cannot render: Graphviz is not installed (no `dot` on PATH); install it with `apt-get install graphviz`, or leave out --render to write DOT")]
    NotInstalled,
    /// `dot` failed.
    #[error("graphviz `dot -T{format}` failed: {message}")]
    Failed {
        /// The requested format.
        format: &'static str,
        /// What `dot` said on stderr (first line).
        message: String,
    },
    /// Running `dot` failed.
    #[error("cannot run graphviz `dot`: {0}")]
    Io(#[from] io::Error),
}

/// Renders DOT text with the system's `dot` program.
pub fn render(dot: &str, format: RenderFormat) -> Result<Vec<u8>, RenderError> {
    let mut child = match Command::new("dot")
        .arg(format!("-T{}", format.name()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Err(RenderError::NotInstalled),
        Err(err) => return Err(RenderError::Io(err)),
    };
    // Feed stdin from a thread so that a large output cannot block us.
    let mut stdin = child.stdin.take();
    let input = dot.as_bytes().to_vec();
    let writer = std::thread::spawn(move || -> io::Result<()> {
        if let Some(stdin) = stdin.as_mut() {
            stdin.write_all(&input)?;
        }
        Ok(())
    });
    let mut stdout = Vec::new();
    if let Some(mut pipe) = child.stdout.take() {
        pipe.read_to_end(&mut stdout)?;
    }
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut stderr)?;
    }
    let status = child.wait()?;
    let written = writer
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("writer thread panicked")));
    if !status.success() {
        let message = stderr
            .lines()
            .next()
            .unwrap_or("no message")
            .trim()
            .to_owned();
        return Err(RenderError::Failed {
            format: format.name(),
            message,
        });
    }
    written?;
    Ok(stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        for (raw, expected) in [
            ("plain", "plain"),
            ("say \"no\"", "say \\\"no\\\""),
            ("back\\slash", "back\\\\slash"),
            ("trailing\\", "trailing\\\\"),
            ("two\nlines", "two\\nlines"),
            ("crlf\r\nend", "crlf\\nend"),
            ("tab\tbell\u{7}", "tab bell "),
            (
                "{braces} #hash <angle> ; [x]",
                "{braces} #hash <angle> ; [x]",
            ),
        ] {
            assert_eq!(escape(raw), expected, "{raw:?}");
        }
    }

    fn nasty_network() -> Network {
        let fact = EdgeRelation::Fact;
        let mut network = crate::fixtures::network(
            &[
                ("Q\"uote", EntityType::State),
                ("Back\\slash\\", EntityType::Alliance),
                ("New\nline \r\n{x} #y", EntityType::Person),
                ("-> ; ] [ = \"\"\"", EntityType::State),
            ],
            &[
                (0, 1, fact(Relation::MemberOf), &["a\"1\\"]),
                (0, 3, fact(Relation::ClashedWith), &["a\n2"]),
                (2, 1, fact(Relation::HoldsRole), &["a3"]),
            ],
        );
        network.articles.insert(
            "a\"1\\".to_owned(),
            crate::graph::ArticleInfo {
                id: "a\"1\\".to_owned(),
                title: Some("Title with \"quotes\"\nand a newline\\".to_owned()),
                date: None,
                publisher: None,
            },
        );
        network
    }

    #[test]
    fn nasty_labels_give_valid_dot() {
        let network = nasty_network();
        let mut out = Vec::new();
        write_dot(&network, &DotOptions::default(), &mut out).unwrap();
        let dot = String::from_utf8(out).unwrap();
        assert!(dot.contains("label=\"Q\\\"uote\""), "{dot}");
        assert!(dot.contains("label=\"Back\\\\slash\\\\\""), "{dot}");
        assert!(dot.contains("subgraph cluster_0"), "{dot}");
        assert!(!dot.contains("New\nline"), "raw newline in {dot}");
        // Graphviz itself is the judge (it is installed in CI by .ci/setup).
        match render(&dot, RenderFormat::Svg) {
            Ok(svg) => {
                let svg = String::from_utf8(svg).unwrap();
                assert!(svg.contains("<svg"), "{svg}");
                assert!(svg.contains("Q&quot;uote"), "{svg}");
                assert!(svg.contains("Back\\slash\\"), "{svg}");
            }
            Err(RenderError::NotInstalled) => {}
            Err(err) => panic!("dot rejected:\n{dot}\n{err}"),
        }
    }

    #[test]
    fn edges_are_styled_by_sign() {
        let mut out = Vec::new();
        write_dot(&nasty_network(), &DotOptions::default(), &mut out).unwrap();
        let dot = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = dot
            .lines()
            .filter(|l| l.split_whitespace().nth(1) == Some("->"))
            .collect();
        assert_eq!(lines.len(), 3, "{dot}");
        assert!(
            lines[0].contains("label=\"member_of (1)\"") && lines[0].contains("style=\"solid\"")
        );
        assert!(lines[1].contains("style=\"dashed\"") && lines[1].contains("dir=\"none\""));
        assert!(lines[2].contains("style=\"dotted\""));
        assert!(
            lines[0].contains("Title with \\\"quotes\\\"\\nand a newline\\\\"),
            "{}",
            lines[0]
        );
    }

    #[test]
    fn query_values_are_percent_encoded() {
        for (raw, expected) in [
            ("Armenia", "Armenia"),
            ("Article 4", "Article%204"),
            ("a&b=c#d+e", "a%26b%3Dc%23d%2Be"),
            (
                "\"quote\" 'x' <y> \\",
                "%22quote%22%20%27x%27%20%3Cy%3E%20%5C",
            ),
            ("Łukaszenka", "%C5%81ukaszenka"),
            ("safe-._~", "safe-._~"),
        ] {
            assert_eq!(encode_query_value(raw), expected, "{raw:?}");
        }
        assert_eq!(node_href("Article 4"), "/api/trace?entity=Article%204");
        assert_eq!(
            edge_href("Armenia", "invoked", "Article 4"),
            "/api/trace?subject=Armenia&relation=invoked&object=Article%204"
        );
        assert_eq!(
            fact_href("Pact", EdgeRelation::RefusedAssistance, "Aland"),
            "/api/trace?subject=Aland&relation=requested_assistance&object=Pact"
        );
    }

    #[test]
    fn links_are_added_only_when_asked() {
        let network = nasty_network();
        let mut plain = Vec::new();
        write_dot(&network, &DotOptions::default(), &mut plain).unwrap();
        let plain = String::from_utf8(plain).unwrap();
        assert!(!plain.contains("href="), "{plain}");

        let options = DotOptions {
            links: true,
            ..DotOptions::default()
        };
        let mut linked = Vec::new();
        write_dot(&network, &options, &mut linked).unwrap();
        let linked = String::from_utf8(linked).unwrap();
        let statements: Vec<&str> = linked
            .lines()
            .filter(|l| l.contains(" [ label=") && !l.trim_start().starts_with("graph"))
            .collect();
        assert_eq!(statements.len(), 7, "{linked}");
        for line in statements {
            assert!(line.contains(" href=\"/api/trace?"), "{line}");
        }
        assert!(
            linked.contains("href=\"/api/trace?entity=Q%22uote\""),
            "{linked}"
        );
        assert!(linked.contains(
            "href=\"/api/trace?subject=Q%22uote&amp;relation=member_of&amp;object=Back%5Cslash%5C\""
        ));
        // Graphviz keeps the links, XML-escaped.
        match render(&linked, RenderFormat::Svg) {
            Ok(svg) => {
                let svg = String::from_utf8(svg).unwrap();
                assert!(
                    svg.contains("xlink:href=\"/api/trace?subject=Q%22uote&amp;relation=member_of&amp;object="),
                    "{svg}"
                );
                crate::svg::tests::check_xml(&svg).unwrap_or_else(|err| panic!("{err}\n{svg}"));
                assert!(
                    svg.contains("xlink:href=\"/api/trace?entity=Q%22uote\""),
                    "{svg}"
                );
            }
            Err(RenderError::NotInstalled) => {}
            Err(err) => panic!("dot rejected:\n{linked}\n{err}"),
        }
    }

    #[test]
    fn invalid_dot_is_reported() {
        match render("digraph { -> }", RenderFormat::Svg) {
            Err(RenderError::Failed { format, .. }) => assert_eq!(format, "svg"),
            Err(RenderError::NotInstalled) => {}
            other => panic!("{other:?}"),
        }
    }
}
