//! Claims: one extracted statement of a fact, with the evidence for it.
//!
//! A claim is what an extractor returns: a relation between a subject entity
//! and an object (an entity, a quotation or a role), an optional date and
//! value, and the provenance (sentence, exact span, rule, confidence). The
//! same fact stated twice gives two claims. Pure data: no IO, no RDF.

use serde::Serialize;

use crate::date::PartialDate;
use crate::mention::EntityRef;
use crate::span::Span;

/// The relation families the extractors produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Relation {
    /// State → alliance: a current member.
    MemberOf,
    /// State → alliance or treaty: a member or signatory that left.
    FormerMemberOf,
    /// State or person → treaty article: formally invoked it.
    Invoked,
    /// State → alliance: asked it for help.
    RequestedAssistance,
    /// Alliance → state: its forces were deployed there.
    DeployedTo,
    /// State ↔ state: armed clashes or war.
    ClashedWith,
    /// Speaker → quotation.
    Said,
    /// Person → role.
    HoldsRole,
    /// State → war or party it openly supports.
    Supported,
    /// State → state whose military base it hosts.
    HostsBaseOf,
    /// Actor → exercise it cancelled.
    CancelledExercise,
    /// Actor → exercise held.
    HeldExercise,
    /// State → UN resolution vote ("against", "abstained", "for").
    VotedOnUnResolution,
}

impl Relation {
    /// Every relation, in a stable order.
    pub const ALL: [Relation; 13] = [
        Relation::MemberOf,
        Relation::FormerMemberOf,
        Relation::Invoked,
        Relation::RequestedAssistance,
        Relation::DeployedTo,
        Relation::ClashedWith,
        Relation::Said,
        Relation::HoldsRole,
        Relation::Supported,
        Relation::HostsBaseOf,
        Relation::CancelledExercise,
        Relation::HeldExercise,
        Relation::VotedOnUnResolution,
    ];

    /// The name used in fact exports (the gold schema's names for its eight).
    pub fn name(self) -> &'static str {
        match self {
            Relation::MemberOf => "member_of",
            Relation::FormerMemberOf => "former_member_of",
            Relation::Invoked => "invoked",
            Relation::RequestedAssistance => "requested_assistance",
            Relation::DeployedTo => "deployed_to",
            Relation::ClashedWith => "clashed_with",
            Relation::Said => "said",
            Relation::HoldsRole => "holds_role",
            Relation::Supported => "supported",
            Relation::HostsBaseOf => "hosts_base_of",
            Relation::CancelledExercise => "cancelled_exercise",
            Relation::HeldExercise => "held_exercise",
            Relation::VotedOnUnResolution => "un_vote",
        }
    }

    /// The relation with this export name.
    pub fn from_name(name: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// What a claim's subject relates to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Object {
    /// Another entity.
    Entity(EntityRef),
    /// A quotation: its exact text, which is also the claim's span.
    Quote(String),
    /// A role: its full label ("Prime Minister of Armenia"), its title and
    /// the state or body it belongs to.
    Role {
        /// The full label.
        label: String,
        /// The title alone ("Prime Minister").
        title: String,
        /// The state or organisation it belongs to.
        of: Option<EntityRef>,
    },
    /// A free label (an exercise's name, a vote's position).
    Label(String),
}

/// A number or an outcome word attached to a fact.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Value {
    /// Troops or deaths.
    Count(u64),
    /// An outcome word: granted, declined, fact-finding, ignored.
    Outcome(&'static str),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Count(n) => write!(f, "{n}"),
            Value::Outcome(word) => f.write_str(word),
        }
    }
}

/// One extracted statement of a fact.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    /// The relation.
    pub relation: Relation,
    /// The subject entity.
    pub subject: EntityRef,
    /// The object.
    pub object: Object,
    /// When, if the text says.
    pub date: Option<PartialDate>,
    /// A count or outcome, if the text says.
    pub value: Option<Value>,
    /// The exact span that states the fact (for a quote, the quotation).
    pub span: Span,
    /// The sentence the span starts in.
    pub sentence: usize,
    /// The evidence: the sentence, or the sentences a quotation runs across.
    pub evidence: Span,
    /// The rule that made it.
    pub rule: &'static str,
    /// How sure the rule is, from 0 to 1.
    pub confidence: f32,
}
