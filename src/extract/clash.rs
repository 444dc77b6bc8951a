//! Armed clashes between states, with dates and casualties.
//!
//! A clash trigger ("clashes", "fighting", "war", "invasion", "border
//! conflict", "attacks on"…) plus its two sides, found by the first rule that
//! applies: "between X and Y"; a compound "X-Y border"; "X’s war on Y",
//! "invasion of Y by X", "the X army launched an offensive against Y",
//! "invaded the territory of Y"; a leader's possessive for the state they
//! serve ("Putin’s war on Y"); two lists joined by "respectively"; "clashes
//! along its border with Y" (the state that opens the sentence); "its
//! conflict with Y" (the state named last before "its"); "Y, where X has
//! invaded"; exactly two states acting in the sentence (names, capitals, or
//! demonyms of troops and territory); or, for "the two countries" or a
//! death toll with no state named, the pair of the last clash within three
//! sentences. The death toll
//! ("at least 99 people dead", "killed more than 200 soldiers") is the value.

use crate::claim::{Claim, Object, Relation, Value};
use crate::mention::{EntityClass, EntityRef, Mention, MentionKind};
use crate::span::Span;

use super::{Cue, Doc};

/// True for a mention that can be a side of a clash.
fn is_side(doc: &Doc<'_>, m: &Mention) -> bool {
    if doc.is_state_actor(m) {
        return true;
    }
    if m.kind == MentionKind::Demonym && doc.class(m) == EntityClass::State && !m.modifier {
        let next: String = doc.text[m.span.end..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphabetic() || *c == '-')
            .collect();
        let next = next.split('-').next().unwrap_or("");
        if next == "and" || next == "or" {
            // "Kyrgyz and Tajik forces": the noun after the second demonym.
            let rest = doc.text[m.span.end..].trim_start();
            let noun = rest.split_whitespace().nth(2).unwrap_or("");
            let noun: String = noun.chars().take_while(|c| c.is_alphabetic()).collect();
            return doc.phrases().contains_as_written("militaryNoun", &noun)
                || doc.phrases().contains_as_written("sideGroupNoun", &noun);
        }
        // Lower case: "the Kyrgyz president", not the title "Kyrgyz President X".
        return doc.phrases().contains_as_written("militaryNoun", next)
            || doc.phrases().contains_as_written("sideGroupNoun", next);
    }
    false
}

/// Extracts clashes.
pub fn extract(doc: &Doc<'_>) -> Vec<Claim> {
    let mut out: Vec<Claim> = Vec::new();
    let text = doc.text;
    let mut last_pair: Option<(usize, EntityRef, EntityRef)> = None;
    for (idx, sentence) in doc.sentences.iter().enumerate() {
        let body = sentence.span.slice(text);
        let mentions = doc.mentions_in(idx);
        let sides: Vec<&Mention> = mentions.iter().filter(|m| is_side(doc, m)).collect();
        let mut pairs_here: Vec<(EntityRef, EntityRef)> = Vec::new();
        // Every rule of `sides_of` needs two sides or a recent pair: without
        // them, skip the trigger search (for speed; the claims are the same).
        let recent_pair = last_pair.is_some_and(|(i, _, _)| idx - i <= 3);
        // A person may stand for the state they serve ("Putin's war").
        let persons = mentions
            .iter()
            .filter(|m| doc.class(m) == EntityClass::Person)
            .count();
        if (sides.len() + persons < 2 && !recent_pair) || !doc.may_match(idx, Cue::Clash) {
            continue;
        }
        for cue in doc.cues().clash.find_iter(body) {
            let cue_span = Span::new(
                sentence.span.start + cue.start(),
                sentence.span.start + cue.end(),
            );
            let clause_start = body[..cue.start()]
                .rfind([';', '—'])
                .map_or(0, |p| super::ceil_boundary(body, p + 1));
            if doc
                .cues()
                .hypothetical
                .is_match(&body[clause_start..cue.start()])
            {
                continue;
            }
            let cue_lower = cue.as_str().to_lowercase();
            if doc.phrases().contains("warNoun", &cue_lower) {
                let next: String = body[cue.end()..]
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_alphabetic())
                    .collect();
                if doc.phrases().contains("nonClashObject", &next) {
                    continue;
                }
            }
            if starts_with_phrase(doc, "ceasefireWord", &cue_lower) {
                // a ceasefire names the sides of a war too, but is not a clash claim
                continue;
            }
            let pairs = sides_of(
                doc,
                body,
                sentence.span,
                cue_span,
                &sides,
                &last_pair
                    .filter(|(i, _, _)| idx - i <= 3)
                    .map(|(_, a, b)| (a, b)),
            );
            for (a, b, rule, confidence) in pairs {
                if a == b || pairs_here.contains(&(a, b)) {
                    continue;
                }
                pairs_here.push((a, b));
                let (subject, object) = ordered(doc, a, b);
                let mut claim = doc
                    .claim(Relation::ClashedWith, subject, Object::Entity(object))
                    .at(idx, cue_span)
                    .rule(rule, confidence);
                claim.date = doc.date_near(idx, cue_span.start);
                claim.value = deaths(doc, body).or_else(|| toll_next(doc, idx, subject, object));
                out.push(claim);
                last_pair = Some((idx, subject, object));
            }
        }
    }
    out
}

/// The death toll that the next sentence of the paragraph gives for the
/// clash of `a` and `b` ("Troops clashed on 14 September. The Kyrgyz side
/// said more than 60 people had been killed."): only if it names no clash
/// of its own and no state but these two.
fn toll_next(doc: &Doc<'_>, idx: usize, a: EntityRef, b: EntityRef) -> Option<Value> {
    let next = doc.sentences.get(idx + 1)?;
    if next.paragraph != doc.sentences[idx].paragraph {
        return None;
    }
    let body = next.span.slice(doc.text);
    let other_state = doc
        .mentions_in(idx + 1)
        .iter()
        .any(|m| is_side(doc, m) && m.entity != a && m.entity != b);
    if other_state || doc.cues().clash.is_match(body) {
        return None;
    }
    deaths(doc, body)
}

/// Alphabetical by label, as the gold schema records clashes.
fn ordered(doc: &Doc<'_>, a: EntityRef, b: EntityRef) -> (EntityRef, EntityRef) {
    if doc.entities.get(a).label <= doc.entities.get(b).label {
        (a, b)
    } else {
        (b, a)
    }
}

fn deaths(doc: &Doc<'_>, body: &str) -> Option<Value> {
    // "killed more than 200 soldiers" first: "September 28 killed" is a date.
    if let Some(k) = doc.cues().killed.captures(body).and_then(|c| c.name("k")) {
        if let Some(count) = super::parse_count(k.as_str()).filter(|n| *n > 0) {
            return Some(Value::Count(count));
        }
    }
    for caps in doc.cues().deaths.captures_iter(body) {
        let Some(n) = caps.name("n").or_else(|| caps.name("k")) else {
            continue;
        };
        let Some(count) = super::parse_count(n.as_str()).filter(|n| *n > 0) else {
            continue;
        };
        let whole = caps.get(0).map_or("", |m| m.as_str()).to_lowercase();
        let has_noun = doc
            .phrases()
            .get("deathTollNoun")
            .iter()
            .any(|w| whole.contains(w.as_str()));
        // "N killed" with no noun is too often a date ("September 28 killed");
        // "killed N …" and "N people were killed" are death tolls.
        if caps.name("n").is_some() && !has_noun {
            continue;
        }
        return Some(Value::Count(count));
    }
    None
}

/// Whether `word` (lower case) starts with a phrase of `list`.
fn starts_with_phrase(doc: &Doc<'_>, list: &str, word: &str) -> bool {
    doc.phrases()
        .get(list)
        .iter()
        .any(|start| word.starts_with(start.as_str()))
}

type Pair = (EntityRef, EntityRef, &'static str, f32);

fn sides_of(
    doc: &Doc<'_>,
    body: &str,
    sentence: Span,
    cue: Span,
    sides: &[&Mention],
    context: &Option<(EntityRef, EntityRef)>,
) -> Vec<Pair> {
    let site = ClashSite::new(doc, body, sentence, cue, sides, context);
    site.between()
        .or_else(|| site.hyphen_compound())
        .or_else(|| site.possessive_war_on())
        .or_else(|| site.leader_war_on())
        .or_else(|| site.respectively())
        .or_else(|| site.own_border_with())
        .or_else(|| site.its_clash_with())
        .or_else(|| site.where_attacked())
        .or_else(|| site.two_states_in_sentence())
        .or_else(|| site.with_y_context())
        .or_else(|| site.context_pair())
        .unwrap_or_default()
}

/// A clash trigger in its sentence: what the rules of `sides_of` read.
struct ClashSite<'a> {
    doc: &'a Doc<'a>,
    text: &'a str,
    body: &'a str,
    sentence: Span,
    cue: Span,
    sides: &'a [&'a Mention],
    context: &'a Option<(EntityRef, EntityRef)>,
    /// The sides that end before the trigger, in text order.
    before: Vec<&'a &'a Mention>,
    /// The sides that start after the trigger, in text order.
    after: Vec<&'a &'a Mention>,
    /// The entities of the sides, each once, in text order.
    distinct: Vec<EntityRef>,
}

impl<'a> ClashSite<'a> {
    fn new(
        doc: &'a Doc<'a>,
        body: &'a str,
        sentence: Span,
        cue: Span,
        sides: &'a [&'a Mention],
        context: &'a Option<(EntityRef, EntityRef)>,
    ) -> Self {
        let before: Vec<&&Mention> = sides.iter().filter(|m| m.span.end <= cue.start).collect();
        let after: Vec<&&Mention> = sides.iter().filter(|m| m.span.start >= cue.end).collect();
        let mut distinct: Vec<EntityRef> = Vec::new();
        for m in sides {
            if !distinct.contains(&m.entity) {
                distinct.push(m.entity);
            }
        }
        ClashSite {
            doc,
            text: doc.text,
            body,
            sentence,
            cue,
            sides,
            context,
            before,
            after,
            distinct,
        }
    }

    /// "between X and Y" within a few words after the trigger.
    fn between(&self) -> Option<Vec<Pair>> {
        let (text, cue, sides) = (self.text, self.cue, self.sides);
        let after_cue = &text[cue.end..self.sentence.end];
        let pos = after_cue.find("between ")?;
        if after_cue[..pos].split_whitespace().count() > 6 {
            return None;
        }
        let from = cue.end + pos + "between ".len();
        let list: Vec<&&Mention> = sides
            .iter()
            .filter(|m| m.span.start >= from && m.span.start < from + 80)
            .take(2)
            .collect();
        if list.len() == 2
            && text[list[0].span.end..list[1].span.start]
                .trim()
                .trim_start_matches(',')
                .trim()
                == "and"
        {
            return Some(vec![(
                list[0].entity,
                list[1].entity,
                "clash.between_x_and_y",
                0.9,
            )]);
        }
        let rest = &text[from..self.sentence.end];
        if rest.starts_with("the two") {
            if let Some((a, b)) = self.context {
                return Some(vec![(*a, *b, "clash.the_two_countries", 0.7)]);
            }
        }
        None
    }

    /// "the Armenia-Azerbaijan border": two states joined by a hyphen.
    fn hyphen_compound(&self) -> Option<Vec<Pair>> {
        for pair in self.sides.windows(2) {
            let gap = &self.text[pair[0].span.end..pair[1].span.start];
            if (gap == "-" || gap == "–") && near(pair[0].span, self.cue, 60) {
                return Some(vec![(
                    pair[0].entity,
                    pair[1].entity,
                    "clash.hyphen_compound",
                    0.85,
                )]);
            }
        }
        None
    }

    /// "X’s war on Y", "X’s invasion of Y", "X attacks on Y".
    fn possessive_war_on(&self) -> Option<Vec<Pair>> {
        let (text, cue) = (self.text, self.cue);
        let (agent, target) = (self.before.last()?, self.after.first()?);
        let gap_before = &text[agent.span.end..cue.start];
        let words_before = gap_before.split_whitespace().count();
        // "X fought a five-day war with Y": a verb of war between them.
        let war_verb = gap_before
            .split_whitespace()
            .next()
            .is_some_and(|w| self.doc.phrases().contains("warVerb", w));
        let possessive = gap_before.starts_with("’s")
            || gap_before.starts_with("'s")
            || agent.kind == MentionKind::Demonym
            || gap_before.trim().is_empty()
            || war_verb;
        // "the Serbian military launched a major aggression against Y": a
        // verb of launching lets a few more words stand before the trigger.
        let launched =
            super::coordination::has_phrase(self.doc.phrases(), "launchVerb", gap_before);
        let max_words_before = if launched { 6 } else { 3 };
        if possessive
            && words_before <= max_words_before
            && self.reaches_target(target, launched)
            && !gap_before.contains(',')
        {
            return Some(vec![(
                agent.entity,
                target.entity,
                "clash.possessive_war_on",
                0.85,
            )]);
        }
        None
    }

    /// Whether the trigger reaches `target`: "war on Y", "attacked positions
    /// inside Y", "invaded Y" (at most three words, the last a preposition,
    /// or a transitive verb's object); after a verb of launching or a
    /// land noun ("invaded the sovereign territory of Y"), a few more.
    fn reaches_target(&self, target: &Mention, launched: bool) -> bool {
        let (text, cue) = (self.text, self.cue);
        let gap_after = &text[cue.end..target.span.start];
        let gap_words: Vec<&str> = gap_after.split_whitespace().collect();
        let cue_words = cue.slice(text).split_whitespace().collect::<Vec<_>>();
        let transitive = self
            .doc
            .phrases()
            .contains("attackVerb", &cue_words.join(" "));
        let land = super::coordination::has_phrase(self.doc.phrases(), "landNoun", gap_after);
        let max_words_after = if land && transitive { 5 } else { 3 };
        (gap_words.is_empty() && transitive)
            || (gap_words.len() <= max_words_after
                && gap_words.last().is_some_and(|w| {
                    self.doc
                        .phrases()
                        .contains_as_written("clashTargetPreposition", w)
                })
                && (gap_words.len() == 1 || transitive || launched))
                && !gap_after.contains([',', ';'])
    }

    /// "Putin’s war on Ukraine", "the president’s decision to invade Y": a
    /// person's possessive before the trigger stands for the state the
    /// gazetteer says the person serves.
    fn leader_war_on(&self) -> Option<Vec<Pair>> {
        let (text, cue) = (self.text, self.cue);
        let target = self.after.first()?;
        let leader = self.doc.mentions.iter().rev().find(|m| {
            m.span.end <= cue.start
                && m.span.start >= self.sentence.start
                && self.doc.class(m) == EntityClass::Person
        })?;
        if self
            .before
            .last()
            .is_some_and(|side| side.span.start > leader.span.end)
        {
            return None;
        }
        let gap_before = &text[leader.span.end..cue.start];
        let possessive = gap_before.starts_with("’s") || gap_before.starts_with("'s");
        if !possessive || gap_before.split_whitespace().count() > 3 || gap_before.contains(',') {
            return None;
        }
        let id = self
            .doc
            .entities
            .get(leader.entity)
            .nationality
            .as_deref()?;
        let state = EntityRef(self.doc.entities.gazetteer.find_id(id)?);
        (state != target.entity && self.reaches_target(target, false))
            .then(|| vec![(state, target.entity, "clash.leader_war_on", 0.75)])
    }

    /// "A appealed for help during clashes along its border with B": the
    /// possessive's owner is the state that opens the sentence.
    fn own_border_with(&self) -> Option<Vec<Pair>> {
        let (text, cue) = (self.text, self.cue);
        let target = self.after.first()?;
        let gap = text[cue.end..target.span.start].to_lowercase();
        let words: Vec<&str> = gap.split_whitespace().collect();
        let at = words.iter().position(|w| *w == "its" || *w == "their")?;
        let rest = &words[at + 1..];
        let shape = at <= 2
            && self
                .doc
                .phrases()
                .contains_as_written("clashTargetPreposition", words.first()?)
                | matches!(*words.first()?, "along" | "at" | "near")
            && matches!(rest, ["border", "with"] | [_, "border", "with"]);
        if !shape || gap.contains([',', ';']) {
            return None;
        }
        let owner = self.before.first()?;
        let opens = text[self.sentence.start..owner.span.start]
            .split_whitespace()
            .count()
            <= 2;
        (opens && owner.entity != target.entity)
            .then(|| vec![(owner.entity, target.entity, "clash.own_border_with", 0.7)])
    }

    /// "Georgia, amidst its conflict with Russia": the state that "its"
    /// refers to (the last one named before it) and the state after "with".
    fn its_clash_with(&self) -> Option<Vec<Pair>> {
        let (text, cue) = (self.text, self.cue);
        let before = text[self.sentence.start..cue.start].to_lowercase();
        let words: Vec<&str> = before.split_whitespace().collect();
        let possessive = matches!(
            words.as_slice(),
            [.., "its" | "their"] | [.., "its" | "their", _]
        );
        let target = self.after.first()?;
        let gap_after: Vec<&str> = text[cue.end..target.span.start]
            .split_whitespace()
            .collect();
        if !possessive || !matches!(gap_after.as_slice(), ["with"] | ["with", "the"]) {
            return None;
        }
        let its_at =
            self.sentence.start + before.rfind(" its ").or_else(|| before.rfind(" their "))?;
        let owner = self
            .before
            .iter()
            .rev()
            .find(|m| m.span.end <= its_at && m.entity != target.entity)?;
        Some(vec![(
            owner.entity,
            target.entity,
            "clash.its_clash_with",
            0.7,
        )])
    }

    /// "the crisis in Ukraine, where Russia has invaded": the state before
    /// "where" is the target of the attack its clause tells of.
    fn where_attacked(&self) -> Option<Vec<Pair>> {
        let (text, cue) = (self.text, self.cue);
        let attack = self
            .doc
            .phrases()
            .contains("attackVerb", &cue.slice(text).to_lowercase());
        let agent = self.before.last()?;
        let gap = &text[agent.span.end..cue.start];
        if !attack || gap.split_whitespace().count() > 2 || gap.contains(',') {
            return None;
        }
        let lead = text[self.sentence.start..agent.span.start].trim_end();
        let lead = lead.strip_suffix("where")?.trim_end().strip_suffix(',')?;
        let place = self
            .before
            .iter()
            .rev()
            .find(|m| m.span.end <= self.sentence.start + lead.len())?;
        let close = text[place.span.end..self.sentence.start + lead.len()]
            .trim()
            .is_empty();
        (close && place.entity != agent.entity)
            .then(|| vec![(agent.entity, place.entity, "clash.where_attacked", 0.7)])
    }

    /// Two lists joined by "respectively".
    fn respectively(&self) -> Option<Vec<Pair>> {
        let (before, after) = (&self.before, &self.after);
        if self.body.contains("respectively") && before.len() >= 2 && before.len() == after.len() {
            let mut out = Vec::new();
            let n = before.len();
            for i in 0..n {
                out.push((before[i].entity, after[i].entity, "clash.respectively", 0.7));
            }
            return Some(out);
        }
        None
    }

    /// Exactly two states act in the sentence, near a clash word (an
    /// invasion or aggression needs its agent and target spelled out above),
    /// or one of them attached to it by "with"/"against".
    fn two_states_in_sentence(&self) -> Option<Vec<Pair>> {
        let (text, cue, sides, distinct) = (self.text, self.cue, self.sides, &self.distinct);
        let cue_lower = cue.slice(text).to_lowercase();
        let directional = starts_with_phrase(self.doc, "directedClashWord", &cue_lower);
        if distinct.len() != 2 || directional {
            return None;
        }
        // The text between a mention and the trigger.
        let gap_to = |m: &Mention| {
            let (a, b) = if m.span.end <= cue.start {
                (m.span.end, cue.start)
            } else {
                (cue.end, m.span.start)
            };
            &text[a..b]
        };
        let attached = sides.iter().any(|m| {
            m.span.start >= cue.end && {
                let gap = text[cue.end..m.span.start].trim();
                self.doc
                    .phrases()
                    .get("clashSidePreposition")
                    .iter()
                    .any(|p| {
                        gap == p
                            || gap.starts_with(&format!("{p} "))
                                && gap.split_whitespace().count() <= 3
                    })
            }
        });
        // Each of the two named within twelve words of the trigger and in
        // its clause (a later "Kyrgyz soldiers trained in Tajikistan" does
        // not undo "Kyrgyz and Tajik forces fought"; "as in Kazakhstan, but
        // not when Moscow goes to war" is no war with Kazakhstan).
        let near = distinct.iter().all(|e| {
            sides.iter().any(|m| {
                let gap = gap_to(m);
                m.entity == *e
                    && gap.split_whitespace().count() <= 12
                    && !gap.contains([',', ';', ':', '—', '(', ')'])
            })
        });
        // "Belarus supports the war in Ukraine": a supporter is no side.
        let lower = self.body.to_lowercase();
        let supporting = self
            .doc
            .phrases()
            .get("sideSupportWord")
            .iter()
            .any(|w| lower.contains(w.as_str()));
        if (near || attached) && !supporting {
            return Some(vec![(
                distinct[0],
                distinct[1],
                "clash.two_states_in_sentence",
                0.65,
            )]);
        }
        None
    }

    /// "with Y" after the trigger and one state before it.
    fn with_y_context(&self) -> Option<Vec<Pair>> {
        if self.distinct.len() != 1 {
            return None;
        }
        let target = self.after.first()?;
        let words = self.text[self.cue.end..target.span.start]
            .split_whitespace()
            .collect::<Vec<_>>();
        if words.first() == Some(&"with") && words.len() <= 3 {
            if let Some((a, b)) = self.context {
                if *a == target.entity || *b == target.entity {
                    return Some(vec![(*a, *b, "clash.with_y_context", 0.6)]);
                }
            }
        }
        None
    }

    /// No state named, or one side of the last clash only ("cities in Armenia
    /// proper"): the pair of the last clash, for a death toll or "the two".
    fn context_pair(&self) -> Option<Vec<Pair>> {
        let (distinct, context) = (&self.distinct, self.context);
        let one_of_context = distinct.len() == 1
            && context.is_some_and(|(a, b)| distinct[0] == a || distinct[0] == b);
        if distinct.is_empty() || one_of_context {
            let lower = self.body.to_lowercase();
            if deaths(self.doc, self.body).is_some()
                || lower.contains("the two ")
                || lower.contains("both sides")
            {
                if let Some((a, b)) = context {
                    return Some(vec![(*a, *b, "clash.context_pair", 0.55)]);
                }
            }
        }
        None
    }
}

fn near(a: Span, b: Span, bytes: usize) -> bool {
    a.end + bytes >= b.start && b.end + bytes >= a.start
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (subject, object, deaths) of the clashes in `text`.
    fn clashes(text: &str) -> Vec<(String, String, Option<String>)> {
        let gazetteer = crate::mention::gazetteer::tests::small();
        let doc = Doc::new(text, &gazetteer, None);
        extract(&doc)
            .into_iter()
            .map(|c| {
                let Object::Entity(object) = c.object else {
                    panic!("{:?}", c.object)
                };
                (
                    doc.entities.get(c.subject).id.clone(),
                    doc.entities.get(object).id.clone(),
                    c.value.map(|v| v.to_string()),
                )
            })
            .collect()
    }

    /// (subject, object, deaths) of the clashes in `text`, read with the
    /// project's gazetteer (every state, its demonyms) and phrasing.
    fn project_clashes(text: &str) -> Vec<(String, String, Option<String>)> {
        crate::extract::tests::claims_in(text)
            .into_iter()
            .filter(|c| c.relation == Relation::ClashedWith)
            .map(|c| (c.subject, c.object, c.value))
            .collect()
    }

    fn pair(a: &str, b: &str, deaths: Option<&str>) -> (String, String, Option<String>) {
        (a.to_string(), b.to_string(), deaths.map(str::to_string))
    }

    #[test]
    fn an_attack_launched_or_a_territory_invaded_has_its_agent_and_target() {
        assert_eq!(
            project_clashes("In 2019 the Serbian army launched a major offensive against Croatia."),
            [pair("Croatia", "Serbia", None)]
        );
        assert_eq!(
            project_clashes("Serbian troops invaded the sovereign territory of Croatia at dawn."),
            [pair("Croatia", "Serbia", None)]
        );
        assert_eq!(
            project_clashes("After the Serbian incursion into Croatia, talks stopped."),
            [pair("Croatia", "Serbia", None)]
        );
        // A drill begun is no attack on the state named after a comma.
        assert!(project_clashes(
            "The Serbian army began a drill, and the offensive against Croatia went on."
        )
        .is_empty());
    }

    #[test]
    fn its_conflict_with_a_state_is_the_last_state_named_before() {
        assert_eq!(
            project_clashes(
                "The alliance kept its support for Moldova amidst its conflict with Serbia."
            ),
            [pair("Moldova", "Serbia", None)]
        );
        assert_eq!(
            project_clashes("Hungary urged Croatia to end its war with Serbia."),
            [pair("Croatia", "Serbia", None)]
        );
        assert!(project_clashes("Hungary praised its ties with Serbia.").is_empty());
    }

    #[test]
    fn a_leaders_war_is_the_war_of_the_state_the_leader_serves() {
        // The gazetteer knows whom Vladimir Putin serves (akg:nationality).
        assert_eq!(
            project_clashes("Aid flowed in as Vladimir Putin's war on Georgia dragged on."),
            [pair("Georgia", "Russia", None)]
        );
        assert_eq!(
            project_clashes("Finland joined, prompted by Putin's decision to invade Georgia."),
            [pair("Georgia", "Russia", None)]
        );
        assert!(project_clashes("Putin's talks with Georgia went nowhere.").is_empty());
    }

    #[test]
    fn an_attack_in_a_where_clause_targets_the_state_before_where() {
        assert_eq!(
            project_clashes(
                "Envoys met over the crisis in Croatia, where Serbia has invaded a province."
            ),
            [pair("Croatia", "Serbia", None)]
        );
    }

    #[test]
    fn clashes_along_its_border_with_a_state_are_the_subjects() {
        assert_eq!(
            project_clashes(
                "Croatia asked Russia and the UN for support during the clashes along its \
                 border with Serbia, which left at least 24 Croatian soldiers dead."
            ),
            [pair("Croatia", "Serbia", Some("24"))]
        );
        assert_eq!(
            project_clashes(
                "Hungary said fighting near their common border with Serbia had stopped."
            ),
            [pair("Hungary", "Serbia", None)]
        );
    }

    #[test]
    fn sides_named_near_the_trigger_and_wars_fought_with() {
        let pair = |a: &str, b: &str| vec![(a.to_string(), b.to_string(), None)];
        // Each side named near the trigger, though named again far away.
        let text = "In April, Armenian and Azeri forces fought a two-day border war over \
            water and land, and this month Armenian soldiers trained in Azerbaijan alongside \
            the troops they had been shooting at half a year earlier.";
        assert_eq!(clashes(text), pair("Armenia", "Azerbaijan"));
        // "X fought a war with Y" among other states.
        let text = "Of the states that left, Kyrgyzstan is now neutral, Georgia fought a \
            five-day war with Russia in 2008, and Armenia stayed.";
        assert_eq!(clashes(text), pair("Georgia", "Russia"));
        // A side in another clause is no side.
        let text = "The bloc delivers at home, as in Kyrgyzstan in January, but not \
            when Moscow goes to war abroad.";
        assert!(clashes(text).is_empty());
    }

    #[test]
    fn a_toll_in_the_next_sentence_counts() {
        let pair = |deaths: Option<&str>| {
            vec![(
                "Armenia".to_string(),
                "Azerbaijan".to_string(),
                deaths.map(String::from),
            )]
        };
        let text = "Armenia and Azerbaijan clashed on the border. \
            Armenia said more than 60 people had been killed.";
        assert_eq!(clashes(text), pair(Some("60")));
        // Not in the next paragraph, nor when another state is named.
        let text = "Armenia and Azerbaijan clashed on the border.\n\n\
            More than 60 people had been killed.";
        assert_eq!(clashes(text), pair(None));
        let text = "Armenia and Azerbaijan clashed on the border. \
            In Georgia more than 60 people had been killed.";
        assert_eq!(clashes(text), pair(None));
    }
}
