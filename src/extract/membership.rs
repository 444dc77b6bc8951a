//! Membership, current and former: state *member of* alliance, state
//! *former member of* alliance or treaty.
//!
//! Rules, each over one sentence and the alliance it speaks of:
//! - a list of states right after a membership cue ("members are A, B and
//!   C", "membership consists of …", "a military alliance of …", "two of its
//!   members: A and B", "fellow member A", "other members, consisting of A
//!   and B", "all 30 allies -- A, B …"), or right before one, the list
//!   running up to the state joined to it ("A and B are members", "A and
//!   B, both members of …", "A, a founding member", "A and B are CSTO
//!   members", "B became NATO's 32nd member");
//! - a possessive membership ("Armenia’s CSTO membership", "Bishkek’s
//!   membership in the CSTO");
//! - leaving ("quit the organization in 2012", "withdrew from the CSTO",
//!   "suspended Uzbekistan's membership", "former members A and B", "A, a
//!   former member"), which wins over joining in the same clause;
//! - signing or being included in the treaty while the article does not call
//!   the state a current member gives *former member of* the treaty.

use crate::claim::{Claim, Object, Relation};
use crate::date::PartialDate;
use crate::mention::{EntityClass, EntityRef, Mention};
use crate::span::Span;

use super::{Cue, Doc};

/// A run of states listed with commas and "and": their mentions.
fn state_list<'m>(
    doc: &Doc<'_>,
    mentions: &'m [Mention],
    from: usize,
    max_gap_words: usize,
) -> Vec<&'m Mention> {
    let text = doc.text;
    let mut out: Vec<&Mention> = Vec::new();
    let mut cursor = from;
    for m in mentions.iter().filter(|m| m.span.start >= from) {
        if !doc.is_state_actor(m) {
            if out.is_empty() {
                continue;
            }
            break;
        }
        let gap = &text[cursor..m.span.start];
        let gap_words = gap
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
        let ok = if out.is_empty() {
            // "member states, alongside Russia, …": a comma only before a
            // linker (`lex:listLinker`), or a colon or dash.
            let linked = [": ", "; ", " — ", " – ", " -- ", " ("]
                .iter()
                .any(|l| gap.ends_with(l))
                || ends_with_linker(doc, gap);
            let gap = if linked {
                gap.trim_end()
                    .trim_end_matches(|c: char| c.is_alphabetic() || c == ' ')
                    .trim_end_matches([',', ':', ';', '—', '–', '-', '('])
            } else {
                gap
            };
            gap_words <= max_gap_words
                && !gap.contains(['.', ';', '(', ')', ','])
                && !super::coordination::has_phrase(doc.phrases(), "listBreaker", gap)
        } else {
            let g = gap.trim().trim_start_matches(',').trim();
            g.is_empty()
                || matches!(g, "and" | "or" | "as well as" | "plus" | ",")
                || g == ", and"
                || gap.trim() == ","
        };
        if !ok {
            break;
        }
        out.push(m);
        cursor = m.span.end;
        // Skip a possessive or parenthesis right after a state only at the end.
    }
    out
}

/// Whether `gap` ends with a comma, a linker of `lex:listLinker` and a
/// space: "members, including ", "the allies, consisting of ".
fn ends_with_linker(doc: &Doc<'_>, gap: &str) -> bool {
    let lower = gap.to_lowercase();
    doc.phrases()
        .get("listLinker")
        .iter()
        .any(|l| lower.ends_with(&format!(", {l} ")))
}

/// The text of `gap` with the alliances named in it blanked out.
fn without_alliances(doc: &Doc<'_>, gap: Span) -> String {
    let mut plain = gap.slice(doc.text).to_string();
    for m in doc.mentions.iter().filter(|m| gap.contains(m.span)) {
        if doc.class(m) == EntityClass::Alliance {
            let (start, end) = (m.span.start - gap.start, m.span.end - gap.start);
            plain.replace_range(start..end, &" ".repeat(end - start));
        }
    }
    plain
}

/// Whether the text between a state and a membership noun (`gap`, a span)
/// makes an apposition: a comma, then only words of `lex:appositionWord`
/// and alliance names ("Armenia, a founding member", "Turkey, the only
/// NATO member", "A and B, both members").
fn is_member_apposition(doc: &Doc<'_>, gap: Span) -> bool {
    let text = gap.slice(doc.text);
    let Some(rest) = text.trim().strip_prefix(',') else {
        return false;
    };
    if rest.trim().is_empty() || rest.contains([',', '.', ';']) {
        return false;
    }
    super::coordination::words(&without_alliances(doc, gap))
        .iter()
        .all(|w| doc.phrases().contains("appositionWord", w))
}

/// Extracts membership claims: sentence by sentence, rule by rule, then
/// the end-of-article reconciliation.
pub fn extract(doc: &Doc<'_>) -> Vec<Claim> {
    let mut out = Vec::new();
    let mut article = ArticleMembership::default();
    for idx in 0..doc.sentences.len() {
        phrased_members(doc, idx, &mut article, &mut out);
        let Some(sentence) = AllianceSentence::new(doc, idx) else {
            continue;
        };
        let leaves = leave_cues(doc, &sentence);
        former_members(doc, &sentence, &leaves, &mut out);
        listed_members(doc, &sentence, &leaves, &mut article, &mut out);
        partners(doc, &sentence, &mut article, &mut out);
        let treaty = sentence
            .mentions
            .iter()
            .find(|m| doc.class(m) == EntityClass::Treaty);
        if let Some(treaty) = treaty {
            treaty_signatories(doc, &sentence, treaty, &mut article);
            it_signed(doc, &sentence, treaty, &mut article);
        }
    }
    reconcile(out, article)
}

/// What the article has said so far that the end-of-article
/// reconciliation needs.
#[derive(Default)]
struct ArticleMembership {
    /// The states it calls current members.
    current_members: Vec<EntityRef>,
    /// Treaty signatories, kept for the end: former members of the treaty
    /// unless the article calls them current members.
    treaty_candidates: Vec<Claim>,
}

/// Sentence `idx`, which speaks of the alliance in focus, as the rules
/// read it.
struct AllianceSentence<'d> {
    idx: usize,
    span: Span,
    body: &'d str,
    mentions: &'d [Mention],
    /// The alliance it speaks of.
    alliance: EntityRef,
    /// Whether a state acts in it: every rule but "it signed" needs one,
    /// and skips its cue searches without (for speed only).
    has_state_actor: bool,
}

impl<'d> AllianceSentence<'d> {
    /// None when sentence `idx` speaks of no alliance, or of another than
    /// the one in focus.
    fn new(doc: &'d Doc<'_>, idx: usize) -> Option<Self> {
        let alliance = doc.alliance_for(idx)?;
        // Membership is about the alliance the article is about, not one it
        // mentions in passing ("NATO member France" in a CSTO story).
        if doc.focus_alliance(idx) != Some(alliance) {
            return None;
        }
        let mentions = doc.mentions_in(idx);
        Some(AllianceSentence {
            idx,
            span: doc.sentences[idx].span,
            body: doc.sentence_text(idx),
            mentions,
            alliance,
            has_state_actor: mentions.iter().any(|m| doc.is_state_actor(m)),
        })
    }

    /// The absolute span of a cue found in the sentence.
    fn cue_span(&self, cue: &regex::Match<'_>) -> Span {
        Span::new(self.span.start + cue.start(), self.span.start + cue.end())
    }
}

/// The members that `member_phrases` finds, in any sentence.
fn phrased_members(
    doc: &Doc<'_>,
    idx: usize,
    article: &mut ArticleMembership,
    out: &mut Vec<Claim>,
) {
    let phrased = super::member_phrases::extract(doc, idx);
    article
        .current_members
        .extend(phrased.iter().map(|c| c.subject));
    out.extend(phrased);
}

/// The leave cues of the sentence, as absolute spans.
fn leave_cues(doc: &Doc<'_>, sentence: &AllianceSentence<'_>) -> Vec<Span> {
    super::find_iter_if(
        sentence.has_state_actor && doc.may_match(sentence.idx, Cue::Leave),
        &doc.cues().leave,
        sentence.body,
    )
    .map(|m| sentence.cue_span(&m))
    .collect()
}

/// Former members: a leave cue with a state as its subject or object.
fn former_members(
    doc: &Doc<'_>,
    sentence: &AllianceSentence<'_>,
    leaves: &[Span],
    out: &mut Vec<Claim>,
) {
    let (text, idx, mentions) = (doc.text, sentence.idx, sentence.mentions);
    for cue in leaves {
        let cue_text = cue.slice(text).to_lowercase();
        if doc.is_hypothetical(idx, cue.start) {
            continue;
        }
        if cue_text.starts_with("non") {
            continue;
        }
        let leavers = if cue_text.starts_with("former") || cue_text.starts_with("ex-") {
            former_listed(doc, mentions, *cue)
        } else {
            let Some(state) = leaving_state(doc, mentions, *cue, &cue_text) else {
                continue;
            };
            with_co_leavers(doc, mentions, state, &cue_text)
        };
        if leavers.is_empty() {
            continue;
        }
        let Some(target) = left_target(doc, sentence, *cue, &cue_text) else {
            continue;
        };
        // Only a year stated in the clause: "quit … in 2012", "seven years
        // later"; one after the cue first ("A, a member since 2005, quit
        // in 2019" left in 2019).
        let date = clause_dates(doc, idx, *cue)
            .next()
            .or_else(|| super::dates::nearest(&doc.dates[idx], cue.end))
            .filter(|d| d.month.is_none());
        // Left before the alliance became an organisation ("quit in
        // 1999", or a year its context gives): left its treaty.
        let left_in = date.or_else(|| doc.date_near(idx, cue.end)).map(|d| d.year);
        let gazetteer = doc.entities.gazetteer;
        let target = match (&doc.entities.get(target).founded, left_in) {
            (Some((founded, treaty)), Some(year)) if year < *founded => {
                gazetteer.find_id(treaty).map_or(target, EntityRef)
            }
            _ => target,
        };
        for leaver in leavers {
            let mut claim = doc
                .claim(
                    Relation::FormerMemberOf,
                    leaver.entity,
                    Object::Entity(target),
                )
                .at(idx, leaver.span.cover(*cue))
                .rule("membership.leave", 0.75);
            claim.date = date;
            out.push(claim);
        }
    }
}

/// The states a "former members" cue names: the list after it ("former
/// members A, B and C", "former members include A and B"), else the list
/// joined to it before ("A and B are former members", "A, a former
/// member").
fn former_listed<'m>(doc: &Doc<'_>, mentions: &'m [Mention], cue: Span) -> Vec<&'m Mention> {
    let after = state_list(doc, mentions, cue.end, 1);
    if !after.is_empty() {
        return after;
    }
    list_before_cue(doc, mentions, cue).unwrap_or_default()
}

/// The state a leave cue is about: the one right after "former member",
/// else the nearest before the cue.
fn leaving_state<'m>(
    doc: &Doc<'_>,
    mentions: &'m [Mention],
    cue: Span,
    cue_text: &str,
) -> Option<&'m Mention> {
    // "suspended Uzbekistan's membership": the possessor inside the cue.
    if let Some(owner) = mentions
        .iter()
        .find(|m| cue.contains(m.span) && doc.is_state_actor(m))
    {
        return Some(owner);
    }
    if cue_text.starts_with("former") || cue_text.starts_with("ex-") || cue_text.starts_with("non")
    {
        // "former member Azerbaijan"
        state_list(doc, mentions, cue.end, 1).first().copied()
    } else {
        // "Uzbekistan … quit again", "Tashkent …, having quit": the nearest state before.
        mentions
            .iter()
            .rev()
            .find(|m| m.span.end <= cue.start && doc.is_state_actor(m))
    }
}

/// What a leave cue leaves: the alliance or treaty named after it, else the
/// sentence's alliance; None when the cue is not about membership.
fn left_target(
    doc: &Doc<'_>,
    sentence: &AllianceSentence<'_>,
    cue: Span,
    cue_text: &str,
) -> Option<EntityRef> {
    let text = doc.text;
    // "withdraw from the group" must be about an alliance or treaty.
    let named_target = sentence.mentions.iter().find(|m| {
        m.span.start >= cue.end
            && matches!(doc.class(m), EntityClass::Alliance | EntityClass::Treaty)
    });
    let target = named_target.map(|m| m.entity).unwrap_or(sentence.alliance);
    // "left the Collective Security Treaty": named right after the cue,
    // or one of the words that stand for an alliance or treaty.
    let words_to_target =
        named_target.map(|m| text[cue.end..m.span.start].split_whitespace().count());
    // Within the first four words: "quit the X", "pulled out of the X".
    let target_near = words_to_target.is_some_and(|n| n <= 4);
    let about_membership = target_near || cue_text.contains("member") || {
        let after = &text[cue.end..sentence.span.end];
        let after_lower = after.to_lowercase();
        [
            "the organization",
            "the organisation",
            "the bloc",
            "the alliance",
            "the group",
            "the treaty",
            "membership",
        ]
        .iter()
        .any(|t| {
            after_lower.trim_start().starts_with(t)
                || after_lower
                    .split_whitespace()
                    .take(4)
                    .collect::<Vec<_>>()
                    .join(" ")
                    .contains(t)
        }) || after_lower.trim_start().starts_with("again")
            || after_lower.trim_start().starts_with("in ")
    };
    about_membership.then_some(target)
}

/// The leaving state and, unless the cue is "former member", the states
/// chained to it by connectors before it: "Azerbaijan, which together with
/// Georgia and Uzbekistan left …".
fn with_co_leavers<'m>(
    doc: &Doc<'_>,
    mentions: &'m [Mention],
    state: &'m Mention,
    cue_text: &str,
) -> Vec<&'m Mention> {
    let text = doc.text;
    let mut leavers = vec![state];
    if !cue_text.starts_with("former") && !cue_text.starts_with("ex-") {
        let before: Vec<&Mention> = mentions
            .iter()
            .filter(|m| m.span.end <= state.span.start && doc.is_state_actor(m))
            .collect();
        let mut next_start = state.span.start;
        for m in before.iter().rev() {
            let gap = text[m.span.end..next_start].to_lowercase();
            let connectors_only = gap
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| !w.is_empty())
                .all(|w| {
                    matches!(
                        w,
                        "which"
                            | "together"
                            | "with"
                            | "along"
                            | "and"
                            | "as"
                            | "well"
                            | "both"
                            | "who"
                    )
                });
            // "to keep his distance from Moscow, Uzbekistan quit":
            // a preposition's object is no subject joined by a comma.
            let object_of_preposition = !gap.chars().any(char::is_alphabetic)
                && text[..m.span.start]
                    .split_whitespace()
                    .next_back()
                    .is_some_and(|w| w != "and" && doc.phrases().contains("listBreaker", w));
            if !connectors_only || gap.contains('.') || object_of_preposition {
                break;
            }
            leavers.push(m);
            next_start = m.span.start;
        }
    }
    leavers
}

/// Current members: lists after a membership cue (or right before it).
fn listed_members(
    doc: &Doc<'_>,
    sentence: &AllianceSentence<'_>,
    leaves: &[Span],
    article: &mut ArticleMembership,
    out: &mut Vec<Claim>,
) {
    let idx = sentence.idx;
    for cue in super::find_iter_if(
        sentence.has_state_actor && doc.may_match(idx, Cue::Member),
        &doc.cues().member,
        sentence.body,
    ) {
        let cue_span = sentence.cue_span(&cue);
        let cue_text = cue.as_str().to_lowercase();
        if leaves.iter().any(|l| {
            l.overlaps(cue_span) || (l.end <= cue_span.start && cue_span.start - l.end < 3)
        }) {
            continue;
        }
        let list = member_list(doc, sentence, cue_span, &cue_text);
        if list.is_empty() {
            continue;
        }
        let joined_on = accession_date(doc, idx, cue_span);
        for m in list {
            let span = m.span.cover(cue_span);
            let mut claim = doc
                .claim(
                    Relation::MemberOf,
                    m.entity,
                    Object::Entity(sentence.alliance),
                )
                .at(idx, span)
                .rule("membership.list", 0.85);
            claim.date = joined_on;
            out.push(claim);
            article.current_members.push(m.entity);
        }
    }
}

/// The states a membership cue lists: after it, before it, or after an
/// "only" or "except" that follows it.
fn member_list<'m>(
    doc: &Doc<'_>,
    sentence: &AllianceSentence<'m>,
    cue_span: Span,
    cue_text: &str,
) -> Vec<&'m Mention> {
    let text = doc.text;
    let mentions = sentence.mentions;
    let mut list = state_list(doc, mentions, cue_span.end, 5);
    // "A remains a member alongside B and C": the states after the
    // cue join those before it.
    let joined = ["alongside ", "along with ", "together with "]
        .iter()
        .any(|l| {
            text[cue_span.end..sentence.span.end]
                .trim_start()
                .starts_with(l)
        });
    if (list.is_empty() || joined) && !cue_text.contains("partners") {
        if let Some(mut before_list) = list_before_cue(doc, mentions, cue_span) {
            before_list.append(&mut list);
            list = before_list;
        }
    }
    // "partners in the bloc, only Belarus": the state after "only"/"except".
    if list.is_empty() {
        let after = &text[cue_span.end..sentence.span.end];
        for marker in [" only ", "except ", "exception of "] {
            if let Some(pos) = after.find(marker) {
                if pos < 40 {
                    list = state_list(doc, mentions, cue_span.end + pos + marker.len(), 0);
                    break;
                }
            }
        }
    }
    list
}

/// "A, B and C are members": a list right before the cue, joined to it by
/// a copula, a possessive or an apposition.
fn list_before_cue<'m>(
    doc: &Doc<'_>,
    mentions: &'m [Mention],
    cue_span: Span,
) -> Option<Vec<&'m Mention>> {
    let text = doc.text;
    let is_alliance = |m: &Mention| doc.class(m) == EntityClass::Alliance;
    // An alliance named as the noun's modifier ("are CSTO members",
    // "became NATO's 32nd member") is no item of the list.
    let before: Vec<&Mention> = mentions
        .iter()
        .filter(|m| m.span.end <= cue_span.start && !is_alliance(m))
        .collect();
    let last = before.last()?;
    let gap = &text[last.span.end..cue_span.start];
    let gap_span = Span::new(last.span.end, cue_span.start);
    // "smaller NATO states": the alliance may open the cue itself.
    let alliance_in_gap = mentions
        .iter()
        .any(|m| is_alliance(m) && (gap_span.contains(m.span) || m.span.start == cue_span.start));
    let joined_to_cue = if alliance_in_gap {
        doc.is_state_actor(last)
            && only_member_links(doc, gap_span)
            && !super::coordination::denies_membership(doc.phrases(), gap)
    } else {
        joined_before_cue(doc, last, cue_span)
    };
    if !joined_to_cue {
        return None;
    }
    let start = before
        .iter()
        .rposition(|m| !doc.is_state_actor(m))
        .map_or(0, |p| p + 1);
    let run: Vec<&Mention> = before[start..].to_vec();
    let first = run
        .iter()
        .position(|m| m.span.start >= last.span.start.saturating_sub(200))
        .unwrap_or(0);
    let mut before_list = state_list(doc, mentions, run[first].span.start, 0);
    before_list.retain(|m| m.span.end <= cue_span.start);
    // The list must run up to the state joined to the cue: "BRUSSELS,
    // Belgium - … Washington's NATO allies" lists no Belgium.
    before_list
        .last()
        .is_some_and(|m| m.span == last.span)
        .then_some(before_list)
}

/// Whether the words of `gap`, between a state and a membership noun with
/// an alliance named between them, only link the two: "are CSTO",
/// ", both NATO", " became NATO’s 32nd", " and other CSTO" (words of
/// `lex:copulaLink`, `lex:appositionWord` and `lex:memberLinkWord`, numbers,
/// and the alliance with its possessive).
fn only_member_links(doc: &Doc<'_>, gap: Span) -> bool {
    let plain = without_alliances(doc, gap);
    let words = super::coordination::words(&plain);
    let phrases = doc.phrases();
    words.len() <= 6
        && !plain.contains(['.', ';', '(', ')'])
        && words.iter().all(|w| {
            matches!(w.as_str(), "’s" | "'s")
                || w.chars().any(|c| c.is_ascii_digit())
                || ["copulaLink", "appositionWord", "memberLinkWord"]
                    .iter()
                    .any(|list| phrases.contains(list, w))
        })
}

/// Whether the state `last` is joined to the membership noun at
/// `cue_span` with no alliance named between: a copula, a possessive, an
/// apposition, a founding membership or an accession.
fn joined_before_cue(doc: &Doc<'_>, last: &Mention, cue_span: Span) -> bool {
    let text = doc.text;
    let gap = &text[last.span.end..cue_span.start];
    let gap_l = gap.to_lowercase();
    doc.is_state_actor(last)
        && (gap_l.contains(" are ")
            || gap_l.contains(" is ")
            || gap_l.contains(" remains ")
            || gap_l.contains(" remained ")
            || gap_l.contains(" stays ")
            || gap_l.contains("’s ")
            || gap_l.contains("'s ")
            || gap_l.trim() == "’s"
            || gap_l.trim() == "'s"
            // An apposition: "Kyrgyzstan and Tajikistan, both
            // members of …", "Armenia, a founding member".
            // "Denmark was one of the founding members": a founding
            // membership stays, whatever the tense.
            || ((gap_l.contains(" was ") || gap_l.contains(" were "))
                && super::coordination::has_phrase(
                    doc.phrases(),
                    "foundingWord",
                    &text[last.span.end..cue_span.end],
                ))
            || gap_l.contains(" became ")
            || gap_l.contains(" becomes ")
            || gap_l.contains(" has been ")
            || gap_l.contains(" have been ")
            || is_member_apposition(doc, Span::new(last.span.end, cue_span.start)))
        && gap.split_whitespace().count() <= 5
        && !super::coordination::denies_membership(doc.phrases(), gap)
}

/// Partners: "the Kremlin’s five partners in the bloc" / "with the
/// exception of Belarus, not a single CSTO member".
fn partners(
    doc: &Doc<'_>,
    sentence: &AllianceSentence<'_>,
    article: &mut ArticleMembership,
    out: &mut Vec<Claim>,
) {
    let text = doc.text;
    for m in sentence.mentions.iter().filter(|m| doc.is_state_actor(m)) {
        let after = &text[m.span.end..sentence.span.end];
        let possessive_partners = (after.starts_with("’s ") || after.starts_with("'s "))
            && doc
                .cues()
                .member
                .find(super::prefix(after, 40))
                .is_some_and(|c| {
                    c.as_str().to_lowercase().contains("partners")
                        || c.as_str().to_lowercase().starts_with("fellow")
                });
        let exception = {
            // Only the few words before the mention matter.
            let start = super::ceil_boundary(
                text,
                m.span.start.saturating_sub(24).max(sentence.span.start),
            );
            let before = &text[start..m.span.start].to_lowercase();
            (before.ends_with("exception of ")
                || before.ends_with("except ")
                || before.ends_with("excluding "))
                && doc.cues().member.is_match(after)
        };
        if possessive_partners || exception {
            out.push(
                doc.claim(
                    Relation::MemberOf,
                    m.entity,
                    Object::Entity(sentence.alliance),
                )
                .at(sentence.idx, m.span)
                .rule("membership.partners", 0.7),
            );
            article.current_members.push(m.entity);
        }
    }
}

/// Treaty signatories: kept for the end, once current members are known.
fn treaty_signatories(
    doc: &Doc<'_>,
    sentence: &AllianceSentence<'_>,
    treaty: &Mention,
    article: &mut ArticleMembership,
) {
    let (body, mentions) = (sentence.body, sentence.mentions);
    let signing =
        super::find_iter_if(sentence.has_state_actor, &doc.cues().treaty_signed, body).next();
    let Some(cue) = signing else {
        return;
    };
    let cue_span = sentence.cue_span(&cue);
    let past = !body.contains(" will ") && !body.contains(" would ");
    if !past {
        return;
    }
    let signers: Vec<&Mention> = if cue.as_str().starts_with("includ") {
        state_list(doc, mentions, cue_span.end, 1)
    } else {
        mentions
            .iter()
            .rev()
            .find(|m| m.span.end <= cue_span.start && doc.is_state_actor(m))
            .into_iter()
            .collect()
    };
    for m in signers {
        let mut claim = doc
            .claim(
                Relation::FormerMemberOf,
                m.entity,
                Object::Entity(treaty.entity),
            )
            .at(sentence.idx, m.span.cover(cue_span))
            .rule("membership.treaty_signatory_not_member", 0.6);
        claim.date = None;
        article.treaty_candidates.push(claim);
    }
}

/// "it also signed the Collective Security Treaty": "it" is the last state
/// named; kept for the end as a treaty signatory.
fn it_signed(
    doc: &Doc<'_>,
    sentence: &AllianceSentence<'_>,
    treaty: &Mention,
    article: &mut ArticleMembership,
) {
    let body = sentence.body;
    let Some(pos) = body
        .find("it also signed")
        .or_else(|| body.find("it signed"))
    else {
        return;
    };
    let abs = sentence.span.start + pos;
    if let Some(m) = doc
        .mentions
        .iter()
        .rev()
        .find(|m| m.span.end <= abs && doc.is_state_actor(m))
    {
        article.treaty_candidates.push(
            doc.claim(
                Relation::FormerMemberOf,
                m.entity,
                Object::Entity(treaty.entity),
            )
            .at(
                sentence.idx,
                Span::new(abs, abs + "it also signed".len().min(body.len() - pos)),
            )
            .rule("membership.treaty_signatory_not_member", 0.55),
        );
    }
}

/// The end-of-article reconciliation of the claims `out` found with what
/// the article said over all its sentences.
fn reconcile(mut out: Vec<Claim>, article: ArticleMembership) -> Vec<Claim> {
    // A state the article calls a current member was no former signatory.
    for claim in article.treaty_candidates {
        if !article.current_members.contains(&claim.subject) {
            out.push(claim);
        }
    }
    // A state that left is no current member in the same sentence.
    let former: Vec<(usize, EntityRef)> = out
        .iter()
        .filter(|c| c.relation == Relation::FormerMemberOf)
        .map(|c| (c.sentence, c.subject))
        .collect();
    out.retain(|c| c.relation != Relation::MemberOf || !former.contains(&(c.sentence, c.subject)));
    // One claim per state, alliance and sentence, however many rules found
    // it: the first, with the first date any of them gives (one rule finds
    // the list, another the accession's year).
    let mut seen: Vec<(usize, Relation, EntityRef, Object)> = Vec::new();
    let mut kept: Vec<Claim> = Vec::new();
    for claim in out {
        let key = (
            claim.sentence,
            claim.relation,
            claim.subject,
            claim.object.clone(),
        );
        match seen.iter().position(|k| *k == key) {
            Some(at) => {
                kept[at].date = kept[at].date.or(claim.date);
            }
            None => {
                seen.push(key);
                kept.push(claim);
            }
        }
    }
    kept
}

/// The date of an accession that a membership cue states: "A became the
/// 29th member of X in 2017" (the first date of the clause after the cue,
/// when "became", "becomes" or "become" stands just before it), "A, a member
/// of X since 1952" (a date right after "since" in that clause). A
/// membership stated without either ("A is a member") has no date: it says
/// nothing about when A joined.
fn accession_date(doc: &Doc<'_>, idx: usize, cue: Span) -> Option<PartialDate> {
    let text = doc.text;
    let sentence = doc.sentences[idx].span;
    let before_start = super::ceil_boundary(text, cue.start.saturating_sub(32).max(sentence.start));
    let before = text[before_start..cue.start].to_lowercase();
    let became = before
        .split_whitespace()
        .any(|w| matches!(w, "became" | "becomes" | "become"));
    if became && !doc.is_hypothetical(idx, cue.start) {
        return clause_dates(doc, idx, cue).next();
    }
    doc.dates[idx]
        .iter()
        .filter(|d| d.span.start >= cue.end && d.span.end <= clause_end(doc, idx, cue))
        .find(|d| {
            text[cue.end..d.span.start]
                .to_lowercase()
                .trim_end()
                .ends_with(" since")
        })
        .map(|d| d.date)
}

/// Where the clause after a cue ends: at the next comma, semicolon, dash,
/// parenthesis or coordinating "and", "but", "while", else with the sentence.
fn clause_end(doc: &Doc<'_>, idx: usize, cue: Span) -> usize {
    let after = &doc.text[cue.end..doc.sentences[idx].span.end];
    cue.end
        + [",", ";", " — ", " – ", "(", " and ", " but ", " while "]
            .iter()
            .filter_map(|stop| after.find(stop))
            .min()
            .unwrap_or(after.len())
}

/// The dates of the clause after a cue, in text order.
fn clause_dates<'d>(
    doc: &'d Doc<'_>,
    idx: usize,
    cue: Span,
) -> impl Iterator<Item = PartialDate> + 'd {
    let end = clause_end(doc, idx, cue);
    doc.dates[idx]
        .iter()
        .filter(move |d| d.span.start >= cue.end && d.span.end <= end)
        .map(|d| d.date)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The (state, relation) pairs extracted from `text`.
    fn members(text: &str) -> Vec<(String, Relation)> {
        let gazetteer = crate::mention::gazetteer::tests::small();
        let doc = Doc::new(text, &gazetteer, None);
        extract(&doc)
            .into_iter()
            .map(|c| (doc.entities.get(c.subject).id.clone(), c.relation))
            .collect()
    }

    /// The member-of claims of `text`: state and date.
    fn dated_members(text: &str) -> Vec<(String, Option<String>)> {
        let gazetteer = crate::mention::gazetteer::tests::small();
        let doc = Doc::new(text, &gazetteer, None);
        extract(&doc)
            .into_iter()
            .filter(|c| c.relation == Relation::MemberOf)
            .map(|c| {
                let state = doc.entities.get(c.subject).id.clone();
                (state, c.date.map(|d| d.to_string()))
            })
            .collect()
    }

    /// The states `text` makes members of an alliance, with the alliance,
    /// read with the project's gazetteer and phrasing.
    fn members_of(text: &str) -> Vec<(String, String)> {
        crate::extract::tests::pairs_in(text, Relation::MemberOf)
    }

    #[test]
    fn a_linker_after_the_member_noun_opens_its_list() {
        let pairs = |list: &[&str], alliance: &str| -> Vec<(String, String)> {
            list.iter()
                .map(|s| (s.to_string(), alliance.to_string()))
                .collect()
        };
        assert_eq!(
            members_of(
                "The CSTO met in May. Other CSTO members, consisting of Belarus, \
                 Armenia and Tajikistan, sent envoys."
            ),
            pairs(&["Belarus", "Armenia", "Tajikistan"], "CSTO")
        );
        assert_eq!(
            members_of(
                "NATO met in May. Talks opened among all 9 allies -- Norway, Italy and Spain."
            ),
            pairs(&["Norway", "Italy", "Spain"], "NATO")
        );
        assert_eq!(
            members_of("NATO met in May. Envoys of NATO allies Norway and Italy spoke first."),
            pairs(&["Norway", "Italy"], "NATO")
        );
        // Allies of a state are not members of the alliance in focus.
        assert!(
            members_of("NATO met in May. Spain and its allies sent ships to Malta.").is_empty()
        );
    }

    #[test]
    fn an_alliance_named_before_the_member_noun_keeps_the_list() {
        let states = |text: &str| -> Vec<String> {
            members_of(text)
                .into_iter()
                .map(|(state, _)| state)
                .collect()
        };
        assert_eq!(
            states("Norway, Italy and Spain are NATO members."),
            ["Norway", "Italy", "Spain"]
        );
        assert_eq!(
            states("Spain became NATO's 16th member in 1982."),
            ["Spain"]
        );
        assert_eq!(
            states("The drills drew troops from Belarus, Armenia and other CSTO member states."),
            ["Belarus", "Armenia"]
        );
        assert_eq!(
            states("Norway, Italy and smaller NATO states objected."),
            ["Norway", "Italy"]
        );
        assert_eq!(states("Armenia is one of six CSTO members."), ["Armenia"]);
        assert_eq!(
            states("Leaders of CSTO countries Belarus and Tajikistan met in Dushanbe."),
            ["Belarus", "Tajikistan"]
        );
        assert_eq!(
            states("The CSTO met. Leaders of the member countries (Belarus and Armenia) spoke."),
            ["Belarus", "Armenia"]
        );
        assert_eq!(
            states("Armenia, which has been a member of the CSTO since 1992, complained."),
            ["Armenia"]
        );
        // Other words between state and noun: no membership.
        assert!(states("Spain is angry with the NATO members.").is_empty());
    }

    #[test]
    fn a_list_before_the_member_noun_runs_up_to_the_state_joined_to_it() {
        // The possessor is Georgia, not the state that backs it.
        assert!(
            members_of("The CSTO met. Belarus backed Georgia's membership of the CSTO.")
                .iter()
                .all(|(state, _)| state != "Belarus")
        );
        assert!(
            members_of("OSLO, Norway - In a show of support, Washington's NATO allies met.")
                .iter()
                .all(|(state, _)| state != "Norway")
        );
    }

    #[test]
    fn former_members_are_every_state_of_their_list() {
        let former = |text: &str| -> Vec<(Relation, String)> {
            crate::extract::tests::claims_in(text)
                .into_iter()
                .filter(|c| matches!(c.relation, Relation::MemberOf | Relation::FormerMemberOf))
                .map(|c| (c.relation, c.subject))
                .collect()
        };
        let all_former = |states: &[&str]| -> Vec<(Relation, String)> {
            states
                .iter()
                .map(|s| (Relation::FormerMemberOf, s.to_string()))
                .collect()
        };
        assert_eq!(
            former("The CSTO met. Former members Georgia and Moldova stayed away."),
            all_former(&["Georgia", "Moldova"])
        );
        assert_eq!(
            former("The CSTO's former members include Georgia and Moldova."),
            all_former(&["Georgia", "Moldova"])
        );
        assert_eq!(
            former("The CSTO met. Georgia and Moldova are former members."),
            all_former(&["Georgia", "Moldova"])
        );
        assert_eq!(
            former("The CSTO met. Moldova, a former member, stayed away."),
            all_former(&["Moldova"])
        );
        // A suspended participation is no leaving (CONVENTIONS: still a member).
        assert!(former("The CSTO met. Moldova suspended its participation in 2012.").is_empty());
    }

    #[test]
    fn a_suspended_membership_of_a_named_state_is_a_former_one() {
        let claims = crate::extract::tests::claims_in(
            "CSTO leaders decided to suspend Georgia's membership in December 2012.",
        );
        let got: Vec<(Relation, String)> = claims
            .into_iter()
            .filter(|c| matches!(c.relation, Relation::MemberOf | Relation::FormerMemberOf))
            .map(|c| (c.relation, c.subject))
            .collect();
        assert_eq!(got, [(Relation::FormerMemberOf, "Georgia".to_string())]);
    }

    #[test]
    fn a_founding_membership_in_the_past_tense_is_a_membership() {
        assert_eq!(
            members_of("Norway was one of the founding members of NATO in 1949."),
            [("Norway".to_string(), "NATO".to_string())]
        );
        // Without a founding word the past tense is no current membership.
        assert!(members_of("Georgia was a member of the CSTO for a while.").is_empty());
    }

    #[test]
    fn an_accession_stated_with_the_membership_dates_it() {
        let dated = |state: &str, date: &str| vec![(state.to_string(), Some(date.to_string()))];
        assert_eq!(
            dated_members("Armenia became the fourth member of the CSTO in 2006, diplomats said."),
            dated("Armenia", "2006")
        );
        assert_eq!(
            dated_members("Armenia, a member of the CSTO since 1994, stayed away."),
            dated("Armenia", "1994")
        );
        // Without an accession the date of the clause is no joining date.
        assert_eq!(
            dated_members("Armenia is a member of the CSTO, which met in 2010."),
            [("Armenia".to_string(), None)]
        );
        assert_eq!(
            dated_members("Armenia is a member of the CSTO in 2024."),
            [("Armenia".to_string(), None)]
        );
    }

    #[test]
    fn leaving_takes_the_year_after_its_cue() {
        let gazetteer = crate::mention::gazetteer::tests::small();
        let text = "The CSTO met. Armenia, a member since 2005, quit the bloc in 2019.";
        let doc = Doc::new(text, &gazetteer, None);
        let left: Vec<(Relation, Option<String>)> = extract(&doc)
            .into_iter()
            .map(|c| (c.relation, c.date.map(|d| d.to_string())))
            .collect();
        assert_eq!(left, [(Relation::FormerMemberOf, Some("2019".to_string()))]);
    }

    #[test]
    fn states_before_a_membership_apposition_are_members() {
        let got = members("Kyrgyzstan and Armenia, both members of the CSTO, clashed.");
        assert_eq!(
            got,
            [
                ("Kyrgyzstan".to_string(), Relation::MemberOf),
                ("Armenia".to_string(), Relation::MemberOf)
            ]
        );
        let got = members("Armenia, a founding member of the CSTO, stayed away.");
        assert_eq!(got, [("Armenia".to_string(), Relation::MemberOf)]);
        let got = members("Armenia thus remains a formal member of the CSTO.");
        assert_eq!(got, [("Armenia".to_string(), Relation::MemberOf)]);
        let got = members("In the CSTO, Armenia remains a member alongside Russia and Kyrgyzstan.");
        let states: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(states, ["Armenia", "Russia", "Kyrgyzstan"]);
        // Not an apposition: a state that merely precedes the word.
        assert!(members("Armenia, where members of the CSTO met, stayed away.").is_empty());
        // Leaving wins: "a former member".
        assert!(
            !members("Georgia, a former member of the CSTO, stayed away.")
                .iter()
                .any(|(_, r)| *r == Relation::MemberOf)
        );
    }

    #[test]
    fn leaving_before_the_alliance_was_an_organisation_is_leaving_its_treaty() {
        let left = |text: &str| -> Vec<(String, String)> {
            crate::extract::tests::claims_in(text)
                .into_iter()
                .filter(|c| c.relation == Relation::FormerMemberOf)
                .map(|c| (c.subject, c.object))
                .collect()
        };
        assert_eq!(
            left("The CSTO is a bloc. Georgia quit the organisation in 1999."),
            [(
                "Georgia".to_string(),
                "Collective Security Treaty".to_string()
            )]
        );
        assert_eq!(
            left("The CSTO is a bloc. Uzbekistan quit the organisation in 2012."),
            [("Uzbekistan".to_string(), "CSTO".to_string())]
        );
        // The treaty named before makes its alliance the one in focus; a
        // state after a preposition is no second subject.
        assert_eq!(
            left(
                "Georgia was a founding member of the Collective Security Treaty in 1992. \
                 But in 1999, to keep away from Moscow, Georgia quit the organization."
            ),
            [(
                "Georgia".to_string(),
                "Collective Security Treaty".to_string()
            )]
        );
        // The year from the sentence before.
        assert_eq!(
            left("The CSTO is a bloc. In 1999 the treaty came up for renewal. Georgia soon left the organisation."),
            [("Georgia".to_string(), "Collective Security Treaty".to_string())]
        );
    }

    #[test]
    fn withdrawing_from_membership_is_leaving() {
        let got = crate::extract::tests::claims_in(
            "The CSTO is a bloc. Azerbaijan withdrew from membership in 1999.",
        );
        let left: Vec<(&str, &str)> = got
            .iter()
            .filter(|c| c.relation == Relation::FormerMemberOf)
            .map(|c| (c.subject.as_str(), c.object.as_str()))
            .collect();
        assert_eq!(left, [("Azerbaijan", "Collective Security Treaty")]);
    }
}
