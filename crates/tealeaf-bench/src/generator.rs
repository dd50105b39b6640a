//! A deterministic generator of article-like English news text.
//!
//! Everything is composed from the templates in this file and the names in a
//! pack: speakers are the pack's people (full names, surnames, titles before
//! names, titled descriptions such as "the foreign minister", pronouns) and
//! organisations, outlets are the pack's outlets ("told IRNA", "as quoted
//! by …"). Paragraphs mix direct quotations (curly and straight marks, quotes
//! split around the cue, quotations running over several paragraphs, partial
//! quotes inside reported speech), indirect statements with varied cues,
//! absolute and relative dates, noise sentences without any statement,
//! bullet lists and dated sections ("- March 4: …").
//!
//! The same seed and size give the same documents, byte for byte, on every
//! machine: the only randomness is [`SplitMix64`].

use chrono::{Datelike, Days, NaiveDate};
use tealeaf_core::document::Meta;
use tealeaf_core::pack::{ActorKind, Gender};
use tealeaf_core::{Document, Pack};

/// Smallest and largest document body, in bytes.
pub const MIN_DOC_BYTES: usize = 2 * 1024;
pub const MAX_DOC_BYTES: usize = 8 * 1024;

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, well-mixed PRNG.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-shift (bias below 2^-32 for
    /// the small `n` used here).
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    /// Index drawn with the given weights.
    pub fn weighted(&mut self, weights: &[usize]) -> usize {
        let total: usize = weights.iter().sum();
        let mut x = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

/// A person of the pack, with the ways an article may refer to them.
#[derive(Debug, Clone)]
struct Person {
    actor: usize,
    full: String,
    surname: String,
    /// Short title used before the name ("Foreign Minister").
    title: Option<String>,
    /// Lower-case descriptions from the pack ("the foreign minister").
    descriptions: Vec<String>,
    pronoun: &'static str,
}

/// The pack material the generator draws from.
#[derive(Debug, Clone)]
pub struct Cast {
    people: Vec<Person>,
    organisations: Vec<String>,
    outlets: Vec<String>,
    outlet_descriptions: Vec<String>,
}

impl Cast {
    pub fn from_pack(pack: &Pack) -> Cast {
        let mut people = Vec::new();
        let mut organisations = Vec::new();
        for (i, a) in pack.actors.iter().enumerate() {
            match a.kind {
                ActorKind::Person => {
                    let surname = a.name.split_whitespace().next_back().unwrap_or(&a.name);
                    let title = a
                        .roles
                        .iter()
                        .map(|r| r.title.as_str())
                        .rfind(|t| t.split_whitespace().count() <= 3 && !t.contains(" of "))
                        .map(str::to_string);
                    let descriptions = a
                        .roles
                        .iter()
                        .flat_map(|r| &r.mentions)
                        .filter(|m| m.starts_with("the ") || m.contains("'s "))
                        .cloned()
                        .collect();
                    people.push(Person {
                        actor: i,
                        full: a.name.clone(),
                        surname: surname.to_string(),
                        title,
                        descriptions,
                        pronoun: match a.gender {
                            Some(Gender::Female) => "she",
                            _ => "he",
                        },
                    });
                }
                ActorKind::Organisation | ActorKind::Group | ActorKind::State => {
                    organisations.push(a.name.clone());
                    organisations.extend(
                        a.aliases
                            .iter()
                            .filter(|x| x.chars().next().is_some_and(char::is_uppercase))
                            .cloned(),
                    );
                }
            }
        }
        let mut outlets = Vec::new();
        let mut outlet_descriptions = Vec::new();
        for o in &pack.outlets {
            outlets.push(o.name.clone());
            outlets.extend(o.aliases.iter().cloned());
            outlet_descriptions
                .extend(o.mentions.iter().filter(|m| m.starts_with("the ")).cloned());
        }
        if people.is_empty() {
            people = FALLBACK_PEOPLE
                .iter()
                .map(|(full, title, pronoun)| Person {
                    actor: usize::MAX,
                    full: full.to_string(),
                    surname: full.split_whitespace().last().unwrap_or(full).to_string(),
                    title: Some(title.to_string()),
                    descriptions: vec![format!("the {}", title.to_lowercase())],
                    pronoun,
                })
                .collect();
        }
        if organisations.is_empty() {
            organisations.push("the ministry".into());
        }
        if outlets.is_empty() {
            outlets.extend(["the Daily Courier", "Radio North"].map(String::from));
        }
        if outlet_descriptions.is_empty() {
            outlet_descriptions.push("the state news agency".into());
        }
        Cast {
            people,
            organisations,
            outlets,
            outlet_descriptions,
        }
    }
}

/// Used only when a pack has no people at all.
const FALLBACK_PEOPLE: &[(&str, &str, &str)] = &[
    ("Anna Keller", "Foreign Minister", "she"),
    ("Omar Haddad", "Spokesman", "he"),
    ("Lena Brandt", "Prime Minister", "she"),
];

/// `target_bytes` of documents (2–8 KB each) from the default pack.
///
/// # Panics
/// When the embedded default pack does not load (a build error).
pub fn generate(seed: u64, target_bytes: usize) -> Vec<Document> {
    let pack = Pack::default_pack().expect("the embedded default pack loads");
    generate_with(&Cast::from_pack(&pack), &pack, seed, target_bytes)
}

/// As [`generate`], with a given pack and its cast.
pub fn generate_with(cast: &Cast, pack: &Pack, seed: u64, target_bytes: usize) -> Vec<Document> {
    let mut rng = SplitMix64::new(seed);
    let mut docs = Vec::new();
    let mut total = 0;
    while total < target_bytes {
        let doc_seed = rng.next_u64();
        let doc = article(cast, pack, doc_seed, format!("gen-{seed}-{}", docs.len()));
        total += doc.body.len();
        docs.push(doc);
    }
    docs
}

/// One article from its own seed.
pub fn article(cast: &Cast, pack: &Pack, seed: u64, id: String) -> Document {
    let mut w = Writer::new(cast, pack, seed);
    let body = w.body();
    let published = w.published;
    let outlet = if w.rng.chance(70) {
        Some(w.rng.pick(&cast.outlets).clone())
    } else {
        None
    };
    let title = w.title();
    Document {
        source: format!("{id}.txt"),
        id,
        body,
        meta: Meta {
            title: Some(title),
            published: Some(published),
            published_raw: Some(published.format("%Y-%m-%d").to_string()),
            outlet,
            ..Meta::default()
        },
    }
}

/// A document many times longer than an article: `parts` generated bodies
/// joined into one, for checking that cost grows linearly within a document.
pub fn long_document(cast: &Cast, pack: &Pack, seed: u64, parts: usize) -> Document {
    let mut rng = SplitMix64::new(seed);
    let mut first: Option<Document> = None;
    let mut body = String::new();
    for i in 0..parts {
        let d = article(cast, pack, rng.next_u64(), format!("long-{seed}-{i}"));
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        body.push_str(&d.body);
        first.get_or_insert(d);
    }
    let mut doc = first.expect("parts > 0");
    doc.id = format!("long-{seed}x{parts}");
    doc.source = format!("{}.txt", doc.id);
    doc.body = body;
    doc
}

/// Mention state of one speaker within an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Speaker {
    Person(usize),
    Organisation(usize),
}

#[derive(Clone, Copy)]
enum Marks {
    Curly,
    Straight,
}

impl Marks {
    fn open(self) -> &'static str {
        match self {
            Marks::Curly => "“",
            Marks::Straight => "\"",
        }
    }
    fn close(self) -> &'static str {
        match self {
            Marks::Curly => "”",
            Marks::Straight => "\"",
        }
    }
}

struct Writer<'a> {
    cast: &'a Cast,
    rng: SplitMix64,
    published: NaiveDate,
    /// The article's speakers (indices into `cast.people`).
    speakers: Vec<usize>,
    introduced: Vec<bool>,
    /// The speaker named last, for pronouns.
    last: Option<Speaker>,
    topic: usize,
}

impl<'a> Writer<'a> {
    fn new(cast: &'a Cast, pack: &Pack, seed: u64) -> Writer<'a> {
        let mut rng = SplitMix64::new(seed);
        let start = NaiveDate::from_ymd_opt(2014, 1, 1).expect("valid date");
        let published = start + Days::new(rng.below(12 * 365) as u64);
        // Prefer people who held a role on the publication day.
        let active: Vec<usize> = cast
            .people
            .iter()
            .enumerate()
            .filter(|(_, p)| p.actor < pack.actors.len() && pack.active_on(p.actor, published))
            .map(|(i, _)| i)
            .collect();
        let pool: Vec<usize> = if active.len() >= 4 {
            active
        } else {
            (0..cast.people.len()).collect()
        };
        let n = rng.range(2, 4).min(pool.len());
        let mut speakers = Vec::with_capacity(n);
        while speakers.len() < n {
            let p = *rng.pick(&pool);
            if !speakers.contains(&p) {
                speakers.push(p);
            }
        }
        let topic = rng.below(TOPICS.len());
        Writer {
            cast,
            rng,
            published,
            introduced: vec![false; speakers.len()],
            speakers,
            last: None,
            topic,
        }
    }

    fn title(&mut self) -> String {
        let t = &TOPICS[self.topic];
        let p = &self.cast.people[self.speakers[0]];
        match self.rng.below(3) {
            0 => format!("{} says {}", p.surname, self.rng.pick(TITLE_CLAIMS)),
            1 => format!("{}: {}", capitalise(t.name), self.rng.pick(HEADLINE_TAILS)),
            _ => format!(
                "{} {} as {}",
                capitalise(t.name),
                self.rng.pick(HEADLINE_VERBS),
                p.surname
            ),
        }
    }

    fn body(&mut self) -> String {
        let target = self.rng.range(MIN_DOC_BYTES + 256, MAX_DOC_BYTES - 512);
        let mut out = String::with_capacity(target + 1024);
        let lead = self.noise_paragraph();
        out.push_str(&lead);
        while out.len() < target {
            let para = self.paragraph();
            if out.len() + para.len() + 2 > MAX_DOC_BYTES {
                if out.len() >= MIN_DOC_BYTES {
                    break;
                }
                continue;
            }
            out.push_str("\n\n");
            out.push_str(&para);
        }
        out
    }

    fn paragraph(&mut self) -> String {
        // quote-after, quote-before, split, multi-paragraph, indirect,
        // outlet, according-to, partial quote, noise, bullets, dated section,
        // organisation statement
        const WEIGHTS: [usize; 12] = [14, 7, 8, 3, 17, 8, 5, 6, 20, 3, 3, 4];
        match self.rng.weighted(&WEIGHTS) {
            0 => self.quote_after(),
            1 => self.quote_before(),
            2 => self.split_quote(),
            3 => self.multi_paragraph_quote(),
            4 => self.indirect(),
            5 => self.outlet_statement(),
            6 => self.according_to(),
            7 => self.partial_quote(),
            8 => self.noise_paragraph(),
            9 => self.bullets(),
            10 => self.dated_section(),
            _ => self.organisation_statement(),
        }
    }

    fn marks(&mut self) -> Marks {
        if self.rng.chance(70) {
            Marks::Curly
        } else {
            Marks::Straight
        }
    }

    /// Picks one of the article's speakers, usually a different one from
    /// the last (so pronouns stay meaningful only when earned).
    fn pick_speaker(&mut self) -> usize {
        self.rng.below(self.speakers.len())
    }

    /// How to name speaker `k` as the subject of a clause.
    fn name(&mut self, k: usize, sentence_start: bool) -> String {
        self.name_as(k, sentence_start, true)
    }

    /// As [`Writer::name`]; `pronoun` allows "he"/"she" (subjects only).
    fn name_as(&mut self, k: usize, sentence_start: bool, pronoun: bool) -> String {
        let cast = self.cast;
        let p = &cast.people[self.speakers[k]];
        let me = Speaker::Person(k);
        let text = if !self.introduced[k] {
            self.introduced[k] = true;
            match (self.rng.below(3), &p.title) {
                (0, Some(t)) => format!("{t} {}", p.full),
                (1, _) if !p.descriptions.is_empty() => {
                    let d = self.rng.pick(&p.descriptions);
                    format!("{}, {d},", p.full)
                }
                _ => p.full.clone(),
            }
        } else if pronoun && self.last == Some(me) && self.rng.chance(45) {
            p.pronoun.to_string()
        } else {
            match self.rng.below(5) {
                0 | 1 => p.surname.clone(),
                2 if !p.descriptions.is_empty() => self.rng.pick(&p.descriptions).clone(),
                3 => match &p.title {
                    Some(t) => format!("{t} {}", p.surname),
                    None => p.full.clone(),
                },
                _ => format!(
                    "{} {}",
                    if p.pronoun == "she" { "Ms." } else { "Mr." },
                    p.surname
                ),
            }
        };
        self.last = Some(me);
        if sentence_start {
            capitalise(&text)
        } else {
            text
        }
    }

    fn date_phrase(&mut self) -> String {
        let d = self.published - Days::new(self.rng.below(20) as u64);
        match self.rng.below(12) {
            0 => format!(
                " on {}",
                WEEKDAYS[d.weekday().num_days_from_monday() as usize]
            ),
            1 => format!(" on {} {}", MONTHS[d.month0() as usize], d.day()),
            2 => format!(" on {} {}", d.day(), MONTHS[d.month0() as usize]),
            3 => format!(
                " on {} {}, {}",
                MONTHS[d.month0() as usize],
                d.day(),
                d.year()
            ),
            4 => " yesterday".into(),
            5 => format!(" {}", self.rng.pick(RELATIVE)),
            6 => " earlier this week".into(),
            7 if self.rng.chance(30) => format!(" on {}", d.format("%Y-%m-%d")),
            _ => String::new(),
        }
    }

    /// One to three sentences a speaker might say, in the first person.
    fn quote_text(&mut self, sentences: usize) -> String {
        let mut s = String::new();
        for i in 0..sentences {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&self.spoken_sentence());
        }
        s
    }

    fn spoken_sentence(&mut self) -> String {
        let t = &TOPICS[self.topic];
        let obj = *self.rng.pick(t.objects);
        match self.rng.below(6) {
            0 => format!(
                "{} {} {}.",
                self.rng.pick(FIRST_PERSON),
                self.rng.pick(STANCES),
                obj
            ),
            1 => format!(
                "{} {}.",
                capitalise(self.rng.word(ACTORS_GENERIC)),
                self.rng.pick(PREDICATES)
            ),
            2 => format!(
                "If {} {}, {} {}.",
                self.rng.pick(ACTORS_GENERIC),
                self.rng.pick(CONDITIONS),
                self.rng.pick(ACTORS_GENERIC),
                self.rng.pick(CONSEQUENCES)
            ),
            3 => format!(
                "{} will remain {}.",
                capitalise(obj),
                self.rng.pick(JUDGEMENTS)
            ),
            4 => format!(
                "{}, {} {}.",
                self.rng.pick(OPENERS),
                self.rng.pick(ACTORS_GENERIC),
                self.rng.pick(PREDICATES)
            ),
            _ => format!(
                "{} {} {} {}.",
                self.rng.pick(FIRST_PERSON),
                self.rng.pick(MODALS),
                self.rng.pick(ACTIONS),
                obj
            ),
        }
    }

    /// A reported clause, third person, past tense (for "said that …").
    fn reported_clause(&mut self) -> String {
        let t = &TOPICS[self.topic];
        let obj = *self.rng.pick(t.objects);
        match self.rng.below(4) {
            0 => format!(
                "{} {}",
                self.rng.pick(ACTORS_GENERIC),
                self.rng.pick(REPORTED_PREDICATES)
            ),
            1 => format!("{} would remain {}", obj, self.rng.pick(JUDGEMENTS)),
            2 => format!(
                "the government {} {} {}",
                self.rng.pick(REPORTED_MODALS),
                self.rng.pick(ACTIONS),
                obj
            ),
            _ => format!(
                "{} {} unless {} {}",
                self.rng.pick(ACTORS_GENERIC),
                self.rng.pick(REPORTED_PREDICATES),
                self.rng.pick(ACTORS_GENERIC),
                self.rng.pick(CONDITIONS)
            ),
        }
    }

    /// “…,” Araghchi said on Monday.
    fn quote_after(&mut self) -> String {
        let m = self.marks();
        let n = self.rng.range(1, 3);
        let q = self.quote_text(n);
        let q = q.trim_end_matches('.');
        let k = self.pick_speaker();
        let name = self.name(k, false);
        let cue = self.rng.pick(QUOTE_CUES);
        let date = self.date_phrase();
        let mut p = if self.rng.chance(50) {
            format!("{}{q},{} {name} {cue}{date}.", m.open(), m.close())
        } else {
            format!("{}{q},{} {cue} {name}{date}.", m.open(), m.close())
        };
        if self.rng.chance(40) {
            p.push(' ');
            p.push_str(&self.noise_sentence());
        }
        p
    }

    /// Araghchi told reporters: “…”
    fn quote_before(&mut self) -> String {
        let m = self.marks();
        let k = self.pick_speaker();
        let name = self.name(k, true);
        let n = self.rng.range(1, 3);
        let q = self.quote_text(n);
        let cue = self.rng.pick(INTRO_CUES);
        let date = self.date_phrase();
        format!("{name} {cue}{date}: {}{q}{}", m.open(), m.close())
    }

    /// “A,” he said. “B.”
    fn split_quote(&mut self) -> String {
        let m = self.marks();
        let a = self.quote_text(1);
        let a = a.trim_end_matches('.');
        let k = self.pick_speaker();
        let name = self.name(k, false);
        let cue = self.rng.pick(QUOTE_CUES);
        let n = self.rng.range(1, 2);
        let b = self.quote_text(n);
        if self.rng.chance(50) {
            format!(
                "{o}{a},{c} {name} {cue}. {o}{b}{c}",
                o = m.open(),
                c = m.close()
            )
        } else {
            // Split mid-sentence: “A,” she said, “b.”
            let b = lower_first(&b);
            format!(
                "{o}{a},{c} {name} {cue}, {o}{b}{c}",
                o = m.open(),
                c = m.close()
            )
        }
    }

    /// A quotation running over paragraphs: the first leaves its quotation
    /// mark open, the next opens another one.
    fn multi_paragraph_quote(&mut self) -> String {
        let m = self.marks();
        let k = self.pick_speaker();
        let name = self.name(k, true);
        let cue = self.rng.pick(INTRO_CUES);
        let a = self.quote_text(2);
        let b = self.quote_text(2);
        let mut p = format!("{name} {cue}: {}{a}\n\n{}{b}", m.open(), m.open());
        if self.rng.chance(50) {
            let c = self.quote_text(1);
            p.push_str(&format!("\n\n{}{c}", m.open()));
        }
        p.push_str(m.close());
        p
    }

    /// Araghchi warned on Monday that …
    fn indirect(&mut self) -> String {
        let k = self.pick_speaker();
        let clause = self.reported_clause();
        let date = self.date_phrase();
        match self.rng.below(4) {
            0 => {
                let name = self.name(k, false);
                format!(
                    "{}, {name} {}{date}.",
                    capitalise(&clause),
                    self.rng.pick(PLAIN_CUES)
                )
            }
            1 => {
                let name = self.name(k, true);
                format!(
                    "{name} {}{date} that {clause}, {}.",
                    self.rng.pick(THAT_CUES),
                    self.rng.pick(TAILS)
                )
            }
            2 => {
                let name = self.name(k, true);
                format!(
                    "{name} {} {}{date}, saying {clause}.",
                    self.rng.pick(STANCE_CUES),
                    self.rng.pick(TOPICS[self.topic].objects)
                )
            }
            _ => {
                let name = self.name(k, true);
                let clause2 = self.reported_clause();
                format!(
                    "{name} {}{date} that {clause}. {} {} that {clause2}.",
                    self.rng.pick(THAT_CUES),
                    capitalise(self.cast.people[self.speakers[k]].pronoun),
                    self.rng.pick(THAT_CUES)
                )
            }
        }
    }

    /// … told IRNA / … as quoted by Tasnim / Fars reported that …
    fn outlet_statement(&mut self) -> String {
        let outlet = self.rng.pick(&self.cast.outlets).clone();
        let k = self.pick_speaker();
        let clause = self.reported_clause();
        let date = self.date_phrase();
        match self.rng.below(5) {
            0 => {
                let name = self.name(k, true);
                format!("{name} told {outlet}{date} that {clause}.")
            }
            1 => {
                let m = self.marks();
                let q = self.quote_text(1);
                let q = q.trim_end_matches('.');
                let name = self.name(k, false);
                format!(
                    "{}{q},{} {name} said{date}, as quoted by {outlet}.",
                    m.open(),
                    m.close()
                )
            }
            2 => {
                let name = self.name(k, false);
                format!("{outlet} reported{date} that {name} had said {clause}.")
            }
            3 => {
                let desc = self.rng.pick(&self.cast.outlet_descriptions).clone();
                let name = self.name(k, true);
                format!("{name} said in an interview with {desc}{date} that {clause}.")
            }
            _ => {
                let m = self.marks();
                let q = self.quote_text(1);
                let name = self.name(k, false);
                format!(
                    "In remarks carried by {outlet}, {name} said: {}{q}{}",
                    m.open(),
                    m.close()
                )
            }
        }
    }

    /// According to Araghchi, …
    fn according_to(&mut self) -> String {
        let k = self.pick_speaker();
        let name = self.name_as(k, false, false);
        let clause = self.reported_clause();
        if self.rng.chance(50) {
            format!("According to {name}, {clause}.")
        } else {
            format!("{}, according to {name}.", capitalise(&clause))
        }
    }

    /// Araghchi called the deal “a historic mistake” and said …
    fn partial_quote(&mut self) -> String {
        let m = self.marks();
        let k = self.pick_speaker();
        let name = self.name(k, true);
        let obj = *self.rng.pick(TOPICS[self.topic].objects);
        let j = self.rng.pick(SHORT_QUOTES);
        let clause = self.reported_clause();
        format!(
            "{name} described {obj} as {}{j}{} and said {clause}.",
            m.open(),
            m.close()
        )
    }

    /// The Revolutionary Guards said in a statement that …
    fn organisation_statement(&mut self) -> String {
        let org = self.rng.pick(&self.cast.organisations).clone();
        let clause = self.reported_clause();
        let date = self.date_phrase();
        self.last = Some(Speaker::Organisation(0));
        match self.rng.below(3) {
            0 => format!(
                "{} said in a statement{date} that {clause}.",
                capitalise(&org)
            ),
            1 => format!(
                "In a statement issued{date}, {org} {} that {clause}.",
                self.rng.pick(THAT_CUES)
            ),
            _ => {
                let m = self.marks();
                let q = self.quote_text(2);
                format!(
                    "{} {} in a statement: {}{q}{}",
                    capitalise(&org),
                    self.rng.pick(["said", "wrote", "declared"].as_slice()),
                    m.open(),
                    m.close()
                )
            }
        }
    }

    fn noise_sentence(&mut self) -> String {
        let t = &TOPICS[self.topic];
        match self.rng.below(8) {
            0 => format!(
                "Oil prices {} {}.{} percent in {} trading.",
                self.rng
                    .pick(["rose", "fell", "edged up", "slipped"].as_slice()),
                self.rng.range(0, 6),
                self.rng.range(1, 9),
                self.rng
                    .pick(["early", "late", "Asian", "European"].as_slice())
            ),
            1 => format!(
                "The talks, held in {}, {}.",
                self.rng.pick(CITIES),
                self.rng.pick(TALK_STATES)
            ),
            2 => format!(
                "{} {}.",
                capitalise(self.rng.word(t.objects)),
                self.rng.pick(BACKGROUND)
            ),
            3 => format!(
                "The U.S. Treasury estimates that about ${}.{} billion in assets remain frozen.",
                self.rng.range(1, 120),
                self.rng.range(0, 9)
            ),
            4 => format!(
                "A delegation of {} officials arrived in {} late on {}.",
                self.rng.range(3, 40),
                self.rng.pick(CITIES),
                self.rng.pick(WEEKDAYS)
            ),
            5 => format!(
                "Inspectors last visited the site at {}, about {} km south of {}.",
                self.rng.pick(SITES),
                self.rng.range(20, 400),
                self.rng.pick(CITIES)
            ),
            6 => format!(
                "Enrichment levels reached {}.{} percent, according to the latest report.",
                self.rng.range(3, 60),
                self.rng.range(0, 9)
            ),
            _ => self.rng.pick(FILLER).to_string(),
        }
    }

    fn noise_paragraph(&mut self) -> String {
        let n = self.rng.range(2, 4);
        let mut p = String::new();
        for i in 0..n {
            if i > 0 {
                p.push(' ');
            }
            p.push_str(&self.noise_sentence());
        }
        p
    }

    fn bullets(&mut self) -> String {
        let mark = *self.rng.pick(["- ", "• ", "* "].as_slice());
        let n = self.rng.range(3, 5);
        let mut p = format!("{}\n", self.rng.pick(BULLET_HEADS));
        for i in 0..n {
            if i > 0 {
                p.push('\n');
            }
            p.push_str(mark);
            if self.rng.chance(40) {
                let k = self.pick_speaker();
                let name = self.name(k, true);
                let clause = self.reported_clause();
                p.push_str(&format!("{name} said {clause}."));
            } else {
                p.push_str(&self.noise_sentence());
            }
        }
        p
    }

    /// - March 4: Araghchi said …  (each entry dated by its head)
    fn dated_section(&mut self) -> String {
        let n = self.rng.range(2, 4);
        let mut d = self.published - Days::new(self.rng.range(5, 40) as u64);
        let mut p = String::new();
        for i in 0..n {
            if i > 0 {
                p.push_str("\n\n");
            }
            let k = self.pick_speaker();
            let name = self.name(k, true);
            let clause = self.reported_clause();
            p.push_str(&format!(
                "- {} {}: {name} {} that {clause}.",
                MONTHS[d.month0() as usize],
                d.day(),
                self.rng.pick(THAT_CUES)
            ));
            if self.rng.chance(50) {
                let m = self.marks();
                let q = self.quote_text(1);
                let pr = capitalise(self.cast.people[self.speakers[k]].pronoun);
                p.push_str(&format!(" {pr} added: {}{q}{}", m.open(), m.close()));
            }
            d = d + Days::new(self.rng.range(1, 6) as u64);
        }
        p
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        // Keep "I" and proper names ("Iran", "Washington") capitalised.
        Some(f) if s.starts_with("We ") || s.starts_with("Our ") || s.starts_with("This ") => {
            f.to_lowercase().chain(c).collect()
        }
        _ => s.to_string(),
    }
}

struct Topic {
    name: &'static str,
    objects: &'static [&'static str],
}

const TOPICS: &[Topic] = &[
    Topic {
        name: "nuclear talks",
        objects: &[
            "the nuclear deal",
            "the agreement",
            "the negotiations in Vienna",
            "the latest proposal",
            "a return to the 2015 accord",
            "the draft text",
        ],
    },
    Topic {
        name: "sanctions",
        objects: &[
            "the sanctions",
            "the oil embargo",
            "the banking restrictions",
            "the new round of sanctions",
            "the waiver",
            "the maximum pressure campaign",
        ],
    },
    Topic {
        name: "enrichment",
        objects: &[
            "uranium enrichment",
            "the enrichment programme",
            "the stockpile of enriched uranium",
            "the centrifuge cascades",
            "the inspection regime",
            "the IAEA report",
        ],
    },
    Topic {
        name: "regional security",
        objects: &[
            "the situation in the Gulf",
            "the seizure of the tanker",
            "the missile programme",
            "the naval exercises",
            "the prisoner exchange",
            "the security of shipping in the Strait of Hormuz",
        ],
    },
];

const FIRST_PERSON: &[&str] = &["We", "I", "We all", "My government and I", "You and I"];
const STANCES: &[&str] = &[
    "reject",
    "welcome",
    "support",
    "oppose",
    "will not accept",
    "are ready to discuss",
    "cannot ignore",
    "remain committed to",
];
const MODALS: &[&str] = &["will", "must", "cannot", "should not", "will never"];
const ACTIONS: &[&str] = &[
    "negotiate on",
    "give up",
    "accept limits on",
    "compromise on",
    "return to",
    "walk away from",
];
const ACTORS_GENERIC: &[&str] = &[
    "Washington",
    "Tehran",
    "the United States",
    "the Islamic Republic",
    "the other side",
    "Europe",
    "the White House",
    "the Zionist regime",
    "the international community",
    "the new administration",
];
const PREDICATES: &[&str] = &[
    "has violated its commitments",
    "must lift all sanctions first",
    "is not serious about diplomacy",
    "will have to pay a heavy price",
    "has left the door open to talks",
    "cannot be trusted",
    "is playing a dangerous game",
    "knows exactly what it has to do",
];
const REPORTED_PREDICATES: &[&str] = &[
    "had violated its commitments",
    "would have to lift all sanctions first",
    "had never been serious about diplomacy",
    "would pay a heavy price",
    "had left the door open to talks",
    "could not be trusted",
    "stood ready to resume the talks",
    "had no intention of leaving the agreement",
];
const REPORTED_MODALS: &[&str] = &["would not", "would", "could", "might", "had refused to"];
const CONDITIONS: &[&str] = &[
    "keeps its promises",
    "lifts the sanctions",
    "returns to the deal",
    "continues on this path",
    "attacks our facilities",
];
const CONSEQUENCES: &[&str] = &[
    "will respond in kind",
    "will reconsider its position",
    "will return to full compliance",
    "will face the consequences",
];
/// Complements of "will remain" / "would remain".
const JUDGEMENTS: &[&str] = &[
    "a historic mistake",
    "non-negotiable",
    "a red line for us",
    "a step in the right direction",
    "unacceptable under any circumstances",
    "on the table, whatever the hardliners say",
];
const OPENERS: &[&str] = &[
    "Frankly",
    "As I said before",
    "At this stage",
    "In our view",
    "Let me be clear",
    "For the time being",
];
const SHORT_QUOTES: &[&str] = &[
    "a historic mistake",
    "economic terrorism",
    "a win-win outcome",
    "totally unacceptable",
    "the best deal possible",
    "a betrayal",
];
const QUOTE_CUES: &[&str] = &[
    "said",
    "told reporters",
    "added",
    "insisted",
    "warned",
    "stressed",
    "noted",
    "wrote",
];
const INTRO_CUES: &[&str] = &[
    "said",
    "told reporters",
    "wrote on X",
    "told a news conference",
    "said in a televised speech",
    "added",
];
const PLAIN_CUES: &[&str] = &["said", "added", "argued", "claimed", "noted", "warned"];
const THAT_CUES: &[&str] = &[
    "said",
    "warned",
    "insisted",
    "argued",
    "stressed",
    "claimed",
    "acknowledged",
    "announced",
    "believes",
    "denied",
];
const STANCE_CUES: &[&str] = &["rejected", "welcomed", "dismissed", "criticised", "praised"];
const TAILS: &[&str] = &[
    "without giving details",
    "in a speech to parliament",
    "during a visit to the capital",
    "in a post on social media",
    "at a joint news conference",
];
const RELATIVE: &[&str] = &[
    "last week",
    "earlier this month",
    "two days later",
    "the next day",
    "last month",
    "this week",
];
const WEEKDAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const CITIES: &[&str] = &[
    "Vienna", "Geneva", "Muscat", "Doha", "Oslo", "Tehran", "New York",
];
const SITES: &[&str] = &["Natanz", "Fordow", "Isfahan", "Arak", "Bushehr"];
const TALK_STATES: &[&str] = &[
    "have stalled for months",
    "resumed after a five-month pause",
    "are expected to continue next week",
    "ended without a joint statement",
];
const BACKGROUND: &[&str] = &[
    "has been at the centre of a long dispute between the two countries",
    "will likely dominate next month's board meeting",
    "remained one of several issues still unresolved",
    "has long been seen as the main obstacle to a deal",
];
const FILLER: &[&str] = &[
    "The rial lost almost a fifth of its value over the year.",
    "Neither side has published the draft.",
    "Diplomats from the E3 group met separately on the sidelines.",
    "The meeting lasted nearly four hours.",
    "No date has been set for the next round.",
    "Mr. and Mrs. Smith were among the foreign nationals released in the exchange.",
    "The vote passed 190 to 12, with 20 abstentions.",
    "Shipping insurers raised premiums for tankers in the region.",
];
const BULLET_HEADS: &[&str] = &[
    "Key points:",
    "What we know so far:",
    "The main elements of the proposal:",
    "Reactions so far:",
];
const TITLE_CLAIMS: &[&str] = &[
    "no talks under pressure",
    "the door to diplomacy remains open",
    "sanctions must go first",
    "the deal is dead",
];
const HEADLINE_TAILS: &[&str] = &[
    "what was said this week",
    "the reactions",
    "a timeline",
    "both sides harden positions",
];
const HEADLINE_VERBS: &[&str] = &["stall", "resume", "falter", "advance"];

#[cfg(test)]
mod tests {
    use super::*;

    fn cast() -> (Pack, Cast) {
        let pack = Pack::default_pack().expect("default pack");
        let cast = Cast::from_pack(&pack);
        (pack, cast)
    }

    #[test]
    fn same_seed_same_text() {
        let (pack, cast) = cast();
        let a = generate_with(&cast, &pack, 7, 40_000);
        let b = generate_with(&cast, &pack, 7, 40_000);
        assert_eq!(a, b);
        let c = generate_with(&cast, &pack, 8, 40_000);
        assert_ne!(a[0].body, c[0].body);
    }

    #[test]
    fn sizes_are_bounded() {
        let (pack, cast) = cast();
        let docs = generate_with(&cast, &pack, 1, 300_000);
        let total: usize = docs.iter().map(|d| d.body.len()).sum();
        assert!(total >= 300_000);
        assert!(total < 300_000 + MAX_DOC_BYTES);
        for d in &docs {
            assert!(
                (MIN_DOC_BYTES..=MAX_DOC_BYTES).contains(&d.body.len()),
                "{} bytes",
                d.body.len()
            );
        }
    }

    #[test]
    fn articles_hold_statements_the_extractor_finds() {
        let (pack, cast) = cast();
        let docs = generate_with(&cast, &pack, 3, 60_000);
        let mut statements = 0;
        let mut with_actor = 0;
        for d in &docs {
            let st = tealeaf_core::extract(d, &pack);
            statements += st.len();
            with_actor += st.iter().filter(|s| s.speaker_id.is_some()).count();
        }
        let body: String = docs.iter().map(|d| d.body.as_str()).collect();
        assert!(body.contains('“') && body.contains('"'));
        assert!(statements >= docs.len() * 5, "{statements} statements");
        assert!(with_actor * 2 >= statements, "{with_actor} of {statements}");
    }

    #[test]
    fn long_document_joins_parts() {
        let (pack, cast) = cast();
        let d = long_document(&cast, &pack, 5, 4);
        assert!(d.body.len() > 4 * MIN_DOC_BYTES);
    }
}
