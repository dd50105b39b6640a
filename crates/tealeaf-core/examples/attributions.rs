//! Prints the attributions found in a text file, before resolution — a
//! debugging aid for rule work: `cargo run -p tealeaf-core --example
//! attributions -- FILE`.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: attributions FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1)
    });
    let docs = tealeaf_core::document::parse(&path, &bytes, tealeaf_core::document::Format::Text);
    for doc in docs.into_iter().flatten() {
        let text = doc.body.as_str();
        let seg = tealeaf_core::sentences::segment(text);
        let quotes = tealeaf_core::quotes::find_quotations(text, &seg);
        for q in &quotes {
            println!(
                "QUOTE {:?} {:?}",
                q.outer,
                q.content.slice(text).chars().take(60).collect::<String>()
            );
        }
        for (i, a) in tealeaf_core::statements::find_attributions(text, &seg, &quotes)
            .iter()
            .enumerate()
        {
            let speaker = match &a.speaker {
                tealeaf_core::statements::SpeakerRef::Phrase { span, .. } => {
                    span.slice(text).to_string()
                }
                other => format!("{other:?}"),
            };
            println!(
                "#{i} {:?} {:?} rule={} cue={:?} speaker={speaker:?}\n    {:?}",
                a.kind,
                a.content,
                a.rule,
                a.cue_text,
                a.content.slice(text).chars().take(100).collect::<String>()
            );
        }
    }
}
