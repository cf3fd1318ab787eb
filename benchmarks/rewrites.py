"""Do offline rewrites become a story the candidate could say, with every fact theirs? Prints one JSON object;
exits 1 when a target is missed.

Over the weak answers in benchmarks/data/rewrites_*.yaml (many voices, each with notes that supply what it
lacks, filed by the part of the story each fact belongs to), three runs per answer:
- without notes: no rubric may drop, and every missing piece gets exactly one placeholder;
- with full notes (joined in a scrambled order, so placement is the rewriter's job; items with `layout: lines`
  keep their notes jotted one fact a line, with no full stops): the score, the gain,
  placeholders left, role labels in the prose, invented numbers or names, and whether every number from the
  notes lands in a sentence of the right part;
- with the lesson left out of the notes: only the lesson's question may remain.
Length: the rewrite's words against every word the candidate gave (answer + notes). A rewrite under 120 words
must say so in a notice rather than pad; nothing is invented to reach the issue's 120-250 words.
Scores are reported, not hard-coded: the scorer's overall is calibrated elsewhere and may shift.

    python benchmarks/rewrites.py [--limit N] [--only ID[,ID…]] [--show ID]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from typing import Any

from _common import ROOT

from simulator.facts import NUMBER, unsupported
from simulator.rewriting import Rewrite, Rewriter
from simulator.rewriting.plan import QUESTIONS
from simulator.runtime import get_runtime

DATA = ROOT / "benchmarks" / "data"
SCRAMBLE = ("result", "action", "situation", "learning", "cause", "ownership", "task")  # notes as typed, out of order
PLACES = {  # where a fact from each kind of note may be told
    "situation": {"situation"},
    "cause": {"situation", "action"},
    "task": {"task"},
    "action": {"action"},
    "ownership": {"task", "action"},
    "result": {"result"},
    "learning": {"learning"},
}
FAMILY = {"action_detail": "action", "result_figure": "result"}  # one piece, asked one of two ways
LABEL = re.compile(r"\b(?:Situation|Task|Action|Result|Learning|Lesson)\s*:", re.I)
TARGETS = {
    "full_notes_mean_after": 75.0,
    "full_notes_mean_gain": 30.0,
    "placeholders_left_with_full_notes": 0,
    "role_labels_in_prose": 0,
    "invented_facts": 0,
    "note_numbers_missing_or_misplaced": 0,
    "rubric_drops_without_notes": 0,
    "missing_pieces_without_a_placeholder": 0,
    "duplicate_placeholders": 0,
    "placeholders_left_beyond_the_unanswered_lesson": 0,
    "short_rewrites_without_a_length_notice": 0,
}
MARKER = re.compile(r"^[ \t]*(?:[-*•]|\d{1,2}[.)])[ \t]+", re.M)  # a list item's bullet or number
WORDS = re.compile(r"[A-Za-z0-9][\w'.%-]*")  # counted as Rewrite.words counts them


def load(limit: int | None, only: str | None = None) -> list[dict[str, Any]]:
    import yaml

    items: list[dict[str, Any]] = []
    for path in sorted(DATA.glob("rewrites_*.yaml")):
        items += yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    ids = [i["id"] for i in items]
    if len(set(ids)) != len(ids):
        raise SystemExit(json.dumps({"error": "duplicate ids in benchmarks/data/rewrites_*.yaml"}))
    if only:
        wanted = [w.strip() for w in only.split(",") if w.strip()]
        unknown = sorted(set(wanted) - set(ids))
        if unknown:
            raise SystemExit(json.dumps({"error": f"unknown ids: {', '.join(unknown)}; see benchmarks/data/"}))
        items = [i for i in items if i["id"] in wanted]
    return items[:limit] if limit else items


def join_notes(notes: dict[str, str], leave_out: str = "", layout: str = "prose") -> str:
    """Notes as typed: sentences run together, or (`layout: lines`) jotted one fact a line with no full stops."""
    return ("\n" if layout == "lines" else " ").join(notes[k] for k in SCRAMBLE if k in notes and k != leave_out)


def placed(r: Rewrite, notes: dict[str, str]) -> list[dict[str, str]]:
    """Numbers from the notes that are absent from the rewrite or told in the wrong part of the story."""
    bad = []
    for kind, text in notes.items():
        text = MARKER.sub("", text)  # "1. pulled the cost data": the list number is no fact
        for num in dict.fromkeys(n.rstrip(".,") for n in NUMBER.findall(text)):
            pattern = re.compile(r"(?<![\d.,])" + re.escape(num) + r"(?![\d])")
            roles = {s.role for s in r.segments if s.kind == "sentence" and pattern.search(s.text)}
            if not roles & PLACES[kind]:
                bad.append({"number": num, "note": kind, "told_in": ",".join(sorted(roles)) or "nowhere"})
    return bad


def _spread(values: list[int] | list[float]) -> dict[str, float]:
    q = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
    return {
        "min": min(values),
        "p25": round(q[0], 2),
        "median": statistics.median(values),
        "p75": round(q[2], 2),
        "max": max(values),
    }


def run(items: list[dict[str, Any]], show: str | None) -> dict[str, Any]:
    rt = get_runtime()
    rw = Rewriter(rt)
    rows = []
    t0 = time.perf_counter()
    for it in items:
        q, answer, notes = it["question"], it["answer"], it["notes"]
        layout = it.get("layout", "prose")
        full_text = join_notes(notes, layout=layout)
        bare = rw.rewrite(answer, question_text=q)
        full = rw.rewrite(answer, question_text=q, notes=full_text)
        partial = rw.rewrite(answer, question_text=q, notes=join_notes(notes, "learning", layout))
        expected = {FAMILY.get(p, p) for p in it["missing"]}
        asked = list(bare.placeholders)
        pieces = [FAMILY.get(k, k) for k, v in QUESTIONS.items() if v in asked]
        row = {
            "id": it["id"],
            "voice": it["voice"],
            "layout": layout,
            "before": full.before.overall,
            "after_no_notes": bare.after.overall,
            "after_full_notes": full.after.overall,
            "gain_full_notes": full.after.overall - full.before.overall,
            "words_full_notes": full.words,
            "material_words": len(WORDS.findall(f"{answer} {full_text}")),
            "length_notice": any("Nothing was added to lengthen it" in n for n in full.notices),
            "drops_no_notes": [
                rid
                for rid, rb in bare.before.rubrics.items()
                if rid in bare.after.rubrics and bare.after.rubrics[rid].score < rb.score
            ],
            "missing_expected": sorted(expected),
            "missing_asked": pieces,
            "unasked": sorted(expected - set(pieces)),
            "extra_asked": sorted(set(pieces) - expected),
            "duplicates": len(asked) - len(set(asked)),
            "left_full_notes": full.placeholders,
            "left_without_lesson_note": [p for p in partial.placeholders if p != QUESTIONS["learning"]],
            "labels": len(LABEL.findall(full.text)) + len(LABEL.findall(bare.text)),
            "invented": [f.text for f in unsupported(full.text, [answer, full_text], rt.scorer.lex)]
            + [f.text for f in unsupported(bare.text, [answer], rt.scorer.lex)],
            "misplaced": placed(full, notes),
            "changes": {k: sum(1 for c in full.changes if c.kind == k) for k in ("replaced", "moved", "added")},
        }
        rows.append(row)
        if show == it["id"]:
            print(json.dumps({"no_notes": bare.text, "full_notes": full.text, "row": row}, indent=1), file=sys.stderr)
    seconds = time.perf_counter() - t0
    after = [r["after_full_notes"] for r in rows]
    gains = [r["gain_full_notes"] for r in rows]
    words = [r["words_full_notes"] for r in rows]
    material = [r["material_words"] for r in rows]
    short = [r for r in rows if r["words_full_notes"] < rw.words.data.min_words]
    jotted = [r for r in rows if r["layout"] == "lines"]
    figures = {
        "full_notes_mean_after": round(statistics.mean(after), 1),
        "full_notes_mean_gain": round(statistics.mean(gains), 1),
        "placeholders_left_with_full_notes": sum(len(r["left_full_notes"]) for r in rows),
        "role_labels_in_prose": sum(r["labels"] for r in rows),
        "invented_facts": sum(len(r["invented"]) for r in rows),
        "note_numbers_missing_or_misplaced": sum(len(r["misplaced"]) for r in rows),
        "rubric_drops_without_notes": sum(len(r["drops_no_notes"]) for r in rows),
        "missing_pieces_without_a_placeholder": sum(len(r["unasked"]) for r in rows),
        "duplicate_placeholders": sum(r["duplicates"] for r in rows),
        "placeholders_left_beyond_the_unanswered_lesson": sum(len(r["left_without_lesson_note"]) for r in rows),
        "short_rewrites_without_a_length_notice": sum(not r["length_notice"] for r in short),
    }
    missed = [
        k
        for k, target in TARGETS.items()
        if (figures[k] < target if k.startswith("full_notes_mean") else figures[k] > target)
    ]
    return {
        "answers": len(rows),
        "voices": len({r["voice"] for r in rows}),
        "figures": figures,
        "targets": TARGETS,
        "missed": missed,
        "also": {
            "jotted_one_per_line_answers": len(jotted),
            "full_notes_mean_after_by_layout": {
                layout: round(statistics.mean(r["after_full_notes"] for r in rows if r["layout"] == layout), 1)
                for layout in sorted({r["layout"] for r in rows})
            },
            "full_notes_min_after": min(after),
            "full_notes_share_at_least_75": round(sum(a >= 75 for a in after) / len(after), 3),
            "mean_before": round(statistics.mean(r["before"] for r in rows), 1),
            "no_notes_mean_after": round(statistics.mean(r["after_no_notes"] for r in rows), 1),
            "words_full_notes": _spread(words),
            # every word the candidate gave (answer + all notes): the most a rewrite could say without inventing
            "material_words_full_notes": _spread(material),
            "rewrite_words_per_material_word": _spread([round(w / m, 2) for w, m in zip(words, material, strict=True)]),
            "rewrites_in_120_250_words": sum(120 <= w <= 250 for w in words),
            "inputs_with_at_least_120_material_words": sum(m >= 120 for m in material),
            "rewrites_under_120_words_with_a_length_notice": sum(r["length_notice"] for r in short),
            "questions_beyond_the_hand_read_missing_pieces": sum(len(r["extra_asked"]) for r in rows),
            "answers_whose_questions_match_the_hand_reading": sum(
                not r["unasked"] and not r["extra_asked"] for r in rows
            ),
            "changes_full_notes": {k: sum(r["changes"][k] for r in rows) for k in ("replaced", "moved", "added")},
            "seconds": round(seconds, 1),
        },
        "rows": [
            r
            for r in rows
            if r["unasked"]
            or r["misplaced"]
            or r["invented"]
            or r["left_full_notes"]
            or r["drops_no_notes"]
            or r["after_full_notes"] < 75
            or r["left_without_lesson_note"]
            or r["extra_asked"]
        ],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--only", default=None, help="run only these ids (comma-separated), for development")
    ap.add_argument("--show", default=None, help="print the two rewrites of this id to stderr")
    args = ap.parse_args()
    out = run(load(args.limit, args.only), args.show)
    print(json.dumps(out, indent=1))
    return 1 if out["missed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
