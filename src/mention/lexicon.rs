//! English word lists the rules share: titles, role nouns, speech (cue)
//! verbs and capitalised words that are never part of a person's name.
//!
//! These are facts about English news prose, not about any alliance, so they
//! live in code; entities and their names live in `ontology/`.

/// Words that stand right before a person's name as a title or role.
const TITLES: &[&str] = &[
    "President", "president", "Minister", "minister", "Premier", "premier", "Chancellor",
    "King", "Queen", "Prince", "Emir", "Sheikh", "Mr", "Mrs", "Ms", "Dr", "Prof", "Professor",
    "Gen", "General", "general", "Col", "Colonel", "Colonel-General", "Lt", "Lieutenant",
    "Major", "Maj", "Admiral", "Adm", "Marshal", "Captain", "Capt", "Sgt", "Sergeant",
    "Commander", "commander", "Chairman", "chairman", "Chairwoman", "chairwoman", "Chair",
    "Speaker", "speaker", "Secretary", "secretary", "Secretary-General", "Ambassador",
    "ambassador", "Envoy", "envoy", "spokesman", "spokeswoman", "spokesperson", "Spokesman",
    "lawmaker", "Lawmaker", "legislator", "MP", "deputy", "Deputy", "senator", "Senator",
    "analyst", "researcher", "expert", "scholar", "journalist", "reporter", "correspondent",
    "editor", "official", "diplomat", "leader", "Leader", "chief", "Chief", "head", "Head",
    "director", "Director", "adviser", "advisor", "Adviser", "aide", "commentator",
    "governor", "Governor", "mayor", "Mayor", "Patriarch", "Metropolitan", "Judge", "judge",
    "prosecutor", "Prosecutor", "Ombudsman", "ombudsman", "colleague", "counterpart",
    "strongman", "autocrat", "dictator", "politician", "activist", "blogger", "professor",
    "fellow", "economist", "historian", "observer", "coordinator", "representative",
    "Representative", "premier", "Vice-President", "Vice", "vice-president", "Sen", "Rep",
    "Gov", "Pres", "Atty", "Amb", "general-secretary",
];

/// Nouns that head a role phrase ("a postdoctoral researcher at…").
const ROLE_HEADS: &[&str] = &[
    "president", "minister", "premier", "chancellor", "secretary", "chairman", "chairwoman",
    "chair", "speaker", "spokesman", "spokeswoman", "spokesperson", "ambassador", "envoy",
    "lawmaker", "legislator", "deputy", "senator", "analyst", "researcher", "expert",
    "scholar", "journalist", "reporter", "correspondent", "editor", "official", "diplomat",
    "leader", "chief", "head", "director", "adviser", "advisor", "aide", "commentator",
    "governor", "mayor", "general", "colonel", "commander", "officer", "professor", "fellow",
    "economist", "historian", "observer", "coordinator", "representative", "member",
    "founder", "ceo", "lecturer", "specialist", "strategist", "columnist", "author",
    "consultant", "negotiator", "spokesman", "prosecutor", "judge", "ombudsman", "politician",
    "activist", "blogger", "king", "emir", "ruler", "dictator", "strongman",
];

/// Verbs (and verb forms) that introduce or follow reported speech.
const CUE_VERBS: &[&str] = &[
    "said", "says", "say", "saying", "told", "tells", "telling", "tell", "added", "adds",
    "adding", "noted", "notes", "noting", "stated", "states", "stating", "declared",
    "declares", "declaring", "described", "describes", "describing", "called", "calls",
    "calling", "lamented", "laments", "concluded", "concludes", "warned", "warns", "warning",
    "insisted", "insists", "stressed", "stresses", "stressing", "emphasized", "emphasised",
    "emphasizing", "emphasising", "argued", "argues", "arguing", "wrote", "writes", "writing",
    "tweeted", "tweets", "posted", "remarked", "remarks", "explained", "explains",
    "explaining", "observed", "observes", "fumed", "pledged", "pledges", "accused",
    "accuses", "accusing", "denied", "denies", "denying", "claimed", "claims", "claiming",
    "acknowledged", "acknowledges", "admitted", "admits", "asked", "asks", "replied",
    "replies", "announced", "announces", "confirmed", "confirms",
    "confirming", "suggested", "suggests", "expressed", "dismissed", "dismissing",
    "labelled", "labeled", "branded", "praised", "criticized", "criticised", "vowed",
    "vows", "promised", "promises", "commented", "comments", "recalled", "recalls", "urged",
    "urges", "demanded", "demands", "quipped", "shouted", "murmured", "announcing",
    "reiterated", "reiterates", "assured", "assures", "underlined", "underscored",
    "maintained", "maintains", "predicted", "predicts", "complained", "complains", "boasted",
    "joked", "continued", "went", "put", "stating", "referring", "referred", "hailed",
    "condemned", "condemns", "threatened", "mused", "wondered", "contended", "countered",
    "conceded", "cautioned", "alleged", "alleges", "signaled", "signalled", "thundered",
    "retorted", "agreed", "wrote", "declare", "declaring", "reported", "reports", "told",
];

/// Capitalised words that never belong to a person's name.
const NON_NAME_CAPITALS: &[&str] = &[
    "The", "A", "An", "In", "On", "At", "Of", "For", "From", "By", "With", "And", "But", "Or",
    "Nor", "As", "If", "When", "While", "Since", "After", "Before", "Although", "Though",
    "Despite", "During", "Under", "Over", "Into", "To", "It", "Its", "This", "That", "These",
    "Those", "There", "Their", "They", "He", "She", "We", "I", "You", "His", "Her", "Our",
    "My", "Your", "Who", "What", "Which", "Why", "How", "Where", "Only", "Even", "Also",
    "Still", "Yet", "So", "Thus", "Then", "Now", "Today", "Yesterday", "Tomorrow", "Last",
    "Next", "First", "Second", "Third", "New", "Old", "Some", "Many", "Most", "All", "Both",
    "Each", "Every", "No", "Not", "Such", "Other", "Another", "Meanwhile", "However",
    "Moreover", "Furthermore", "Nevertheless", "Indeed", "Instead", "Similarly", "Further",
    "Therefore", "According", "Following", "Amid", "Among", "Against", "Between", "Within",
    "Without", "Through", "Toward", "Towards", "Upon", "Per", "Via", "Yes", "Mr", "Mrs",
    "Ms", "Dr", "Prof", "Gen", "Col", "Lt", "Maj", "Sen", "Rep", "Gov", "President",
    "Minister", "Prime", "Foreign", "Defense", "Defence", "Interior", "Deputy", "Vice",
    "Secretary", "General", "Colonel", "Colonel-General", "Chief", "Staff", "Head", "Speaker",
    "Chairman", "Ambassador", "Commander", "Premier", "King", "Queen", "Prince", "Ministry",
    "Council", "Security", "Parliament", "Government", "State", "States", "Republic",
    "Federation", "Union", "Kingdom", "Army", "Armed", "Forces", "Force", "Military",
    "Committee", "Assembly", "National", "Democratic", "People", "Party", "Organization",
    "Organisation", "Treaty", "Article", "Collective", "Summit", "Office", "Service",
    "Agency", "Institute", "University", "Academy", "Center", "Centre", "Foundation",
    "News", "Times", "Post", "Press", "Journal", "Review", "Daily", "Weekly", "Radio",
    "Television", "TV", "Reuters", "Source", "Photo", "Image", "Published", "Updated",
    "Read", "More", "Analysis", "Opinion", "Comment", "Politics", "Economy", "World",
    "Central", "Eastern", "Western", "Northern", "Southern", "East", "West", "North",
    "South", "Asia", "Asian", "Europe", "European", "Eurasian", "Caucasus", "Middle",
    "Soviet", "Cold", "War", "World", "Brotherhood", "Indestructible", "Operation",
    "Exercise", "Exercises", "Interaction", "Search", "Cooperation", "Echelon", "Frontier",
    "Rubezh", "Combat", "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December", "Jan", "Feb", "Mar", "Apr",
    "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Spring", "Summer", "Autumn",
    "Fall", "Winter", "Christmas", "Easter", "Ramadan", "Beta", "Powered", "Recommended",
    "Posts", "Lake", "River", "Mountain", "Mountains", "Sea", "Ocean", "Peninsula", "Region",
    "Oblast", "Province", "District", "City", "Airport", "Base", "Airbase", "Bridge", "Street",
    "Square", "Palace", "House", "Hall", "Building", "Plaza", "Forum", "Conference", "Day",
    "Ukrainian", "Russian", "Belarusian", "Armenian", "Azerbaijani", "Kazakh", "Kyrgyz",
    "Tajik", "Uzbek", "Georgian", "Chinese", "American", "British", "French", "German",
    "Turkish", "Iranian", "Afghan", "Western", "Islamic", "Muslim", "Christian", "Orthodox",
    "Communist", "Liberal", "Social", "Socialist", "Democrats", "Republicans", "Kremlin",
    "Pentagon", "Duma", "Rada", "Majilis", "Mazhilis", "Kenesh", "Jogorku", "Facebook",
    "Twitter", "Telegram", "Instagram", "YouTube", "TikTok", "Google", "Internet", "Web",
    "Covid", "COVID", "Coronavirus", "Here", "Why", "Will", "Can", "Could", "Would", "Should",
    "Does", "Did", "Do", "Is", "Are", "Was", "Were", "Has", "Have", "Had", "Be", "Being",
    "Let", "Just", "Over", "Full", "Part", "Legacy", "Threat", "Sense", "Losing", "Balks",
    "Award", "Future", "End", "Beginning", "Moment", "Crisis", "Conflict", "Peace",
    "Peacekeeping", "Peacekeepers", "Troops", "Rapid", "Reaction", "Deployment", "Border",
    "Guard", "Guards", "Special", "Mission", "Affairs", "Emergency", "Emergencies", "Justice",
    "Finance", "Economic", "Trade", "Energy", "Information", "Culture", "Education", "Health",
    "Statement", "Declaration", "Resolution", "Charter", "Protocol", "Agreement", "Accord",
    "Strategy", "Concept", "Doctrine", "Plan", "Program", "Programme", "Project", "Initiative",
    "Facility", "Laboratory", "Lab", "Club", "Group", "Company", "Corporation", "Bank",
    "Fund", "Index", "Report", "Survey", "Poll", "Study", "Paper", "Book", "Brief", "Briefing",
    "Bulletin", "Digest", "Monitor", "Watch", "Tracker", "Live", "Breaking", "Update",
    "Exclusive", "Interview", "Explainer", "Feature", "Editorial", "Letter", "Letters",
];

/// True for a title or role word that precedes a name.
pub fn is_title(word: &str) -> bool {
    TITLES.contains(&word)
}

/// True for a noun that heads a role phrase (any case).
pub fn is_role_head(word: &str) -> bool {
    let lower = word.to_lowercase();
    let singular = lower.strip_suffix('s').unwrap_or(&lower);
    ROLE_HEADS.contains(&lower.as_str()) || ROLE_HEADS.contains(&singular)
}

/// True for a verb that introduces reported speech.
pub fn is_cue_verb(word: &str) -> bool {
    CUE_VERBS.contains(&word)
}

/// True for a capitalised word that cannot be part of a person's name.
pub fn is_non_name_capital(word: &str) -> bool {
    NON_NAME_CAPITALS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists() {
        assert!(is_title("President") && is_title("spokesman") && !is_title("the"));
        assert!(is_role_head("Researcher") && is_role_head("analysts") && !is_role_head("table"));
        assert!(is_cue_verb("lamented") && is_cue_verb("told") && !is_cue_verb("ate"));
        assert!(is_non_name_capital("The") && is_non_name_capital("September"));
        assert!(!is_non_name_capital("Kelbetov"));
    }
}
