//! Reporting cues: the verbs and phrases that introduce what someone said
//! ("said", "stipulated", "warned", "according to", "told reporters").

use crate::pack::word_starts::WordStartMatcher;
use crate::text::WordShapes;

/// How a cue takes its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueKind {
    /// A verb of saying: a that-clause, a quotation, or a clause before it
    /// ("…, she said").
    Speech,
    /// A verb of thinking or feeling ("believes", "hopes"): a that-clause only.
    Cognition,
    /// A verb whose object is the stance ("dismissed the possibility of…",
    /// "rejected", "welcomed").
    Stance,
    /// A verb that only introduces quotations or a colon ("wrote:",
    /// "published … titled “…”", "addressed the debate:").
    Intro,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cue {
    pub lemma: &'static str,
    pub kind: CueKind,
}

/// Lemma, kind, and irregular forms (regular -s/-ed/-ing forms are derived).
const CUES: &[(&str, CueKind, &[&str])] = &[
    ("say", CueKind::Speech, &["said", "says", "saying"]),
    ("tell", CueKind::Speech, &["told", "tells", "telling"]),
    ("state", CueKind::Speech, &[]),
    ("add", CueKind::Speech, &[]),
    ("note", CueKind::Speech, &[]),
    ("argue", CueKind::Speech, &[]),
    ("contend", CueKind::Speech, &[]),
    ("claim", CueKind::Speech, &[]),
    ("insist", CueKind::Speech, &[]),
    ("stress", CueKind::Speech, &["stresses"]),
    ("emphasize", CueKind::Speech, &[]),
    ("emphasise", CueKind::Speech, &[]),
    ("underscore", CueKind::Speech, &[]),
    ("underline", CueKind::Speech, &[]),
    ("warn", CueKind::Speech, &[]),
    ("declare", CueKind::Speech, &[]),
    ("assert", CueKind::Speech, &[]),
    ("maintain", CueKind::Speech, &[]),
    ("explain", CueKind::Speech, &[]),
    ("acknowledge", CueKind::Speech, &[]),
    ("admit", CueKind::Speech, &["admitted", "admitting"]),
    ("concede", CueKind::Speech, &[]),
    ("confirm", CueKind::Speech, &[]),
    ("deny", CueKind::Speech, &["denied", "denies"]),
    ("report", CueKind::Speech, &[]),
    (
        "write",
        CueKind::Speech,
        &["wrote", "written", "writes", "writing"],
    ),
    ("tweet", CueKind::Speech, &[]),
    ("post", CueKind::Speech, &[]),
    ("stipulate", CueKind::Speech, &[]),
    ("announce", CueKind::Speech, &[]),
    ("reiterate", CueKind::Speech, &[]),
    ("repeat", CueKind::Speech, &[]),
    ("remark", CueKind::Speech, &[]),
    ("observe", CueKind::Speech, &[]),
    ("mention", CueKind::Speech, &[]),
    ("recall", CueKind::Speech, &[]),
    ("reply", CueKind::Speech, &["replied", "replies"]),
    ("respond", CueKind::Speech, &[]),
    ("answer", CueKind::Speech, &[]),
    ("ask", CueKind::Speech, &[]),
    ("complain", CueKind::Speech, &[]),
    ("charge", CueKind::Speech, &[]),
    ("allege", CueKind::Speech, &[]),
    ("suggest", CueKind::Speech, &[]),
    ("indicate", CueKind::Speech, &[]),
    (
        "signal",
        CueKind::Speech,
        &["signaled", "signalled", "signaling", "signalling"],
    ),
    ("hint", CueKind::Speech, &[]),
    ("predict", CueKind::Speech, &[]),
    ("promise", CueKind::Speech, &[]),
    ("vow", CueKind::Speech, &[]),
    ("threaten", CueKind::Speech, &[]),
    ("urge", CueKind::Speech, &[]),
    ("caution", CueKind::Speech, &[]),
    ("inform", CueKind::Speech, &[]),
    ("quip", CueKind::Speech, &["quipped"]),
    ("joke", CueKind::Speech, &[]),
    ("lament", CueKind::Speech, &[]),
    ("boast", CueKind::Speech, &[]),
    ("counter", CueKind::Speech, &[]),
    ("retort", CueKind::Speech, &[]),
    ("testify", CueKind::Speech, &["testified", "testifies"]),
    ("pledge", CueKind::Speech, &[]),
    ("proclaim", CueKind::Speech, &[]),
    ("assure", CueKind::Speech, &[]),
    ("disclose", CueKind::Speech, &[]),
    ("reveal", CueKind::Speech, &[]),
    ("estimate", CueKind::Speech, &[]),
    ("conclude", CueKind::Speech, &[]),
    ("assess", CueKind::Speech, &["assesses"]),
    ("affirm", CueKind::Speech, &[]),
    ("demand", CueKind::Speech, &[]),
    ("propose", CueKind::Speech, &[]),
    ("agree", CueKind::Speech, &["agreed", "agrees"]),
    ("predict", CueKind::Speech, &[]),
    ("speculate", CueKind::Speech, &[]),
    ("specify", CueKind::Speech, &["specified", "specifies"]),
    ("accuse", CueKind::Speech, &[]),
    ("continue", CueKind::Speech, &[]),
    ("yell", CueKind::Speech, &[]),
    ("shout", CueKind::Speech, &[]),
    ("exclaim", CueKind::Speech, &[]),
    ("recount", CueKind::Speech, &[]),
    ("muse", CueKind::Speech, &[]),
    ("wonder", CueKind::Speech, &[]),
    ("insist", CueKind::Speech, &[]),
    ("advise", CueKind::Speech, &[]),
    ("plead", CueKind::Speech, &["pleaded", "pled"]),
    ("chant", CueKind::Speech, &[]),
    ("respond", CueKind::Speech, &[]),
    ("express", CueKind::Stance, &["expresses"]),
    ("read", CueKind::Speech, &["reads", "reading"]),
    ("call", CueKind::Stance, &[]),
    ("describe", CueKind::Stance, &[]),
    ("dub", CueKind::Stance, &["dubbed", "dubbing"]),
    (
        "label",
        CueKind::Stance,
        &["labeled", "labelled", "labeling", "labelling"],
    ),
    ("believe", CueKind::Cognition, &[]),
    (
        "think",
        CueKind::Cognition,
        &["thought", "thinks", "thinking"],
    ),
    ("feel", CueKind::Cognition, &["felt"]),
    ("hope", CueKind::Cognition, &[]),
    ("expect", CueKind::Cognition, &[]),
    ("fear", CueKind::Cognition, &[]),
    ("worry", CueKind::Cognition, &["worried", "worries"]),
    ("doubt", CueKind::Cognition, &[]),
    ("know", CueKind::Cognition, &["knew", "known", "knows"]),
    ("reject", CueKind::Stance, &[]),
    ("dismiss", CueKind::Stance, &["dismisses"]),
    ("welcome", CueKind::Stance, &[]),
    ("criticize", CueKind::Stance, &[]),
    ("criticise", CueKind::Stance, &[]),
    ("condemn", CueKind::Stance, &[]),
    ("oppose", CueKind::Stance, &[]),
    ("endorse", CueKind::Stance, &[]),
    ("publish", CueKind::Intro, &["publishes"]),
    ("address", CueKind::Intro, &["addresses"]),
    ("quote", CueKind::Intro, &[]),
    ("tweet", CueKind::Intro, &[]),
];

/// Every form of every cue, built once from the constant table above.
struct CueForms {
    /// Looked up for nearly every token: the forms as a byte trie, so a
    /// word is walked byte by byte (ASCII case folded) instead of hashed.
    /// `None` only if the table above broke the trie's rules (a test checks).
    trie: Option<WordStartMatcher>,
    /// The cue of each form, by the form's index in the trie.
    cue_of_form: Vec<Cue>,
    /// The forms' shapes: most words are turned away here, before the walk.
    shapes: WordShapes,
}

/// Forms are at most this long (in bytes); longer words are not cues.
const LONGEST_CUE_FORM: usize = 14;

static CUE_FORMS: std::sync::LazyLock<CueForms> = std::sync::LazyLock::new(|| {
    let mut forms: Vec<String> = Vec::new();
    let mut cue_of_form = Vec::new();
    let mut shapes = WordShapes::NONE;
    for (lemma, kind, irregular) in CUES {
        let cue = Cue { lemma, kind: *kind };
        for form in regular_forms(lemma)
            .into_iter()
            .chain(irregular.iter().map(|s| s.to_string()))
        {
            // A longer, non-ASCII or capitalised form could never be looked up.
            if form.is_empty()
                || form.len() > LONGEST_CUE_FORM
                || !form.is_ascii()
                || form.bytes().any(|b| b.is_ascii_uppercase())
            {
                continue;
            }
            shapes = shapes.with(form.as_bytes());
            // A form shared by two cues stands for the first.
            if !forms.contains(&form) {
                forms.push(form);
                cue_of_form.push(cue);
            }
        }
    }
    CueForms {
        trie: WordStartMatcher::new(&forms),
        cue_of_form,
        shapes,
    }
});

/// The cue a word is a form of, if any.
/// Capitalised words are not cues: "States" in "the United States".
/// Inlined: most calls end at the first test, and a call costs as much.
#[inline]
pub fn is_cue_word(word: &str) -> Option<Cue> {
    let forms = &*CUE_FORMS;
    // Asked of nearly every word, so one table lookup comes first. The
    // shapes hold only the forms' (first byte, length) pairs, and every form
    // starts with a lower-case ASCII letter and is at most
    // `LONGEST_CUE_FORM` bytes long: an empty, long, capitalised or
    // non-ASCII-initial word is turned away here. A non-ASCII byte further
    // in ends the walk (the trie has no class for it), and other capitals
    // fold, as before.
    if !forms.shapes.may_be(word.as_bytes()) {
        return None;
    }
    let form = forms.trie.as_ref()?.phrase_of(word.as_bytes())?;
    forms.cue_of_form.get(form).copied()
}

/// The `-s` forms of cues that are verbs far more often than nouns.
const VERB_S_FORMS: &[&str] = &[
    "says", "tells", "adds", "argues", "insists", "warns", "writes", "believes", "thinks", "knows",
];

/// Cue forms that are more often plural nouns ("remarks", "reports"): a
/// cue only right after a subject-like word ("the official remarks").
/// Compares ignoring ASCII case rather than lower-casing a copy: asked of
/// every cue word ending in "s".
pub fn is_noun_like_form(word: &str) -> bool {
    let is_s = |b: &u8| b.eq_ignore_ascii_case(&b's');
    let single_s = match word.as_bytes() {
        [.., before, last] => is_s(last) && !is_s(before),
        [last] => is_s(last),
        [] => false,
    };
    single_s && !VERB_S_FORMS.iter().any(|f| word.eq_ignore_ascii_case(f))
}

fn regular_forms(lemma: &str) -> [String; 4] {
    let stem = lemma.strip_suffix('e').unwrap_or(lemma);
    let s_form = if lemma.ends_with('s') || lemma.ends_with("sh") || lemma.ends_with("ch") {
        format!("{lemma}es")
    } else {
        format!("{lemma}s")
    };
    let ed = if lemma.ends_with('e') {
        format!("{lemma}d")
    } else {
        format!("{lemma}ed")
    };
    [lemma.to_string(), s_form, ed, format!("{stem}ing")]
}

/// A constant list of lower-case words asked about for many tokens, as a
/// byte trie. [`crate::text::WordList`] scans its list once a word passes the shape
/// test, and for the long lists below most short words pass it: a walk
/// ends after a byte or two instead.
pub struct WordSet {
    words: &'static [&'static str],
    shapes: WordShapes,
    /// Built on first use; `None` if a word breaks the trie's rules (then
    /// the list is scanned, as `WordList` does).
    trie: std::sync::OnceLock<Option<WordStartMatcher>>,
}

impl WordSet {
    pub const fn new(words: &'static [&'static str]) -> WordSet {
        let mut shapes = WordShapes::NONE;
        let mut i = 0;
        while i < words.len() {
            shapes = shapes.with(words[i].as_bytes());
            i += 1;
        }
        WordSet {
            words,
            shapes,
            trie: std::sync::OnceLock::new(),
        }
    }

    /// Whether `word` is one of the words (exactly, case included).
    pub fn contains(&self, word: &str) -> bool {
        if !self.shapes.may_be(word.as_bytes()) {
            // The shapes hold every word shorter than 64 bytes.
            return word.len() >= 64 && self.words.contains(&word);
        }
        match self.trie.get_or_init(|| WordStartMatcher::new(self.words)) {
            // The walk folds ASCII case: the word found must be compared.
            Some(trie) => trie
                .phrase_of(word.as_bytes())
                .is_some_and(|id| self.words[id] == word),
            None => self.words.contains(&word),
        }
    }
}

/// Words that may stand between a subject and its cue verb ("has also said").
pub static AUXILIARIES: WordSet = WordSet::new(&[
    "has",
    "have",
    "had",
    "was",
    "were",
    "is",
    "are",
    "also",
    "later",
    "then",
    "reportedly",
    "repeatedly",
    "previously",
    "once",
    "further",
    "again",
    "publicly",
    "recently",
    "similarly",
    "likewise",
    "separately",
    "would",
    "will",
    "did",
    "does",
    "do",
    "had",
    "already",
    "just",
    "subsequently",
    "privately",
    "openly",
    "explicitly",
    "flatly",
    "firmly",
    "clearly",
    "bluntly",
    "even",
    "still",
    "now",
    "often",
    "frequently",
    "quickly",
    "immediately",
    "initially",
    "originally",
    "apparently",
    "allegedly",
    "reiterated",
    "could",
    "might",
    "may",
    "must",
    "can",
    "to",
    "appeared",
    "appears",
    "seemed",
    "seems",
    "went",
    "on",
    "been",
    "being",
    "not",
    "never",
    "always",
    "first",
    "himself",
    "herself",
    "themselves",
    "itself",
    "personally",
    "directly",
    "strongly",
    "sharply",
    "angrily",
    "calmly",
    "confidently",
    "emphatically",
    "categorically",
]);

/// Nouns that name a speaker when they head a subject ("the official said").
pub static SPEAKER_NOUNS: WordSet = WordSet::new(&[
    "official",
    "officials",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "spokespeople",
    "source",
    "sources",
    "analyst",
    "analysts",
    "expert",
    "experts",
    "minister",
    "ministers",
    "president",
    "leader",
    "leaders",
    "diplomat",
    "diplomats",
    "lawmaker",
    "lawmakers",
    "legislator",
    "legislators",
    "newspaper",
    "newspapers",
    "agency",
    "report",
    "statement",
    "editorial",
    "media",
    "outlet",
    "outlets",
    "daily",
    "weekly",
    "magazine",
    "paper",
    "aide",
    "aides",
    "adviser",
    "advisers",
    "advisor",
    "commander",
    "commanders",
    "envoy",
    "negotiator",
    "negotiators",
    "ministry",
    "government",
    "administration",
    "department",
    "office",
    "spokespersons",
    "campaign",
    "candidate",
    "senator",
    "representative",
    "governor",
    "mayor",
    "secretary",
    "chief",
    "head",
    "director",
    "ambassador",
    "mp",
    "mps",
    "cleric",
    "clerics",
    "hardliners",
    "reformists",
    "critics",
    "supporters",
    "observers",
    "insiders",
    "people",
    "members",
    "member",
    "voters",
    "article",
    "letter",
    "column",
    "columnist",
    "commentator",
    "commentators",
    "journalist",
    "reporter",
    "reporters",
    "editor",
    "tweet",
    "post",
    "website",
    "channel",
    "television",
    "tv",
    "broadcaster",
    "network",
    "council",
    "parliament",
    "speaker",
    "judiciary",
    "army",
    "military",
    "guards",
    "corps",
    "committee",
    "group",
    "party",
    "organization",
    "organisation",
    "team",
    "white",
    "house",
    "kremlin",
    "pentagon",
    "officer",
    "officers",
    "residents",
    "witnesses",
    "protesters",
    "students",
    "scholar",
    "scholars",
    "professor",
    "researcher",
    "researchers",
    "economist",
    "economists",
    "poll",
    "survey",
    "study",
    "data",
    "statistics",
    "figures",
    "documents",
    "document",
    "filing",
    "memo",
    "email",
    "emails",
    "site",
    "blog",
    "book",
]);

/// Whether a lower-cased word is a pronoun that can stand for a speaker
/// (asked for nearly every token, hence a `match` rather than a slice scan).
pub fn is_speaker_pronoun(lower: &str) -> bool {
    matches!(lower, "he" | "she" | "they" | "it" | "we" | "i" | "you")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The first `is_cue_word`: every test spelled out before the walk.
    fn is_cue_word_oracle(word: &str) -> Option<Cue> {
        let &first = word.as_bytes().first()?;
        if word.len() > LONGEST_CUE_FORM || !word.is_ascii() || first.is_ascii_uppercase() {
            return None;
        }
        let forms = &*CUE_FORMS;
        if !forms.shapes.may_be(word.as_bytes()) {
            return None;
        }
        let form = forms.trie.as_ref()?.phrase_of(word.as_bytes())?;
        forms.cue_of_form.get(form).copied()
    }

    /// The first `is_noun_like_form`, on a lower-cased copy.
    fn is_noun_like_form_oracle(word: &str) -> bool {
        let w = word.to_ascii_lowercase();
        w.ends_with('s')
            && !w.ends_with("ss")
            && !matches!(
                w.as_str(),
                "says"
                    | "tells"
                    | "adds"
                    | "argues"
                    | "insists"
                    | "warns"
                    | "writes"
                    | "believes"
                    | "thinks"
                    | "knows"
            )
    }

    /// Words near the cue forms: the forms themselves, re-cased, cut,
    /// extended, with curly apostrophes and non-ASCII letters.
    fn near_cue_words() -> impl Strategy<Value = String> {
        let forms: Vec<String> = CUES
            .iter()
            .flat_map(|(l, _, irr)| {
                regular_forms(l)
                    .into_iter()
                    .chain(irr.iter().map(|s| s.to_string()))
            })
            .chain(VERB_S_FORMS.iter().map(|s| s.to_string()))
            .collect();
        near(forms)
    }

    /// Words near `words`: re-cased, cut, extended.
    fn near(words: Vec<String>) -> impl Strategy<Value = String> {
        (
            proptest::sample::select(words),
            0usize..6,
            "[a-zA-Z’'éİK\u{212a}ß]{0,3}",
            any::<u64>(),
        )
            .prop_map(|(form, cut, extra, case_bits)| {
                let kept: String = form
                    .chars()
                    .take(form.len().saturating_sub(cut % 3))
                    .collect();
                let word = if cut >= 3 {
                    format!("{kept}{extra}")
                } else {
                    kept
                };
                word.chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if case_bits >> (i % 64) & 1 == 1 {
                            c.to_ascii_uppercase()
                        } else {
                            c
                        }
                    })
                    .collect()
            })
    }

    proptest! {
        #[test]
        fn cue_word_test_matches_its_oracle(word in prop_oneof![near_cue_words(), "\\PC{0,16}"]) {
            prop_assert_eq!(is_cue_word(&word), is_cue_word_oracle(&word), "{:?}", word);
            prop_assert_eq!(is_noun_like_form(&word), is_noun_like_form_oracle(&word), "{:?}", word);
        }
    }

    #[test]
    fn cue_word_tests_match_their_oracles_on_hand_picked_words() {
        for word in [
            "",
            "s",
            "S",
            "ss",
            "sS",
            "Says",
            "SAYS",
            "says",
            "sayS",
            "remarks",
            "Remarks",
            "remarkS",
            "saïd",
            "said’s",
            "saiđ",
            "\u{212a}nows",
            "knows",
            "Knows",
            "és",
            "ßs",
            "s’",
            "reports",
            "warnss",
            "emphasizingly",
            "acknowledging",
            "acknowledgings",
        ] {
            assert_eq!(is_cue_word(word), is_cue_word_oracle(word), "{word:?}");
            assert_eq!(
                is_noun_like_form(word),
                is_noun_like_form_oracle(word),
                "{word:?}"
            );
        }
    }

    /// Words near a list's words, as `near` makes them.
    fn near_words(words: &'static [&'static str]) -> impl Strategy<Value = String> {
        near(words.iter().map(|w| w.to_string()).collect())
    }

    proptest! {
        #[test]
        fn word_sets_hold_their_lists(
            aux in prop_oneof![near_words(AUXILIARIES.words), "\\PC{0,14}"],
            noun in prop_oneof![near_words(SPEAKER_NOUNS.words), "\\PC{0,14}"],
        ) {
            prop_assert_eq!(AUXILIARIES.contains(&aux), AUXILIARIES.words.contains(&aux.as_str()));
            prop_assert_eq!(SPEAKER_NOUNS.contains(&noun), SPEAKER_NOUNS.words.contains(&noun.as_str()));
        }
    }

    #[test]
    fn word_sets_build_their_tries_and_find_every_word() {
        for set in [&AUXILIARIES, &SPEAKER_NOUNS] {
            assert!(
                set.trie
                    .get_or_init(|| WordStartMatcher::new(set.words))
                    .is_some()
            );
            for w in set.words {
                assert!(set.contains(w), "{w}");
                assert!(!set.contains(&w.to_ascii_uppercase()), "{w}");
            }
        }
        for w in ["", "Has", "hass", "ha", "mpS", "\u{212a}", &"x".repeat(70)] {
            assert!(
                !AUXILIARIES.contains(w) && !SPEAKER_NOUNS.contains(w),
                "{w}"
            );
        }
    }

    #[test]
    fn speaker_pronoun_test_matches_the_list() {
        for w in ["he", "she", "they", "it", "we", "i", "you"] {
            assert!(is_speaker_pronoun(w), "{w}");
        }
        for w in ["He", "hes", "them", "", "iran"] {
            assert!(!is_speaker_pronoun(w), "{w}");
        }
    }

    #[test]
    fn regular_and_irregular_forms() {
        assert_eq!(is_cue_word("said").unwrap().lemma, "say");
        assert_eq!(is_cue_word("stipulated").unwrap().lemma, "stipulate");
        assert!(
            is_cue_word("States").is_none(),
            "capitalised words are names"
        );
        assert_eq!(is_cue_word("warns").unwrap().lemma, "warn");
        assert_eq!(is_cue_word("dismissed").unwrap().kind, CueKind::Stance);
        assert_eq!(is_cue_word("believes").unwrap().kind, CueKind::Cognition);
        assert_eq!(is_cue_word("emphasizing").unwrap().lemma, "emphasize");
        assert!(is_cue_word("table").is_none());
    }

    #[test]
    fn every_form_is_found_in_the_trie_with_its_first_cue() {
        let forms = &*CUE_FORMS;
        assert!(
            forms.trie.is_some(),
            "the cue table breaks the trie's rules"
        );
        for (lemma, _, irregular) in CUES {
            for form in regular_forms(lemma)
                .into_iter()
                .chain(irregular.iter().map(|s| s.to_string()))
                .filter(|f| f.len() <= LONGEST_CUE_FORM)
            {
                let cue = is_cue_word(&form).expect(&form);
                let first = CUES
                    .iter()
                    .find(|(l, _, irr)| {
                        regular_forms(l).contains(&form) || irr.contains(&form.as_str())
                    })
                    .map(|(l, ..)| *l);
                assert_eq!(Some(cue.lemma), first, "{form}");
                // Inner capitals fold; a capital first letter is a name.
                let shouted = form.to_ascii_uppercase();
                assert_eq!(
                    is_cue_word(&format!("{}{}", &form[..1], &shouted[1..])),
                    Some(cue)
                );
            }
        }
        for word in ["sa", "saidx", "tha", "that", "", "Said"] {
            assert!(is_cue_word(word).is_none(), "{word}");
        }
    }
}
