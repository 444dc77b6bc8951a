//! How deep and how long a query is, measured on its text before any parser
//! sees it, so that a hostile query is refused instead of overflowing a
//! stack.
//!
//! Oxigraph's SPARQL parser recurses once per bracket and per prefix
//! operator, and its optimizer once per element of a chain (triple
//! patterns, `UNION`s, `||`, `+`…); a stack overflow aborts the process,
//! which no error handling can catch. [`check`] bounds both with a small
//! lexical scan: strings, IRIs and comments are skipped, the rest is split
//! into tokens. It knows nothing of the grammar beyond that, and never
//! looks at the store. The same scan finds, for a remote endpoint, where
//! the query's WHERE group opens ([`where_group_start`], where bindings
//! go) and whether it calls a `SERVICE` ([`service_name`], refused).

use super::{QueryError, MAX_NESTING, MAX_TOKENS};

/// Fails with [`QueryError::TooDeep`] if `sparql` nests more than
/// [`MAX_NESTING`] deep, or with [`QueryError::TooLong`] if it has more than
/// [`MAX_TOKENS`] tokens outside `VALUES` data blocks.
///
/// The depth is the number of open brackets (`(`, `[`, `{`) plus the prefix
/// operators (`!`, unary `-` and `+`) still waiting for their operand. A
/// token is a word (keyword, name, variable, number), a string, an IRI or
/// one punctuation character. A `VALUES` block holds only terms, which
/// Oxigraph reads in a loop, so long lists of values stay allowed there.
pub(crate) fn check(sparql: &str) -> Result<(), QueryError> {
    let mut scan = Scan::new(sparql);
    let mut tokens = 0usize;
    while scan.skip_blanks() {
        scan.token()?;
        if scan.data_block.is_none() {
            tokens += 1;
            if tokens > MAX_TOKENS {
                return Err(QueryError::TooLong { limit: MAX_TOKENS });
            }
        }
    }
    Ok(())
}

/// The offset just after the `{` that opens the query's WHERE group: the
/// first `{` outside brackets after the keyword `WHERE`, or, in a query that
/// leaves the keyword out (`SELECT * { … }`, `ASK { … }`), the first `{`
/// outside brackets, unless the query is a `CONSTRUCT`, whose first group
/// is its template. `None` if there is none. The caller parses what it
/// makes of the offset, so a text this scan misreads is refused, never run.
pub(crate) fn where_group_start(sparql: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut construct = false;
    let mut after_where = false;
    for token in Tokens::new(sparql) {
        match token.text {
            "{" if depth == 0 && (after_where || !construct) => return Some(token.end),
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth = depth.saturating_sub(1),
            word if depth == 0 => {
                construct |= word.eq_ignore_ascii_case("CONSTRUCT");
                after_where |= word.eq_ignore_ascii_case("WHERE");
            }
            _ => {}
        }
    }
    None
}

/// The variables (without `?` or `$`) that the outermost `SELECT` clause
/// assigns with `(… AS ?v)`.
pub(crate) fn select_expression_variables(sparql: &str) -> Vec<String> {
    let mut depth = 0usize;
    let mut in_select = false;
    let mut after_as = false;
    let mut assigned = Vec::new();
    for token in Tokens::new(sparql) {
        match token.text {
            "{" if depth == 0 => break,
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth = depth.saturating_sub(1),
            word if depth == 0 && word.eq_ignore_ascii_case("WHERE") => break,
            word if depth == 0 && word.eq_ignore_ascii_case("SELECT") => in_select = true,
            word if in_select && after_as => {
                assigned.push(word.trim_start_matches(['?', '$']).to_owned());
            }
            _ => {}
        }
        after_as = in_select && depth == 1 && token.text.eq_ignore_ascii_case("AS");
    }
    assigned
}

/// The name after the first `SERVICE` keyword of `sparql` (an IRI, a
/// prefixed name or a variable, past `SILENT`), or `None` if the query has
/// no `SERVICE`.
pub(crate) fn service_name(sparql: &str) -> Option<String> {
    let mut tokens = Tokens::new(sparql).skip_while(|t| !t.text.eq_ignore_ascii_case("SERVICE"));
    tokens.next()?;
    let name = tokens
        .find(|t| !t.text.eq_ignore_ascii_case("SILENT"))
        .map_or("", |t| t.text);
    Some(name.to_owned())
}

/// A token of a query text: a word, a string, an IRI or one punctuation
/// character, as [`check`] reads them; whitespace and comments are skipped.
struct Token<'a> {
    text: &'a str,
    /// The offset after it.
    end: usize,
}

/// The tokens of a query text, in order.
struct Tokens<'a> {
    sparql: &'a str,
    at: usize,
}

impl<'a> Tokens<'a> {
    fn new(sparql: &'a str) -> Self {
        Tokens { sparql, at: 0 }
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let bytes = self.sparql.as_bytes();
        loop {
            let &byte = bytes.get(self.at)?;
            let start = self.at;
            self.at = match byte {
                _ if byte.is_ascii_whitespace() => {
                    self.at += 1;
                    continue;
                }
                b'#' => {
                    self.at = line_end(bytes, start);
                    continue;
                }
                b'"' | b'\'' => string_end(bytes, start),
                b'<' => iri_end(bytes, start).unwrap_or(start + 1),
                _ if is_word_start(byte) => word_end(bytes, start),
                // One character, whole: the text is UTF-8 and `start` is on
                // a character boundary (every branch above ends on one).
                _ => {
                    start
                        + self.sparql[start..]
                            .chars()
                            .next()
                            .map_or(1, char::len_utf8)
                }
            };
            return Some(Token {
                text: self.sparql.get(start..self.at).unwrap_or_default(),
                end: self.at,
            });
        }
    }
}

/// Where [`check`] is in the query text, and what it has seen.
struct Scan<'a> {
    sparql: &'a str,
    bytes: &'a [u8],
    /// The offset of the next byte to read.
    at: usize,
    nesting: Nesting,
    /// The last token ends an operand, so a `-` or `+` after it is binary.
    after_operand: bool,
    /// VALUES was read and its `{` is still to come.
    values_next: bool,
    /// The bracket count inside the VALUES block being read.
    data_block: Option<usize>,
}

impl<'a> Scan<'a> {
    fn new(sparql: &'a str) -> Self {
        Self {
            sparql,
            bytes: sparql.as_bytes(),
            at: 0,
            nesting: Nesting::new(),
            after_operand: false,
            values_next: false,
            data_block: None,
        }
    }

    /// Moves past white space and comments; false at the end of the text.
    fn skip_blanks(&mut self) -> bool {
        while let Some(&byte) = self.bytes.get(self.at) {
            if byte.is_ascii_whitespace() {
                self.at += 1;
            } else if byte == b'#' {
                self.at = line_end(self.bytes, self.at);
            } else {
                return true;
            }
        }
        false
    }

    /// Reads the token at [`Scan::at`], failing if it nests too deep.
    fn token(&mut self) -> Result<(), QueryError> {
        let start = self.at;
        let byte = self.bytes[start];
        let mut is_variable = false;
        match byte {
            b'"' | b'\'' => {
                self.at = string_end(self.bytes, start);
                self.operand();
            }
            b'(' | b'[' | b'{' => self.open(byte),
            b')' | b']' | b'}' => self.close(),
            b'<' => self.iri_or_less_than()?,
            b'!' if self.bytes.get(start + 1) != Some(&b'=') => {
                self.at += 1;
                self.nesting.prefix();
                self.after_operand = false;
            }
            b'+' | b'-' if !self.after_operand => {
                self.at += 1;
                self.nesting.prefix();
            }
            _ if is_word_start(byte) => is_variable = self.word(),
            _ => {
                self.at += 1;
                self.after_operand = false;
            }
        }
        // Only variables and their brackets come between VALUES and `{`.
        if self.values_next
            && !is_variable
            && !matches!(byte, b'(' | b')')
            && !self.bytes[start..self.at].eq_ignore_ascii_case(b"VALUES")
        {
            self.values_next = false;
        }
        if self.nesting.depth > MAX_NESTING {
            return Err(too_deep(self.sparql, start));
        }
        Ok(())
    }

    /// A string, an IRI or a word: it ends the prefix operators before it.
    fn operand(&mut self) {
        self.nesting.operand();
        self.after_operand = true;
    }

    /// An opening bracket; the `{` of a VALUES block starts its data.
    fn open(&mut self, byte: u8) {
        self.at += 1;
        self.nesting.open();
        if byte == b'{' && self.values_next {
            self.values_next = false;
            self.data_block = Some(self.nesting.brackets());
        }
        self.after_operand = false;
    }

    /// A closing bracket; the one of a VALUES block ends its data.
    fn close(&mut self) {
        self.at += 1;
        if self.data_block == Some(self.nesting.brackets()) {
            self.data_block = None;
        }
        self.nesting.close();
        self.after_operand = true;
    }

    /// An IRI `<…>`, or the operator `<`.
    fn iri_or_less_than(&mut self) -> Result<(), QueryError> {
        let start = self.at;
        match iri_end(self.bytes, start) {
            Some(end) => {
                // A parser that takes this `<` for "less than" reads the
                // brackets after it as brackets.
                let hidden = bracket_depth(&self.bytes[start..end]);
                if self.nesting.depth + hidden > MAX_NESTING {
                    return Err(too_deep(self.sparql, start));
                }
                self.at = end;
                self.operand();
            }
            None => {
                self.at += 1;
                self.after_operand = false;
            }
        }
        Ok(())
    }

    /// A word; true if it is a variable.
    fn word(&mut self) -> bool {
        let start = self.at;
        self.at = word_end(self.bytes, start);
        let word = &self.bytes[start..self.at];
        if word.eq_ignore_ascii_case(b"VALUES") {
            self.values_next = true;
        }
        self.operand();
        word.len() > 1 && matches!(word[0], b'?' | b'$')
    }
}

/// The open brackets, and the prefix operators waiting at each.
struct Nesting {
    /// For the top level and each open bracket, the prefix operators read
    /// there since its last operand.
    pending: Vec<usize>,
    /// Open brackets plus every pending operator.
    depth: usize,
}

impl Nesting {
    fn new() -> Self {
        Self {
            pending: vec![0],
            depth: 0,
        }
    }

    /// How many brackets are open.
    fn brackets(&self) -> usize {
        self.pending.len() - 1
    }

    fn open(&mut self) {
        self.pending.push(0);
        self.depth += 1;
    }

    /// A closing bracket: a stray one closes nothing. What it closed is an
    /// operand of the level around it.
    fn close(&mut self) {
        if self.pending.len() > 1 {
            let pending = self.pending.pop().unwrap_or(0);
            self.depth -= pending + 1;
        }
        self.operand();
    }

    fn prefix(&mut self) {
        if let Some(pending) = self.pending.last_mut() {
            *pending += 1;
        }
        self.depth += 1;
    }

    /// An operand ends the prefix operators waiting for it.
    fn operand(&mut self) {
        if let Some(pending) = self.pending.last_mut() {
            self.depth -= *pending;
            *pending = 0;
        }
    }
}

fn too_deep(sparql: &str, offset: usize) -> QueryError {
    let before = &sparql.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |newline| newline + 1);
    // Columns count characters; continuation bytes are not characters.
    let column = before[line_start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count()
        + 1;
    QueryError::TooDeep {
        limit: MAX_NESTING,
        line,
        column,
    }
}

/// The offset after the end of the line that `at` is on.
fn line_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |offset| at + offset + 1)
}

/// The offset after the string literal that opens at `start`: `"…"`,
/// `'…'`, `"""…"""` or `'''…'''`, with backslash escapes. A short string
/// cut by a line break ends there (the parser fails on it), an unclosed long
/// one at the end of the text (the parser cannot get past it).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let is_quote = |at: usize| bytes.get(at) == Some(&quote);
    let long = is_quote(start + 1) && is_quote(start + 2);
    let mut at = if long { start + 3 } else { start + 1 };
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'\\' => at += 2,
            _ if byte == quote => {
                if !long {
                    return at + 1;
                }
                if is_quote(at + 1) && is_quote(at + 2) {
                    return at + 3;
                }
                at += 1;
            }
            b'\n' | b'\r' if !long => return at,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// The offset after the IRI `<…>` that opens at `start`, or `None` if the
/// `<` is an operator (SPARQL's IRIREF excludes spaces and `<>"{}|^`\`).
fn iri_end(bytes: &[u8], start: usize) -> Option<usize> {
    for (offset, &byte) in bytes[start + 1..].iter().enumerate() {
        match byte {
            b'>' => return Some(start + offset + 2),
            b'<' | b'"' | b'{' | b'}' | b'|' | b'^' | b'`' | b'\\' => return None,
            _ if byte <= b' ' => return None,
            _ => {}
        }
    }
    None
}

/// The deepest nesting of `(` and `[` in `bytes`.
fn bracket_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for &byte in bytes {
        match byte {
            b'(' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Starts a word: a keyword, a name (`ex:a`, `_:b`), a variable or a
/// number. A lone `?` (a path modifier) counts as a word too.
fn is_word_start(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b':' | b'?' | b'$') || byte >= 0x80
}

/// The offset after the word that starts at `start`. Only a prefixed name
/// (one with a `:`) takes `-` (`ex:a-b`), so that `1-1-1` stays a chain of
/// tokens; a `.` belongs to a word only before another word character
/// (`ex:a.b`, `1.5`, but `?o.` ends a triple).
fn word_end(bytes: &[u8], start: usize) -> usize {
    let is_char =
        |byte: u8| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b':') || byte >= 0x80;
    let mut prefixed = bytes[start] == b':';
    let mut at = start + 1;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b':' => prefixed = true,
            _ if is_char(byte) => {}
            b'-' | b'%' if prefixed => {}
            b'\\' if prefixed => at += 1,
            b'.' if bytes.get(at + 1).is_some_and(|&next| is_char(next)) => {}
            _ => break,
        }
        at += 1;
    }
    at.min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text after the `{` that [`where_group_start`] finds, or "none".
    fn check_where(sparql: &str, expected: &str) {
        let actual = where_group_start(sparql).map_or("none", |at| sparql[at..].trim());
        assert_eq!(actual, expected, "{sparql}");
    }

    #[test]
    fn the_where_group_is_found_past_templates_strings_and_comments() {
        check_where("SELECT ?s WHERE { ?s ?p ?o }", "?s ?p ?o }");
        check_where("SELECT * { ?s ?p ?o }", "?s ?p ?o }");
        check_where("ASK{?s ?p 1}", "?s ?p 1}");
        check_where(
            "PREFIX a: <http://e/x> # WHERE {\nSELECT (EXISTS { ?s ?p \"{\" } AS ?e) WHERE { 1 }",
            "1 }",
        );
        check_where("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p 2 }", "?s ?p 2 }");
        check_where("CONSTRUCT WHERE { ?s ?p 3 }", "?s ?p 3 }");
        check_where("DESCRIBE <http://e/a>", "none");
        check_where("SELECT ?where WHERE { 4 }", "4 }");
    }

    #[test]
    fn select_expressions_name_what_they_assign() {
        let check = |sparql: &str, expected: &[&str]| {
            assert_eq!(select_expression_variables(sparql), expected, "{sparql}");
        };
        check(
            "PREFIX as: <http://e/> SELECT ?s (COUNT(*) AS ?n) (MIN(?x) as $m) { ?s ?p ?x }",
            &["n", "m"],
        );
        check("SELECT ?s WHERE { { SELECT (1 AS ?one) {} } }", &[]);
        check("ASK { BIND(1 AS ?b) }", &[]);
    }

    #[test]
    fn a_service_is_found_by_its_keyword_outside_strings_and_comments() {
        let check = |sparql: &str, expected: Option<&str>| {
            assert_eq!(service_name(sparql).as_deref(), expected, "{sparql}");
        };
        check(
            "SELECT * { SERVICE <http://e/s> { ?s ?p ?o } }",
            Some("<http://e/s>"),
        );
        check(
            "SELECT * { service silent ?where { ?s ?p ?o } }",
            Some("?where"),
        );
        check("SELECT * { ?s ?p \"SERVICE <x>\" } # SERVICE <y>", None);
        check("SELECT ?service { ?service ex:SERVICE 1 }", None);
    }

    /// `Ok(())`, or which limit the query breaks (`"deep 1:20"`, `"long"`).
    fn check_shape(sparql: &str, expected: &str) {
        let actual = match check(sparql) {
            Ok(()) => "ok".to_owned(),
            Err(QueryError::TooDeep { line, column, .. }) => format!("deep {line}:{column}"),
            Err(QueryError::TooLong { .. }) => "long".to_owned(),
            Err(other) => format!("{other}"),
        };
        assert_eq!(actual, expected, "{:.200}", sparql);
    }

    fn nested(open: &str, inner: &str, close: &str, n: usize) -> String {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
    }

    #[test]
    fn brackets_nest_up_to_the_limit() {
        let at_limit = nested("(", "1", ")", MAX_NESTING - 2);
        check_shape(&format!("ASK {{ FILTER({at_limit}) }}"), "ok");
        let over = nested("(", "1", ")", MAX_NESTING - 1);
        check_shape(&format!("ASK {{ FILTER({over}) }}"), "deep 1:268");
        check_shape(&nested("{", "", "}", MAX_NESTING + 1), "deep 1:257");
        let blank_nodes = nested("[ ?p ", "1", " ]", MAX_NESTING);
        check_shape(&format!("ASK {{ ?s ?p {blank_nodes} }}"), "deep 1:1288");
        // Closed brackets no longer count.
        let siblings = "{ ?s ?p ((1)) } ".repeat(1000);
        check_shape(&format!("ASK {{ {siblings} }}"), "ok");
        // A stray closing bracket does not lower the count below zero.
        check_shape("ASK { } } } ((((( }", "ok");
    }

    #[test]
    fn prefix_operators_nest_until_their_operand() {
        let nots = "!".repeat(MAX_NESTING);
        check_shape(&format!("ASK {{ FILTER({nots}true) }}"), "deep 1:268");
        let minuses = "- ".repeat(MAX_NESTING);
        check_shape(&format!("ASK {{ FILTER({minuses}1) }}"), "deep 1:522");
        // Operators inside brackets that are still open stay counted.
        let not_brackets = nested("!(", "true", ")", MAX_NESTING / 2);
        check_shape(&format!("ASK {{ FILTER({not_brackets}) }}"), "deep 1:268");
        // Siblings, binary operators and `!=` do not nest.
        let siblings = vec!["!?a"; 2 * MAX_NESTING].join(" && ");
        check_shape(&format!("ASK {{ FILTER({siblings}) }}"), "ok");
        let binary = vec!["?a"; 2 * MAX_NESTING].join(" - ");
        check_shape(&format!("ASK {{ FILTER({binary} != 1) }}"), "ok");
    }

    #[test]
    fn strings_iris_and_comments_are_skipped() {
        let brackets = "(".repeat(2 * MAX_NESTING);
        for text in [
            format!("ASK {{ FILTER(\"{brackets}\" != '{brackets}') }}"),
            format!("ASK {{ FILTER(\"\"\"{brackets}\n\"quoted\"\"\" != '''{brackets}''') }}"),
            format!("ASK {{ FILTER(\"a\\\"{brackets}\" != 'b\\'{brackets}') }}"),
            format!("ASK {{ <http://example.com/{}> ?p ?o }}", "(a)".repeat(500)),
            format!("# {brackets}\nASK {{ }}"),
        ] {
            check_shape(&text, "ok");
        }
        // An unclosed short string ends at the line break.
        check_shape(&format!("ASK {{ \"{brackets}\n{brackets} }}"), "deep 2:256");
    }

    #[test]
    fn brackets_behind_less_than_count() {
        // `1<((((…` parses as "less than" followed by brackets, though it
        // looks like the start of an IRI.
        let hidden = nested("(", "1", ")", MAX_NESTING);
        check_shape(&format!("ASK {{ FILTER(1<{hidden}>0) }}"), "deep 1:15");
        check_shape("ASK { FILTER(?a < ?b && ?c <= 2) }", "ok");
    }

    #[test]
    fn long_chains_count_their_tokens() {
        let ones = vec!["1"; MAX_TOKENS / 2].join(",");
        check_shape(&format!("ASK {{ ?s ?p {ones} }}"), "long");
        let sums = vec!["1"; MAX_TOKENS / 2].join("-");
        check_shape(&format!("ASK {{ FILTER({sums}) }}"), "long");
        let names = vec!["ex:a-b.c"; MAX_TOKENS / 4].join(" , ");
        check_shape(&format!("ASK {{ ?s ?p {names} }}"), "ok");
    }

    #[test]
    fn values_blocks_hold_any_number_of_terms() {
        let values = vec!["1"; 2 * MAX_TOKENS].join(" ");
        check_shape(&format!("SELECT * {{ VALUES ?x {{ {values} }} }}"), "ok");
        let rows = vec!["(1 <http://x>)"; MAX_TOKENS].join(" ");
        check_shape(&format!("SELECT * {{ VALUES (?x ?y) {{ {rows} }} }}"), "ok");
        check_shape(&format!("SELECT * {{ }} values ?x {{ {values} }}"), "ok");
        // Anything but variables between VALUES and `{` ends the exemption.
        check_shape(
            &format!("SELECT * {{ VALUES FILTER {{ {values} }} }}"),
            "long",
        );
        // The tokens after the block count again.
        let ones = vec!["1"; MAX_TOKENS / 2].join(",");
        check_shape(
            &format!("SELECT * {{ VALUES ?x {{ 1 }} ?s ?p {ones} }}"),
            "long",
        );
    }

    #[test]
    fn columns_count_characters() {
        let over = nested("(", "1", ")", MAX_NESTING);
        check_shape(
            &format!("# é\nASK {{ FILTER(\"é\" = {over}) }}"),
            "deep 2:274",
        );
    }
}
