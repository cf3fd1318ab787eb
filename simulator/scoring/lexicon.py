"""Cue phrases and the technology lexicon, loaded from `rubrics/lexicon/*.yaml` and compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from simulator.errors import DataFileError
from simulator.loaders import read_yaml
from simulator.scoring.datafile import load_model
from simulator.scoring.quantities import NumberWords, load_number_words
from simulator.scoring.tuning import SignalTuning, load_tuning

REGEX_LISTS = {"before_after", "injection_patterns"}
REQUIRED = (  # the lists the code names; any other list in cues.yaml is compiled too, for new signals
    "first_person_singular",
    "first_person_plural",
    "action_verbs",
    "vague_claims",
    "platitudes",
    "alternatives",
    "costs",
    "justification",
    "failure_handling",
    "result_cues",
    "before_after",
    "units",
    "design_requirements",
    "design_estimation",
    "design_data_api",
    "design_components",
    "design_deep_dive",
    "design_reliability",
    "design_security",
    "code_clarify",
    "code_brute_force",
    "code_optimised",
    "code_complexity",
    "code_edge_cases",
    "code_testing",
    "code_narration",
    "injection_patterns",
    "stance",
    "domain_refs",
    "experience_refs",
    "generic_phrases",
    "diagnose_cues",
    "plan_markers",
    "communication_cues",
    "prevention_cues",
    "mechanism_cues",
    "example_cues",
    "when_to_use_cues",
    "decision_cues",
    "grand_claims",
    "task_cues",
    "learning_cues",
    "process_verbs",
)


def _phrase_pattern(phrases: list[str], regex: bool = False) -> re.Pattern[str]:
    """One alternation, longest phrase first. Phrases bounded by letters or digits on both sides share a
    single boundary check, so the engine tries them only at word starts (about ten times faster)."""
    bounded, other = [], []
    for p in sorted({str(x).lower() for x in phrases}, key=lambda x: (-len(x), x)):  # the same pattern every run
        body = p if regex or ".{" in p else re.escape(p)
        left, right = p[:1].isalnum(), p[-1:].isalnum() or p.endswith(")")
        if left and right:
            bounded.append(body)
        else:
            other.append((r"(?<![a-z0-9])" if left else "") + body + (r"(?![a-z0-9])" if right else ""))
    parts = [r"(?<![a-z0-9])(?:" + "|".join(bounded) + r")(?![a-z0-9])"] if bounded else []
    return re.compile("|".join(parts + other) or r"(?!x)x")


SHAPED_TERM = re.compile(
    r"(?<![\w.])(?:[A-Z][A-Z0-9]{1,6}s?(?![a-z])"  # acronyms: TLS, HTTP2, APIs
    r"|[A-Z]?[a-z]+[A-Z][A-Za-z0-9]+"  # CamelCase: ClientHello, OrderedDict, PostgreSQL
    r"|[a-z][a-z0-9]*(?:[._][a-z0-9]+)+(?:\(\))?"  # identifiers: max.poll.interval, user_id
    r")(?![\w])"
)
TERM_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#._/'-]*[a-z0-9+#]|[a-z0-9]")
MAX_TERM_WORDS = 5


def term_key(text: str) -> str:
    return " ".join(TERM_TOKEN.findall(text.lower()))


class WordSets(BaseModel):
    """`rubrics/lexicon/word_sets.yaml`: lists matched without word boundaries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    class Substrings(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        explain_markers: tuple[str, ...] = Field(min_length=1)
        task_personal: tuple[str, ...] = Field(min_length=1)
        task_constraints: tuple[str, ...] = Field(min_length=1)
        requirement_links: tuple[str, ...] = Field(min_length=1)
        big_o: tuple[str, ...] = Field(min_length=1)

    class Words(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        helper_verbs: frozenset[str] = Field(min_length=1)

    substrings: Substrings
    words: Words


@dataclass(frozen=True)
class Lexicon:
    cues: dict[str, re.Pattern[str]]
    injection: tuple[re.Pattern[str], ...]
    tech: re.Pattern[str]
    tech_canonical: dict[str, str]  # term_key -> spelling in the lexicon
    single_words: dict[str, frozenset[str]]  # cue list -> its one-word entries, for word lookups
    tech_starts: frozenset[str]  # first tokens of every tech term
    numbers: NumberWords  # how numbers are written in words (`numbers.yaml`)
    units: frozenset[str]  # one-word units, for quantities written in words
    not_terms: frozenset[str]  # acronyms and shapes that are everyday words, not technologies
    tuning: SignalTuning  # the signals' thresholds and ladders (`rubrics/calibration/signals.yaml`)
    word_sets: WordSets  # lists matched as plain substrings or whole words (`rubrics/lexicon/word_sets.yaml`)

    def ladder(self, signal: str) -> tuple[int, ...]:
        return self.tuning.ladder(signal)

    def contains(self, name: str, text_lower: str) -> bool:
        """Whether any entry of `word_sets.yaml` substrings `name` occurs anywhere in `text_lower`."""
        return any(w in text_lower for w in getattr(self.word_sets.substrings, name))

    def find(self, name: str, text_lower: str) -> list[str]:
        return [m.group(0) for m in self.cues[name].finditer(text_lower)]

    def has(self, name: str, text_lower: str) -> bool:
        return self.cues[name].search(text_lower) is not None

    def is_word(self, name: str, word: str) -> bool:
        """`has` for a single lowercase word: a set lookup when the word is plain letters."""
        return word in self.single_words[name] if word.isalpha() else self.has(name, word)

    def shaped_terms(self, text: str) -> list[str]:
        """Acronyms, CamelCase names and code identifiers: named specifics that no list could hold."""
        found = [m.group(0) for m in SHAPED_TERM.finditer(text)]
        return list(dict.fromkeys(t for t in found if t not in self.not_terms and not re.fullmatch(r"[\d.]+", t)))

    def tech_terms(self, text: str) -> list[str]:
        """Distinct named technologies/techniques in `text`, in canonical spelling (longest match first)."""
        tokens = TERM_TOKEN.findall(text.lower())
        found: dict[str, None] = {}
        i = 0
        while i < len(tokens):
            if tokens[i] not in self.tech_starts:
                i += 1
                continue
            for n in range(min(MAX_TERM_WORDS, len(tokens) - i), 0, -1):
                hit = self.tech_canonical.get(" ".join(tokens[i : i + n]))
                if hit is not None:
                    found[hit] = None
                    i += n
                    break
            else:
                i += 1
        return list(found)


@lru_cache(maxsize=4)
def load_lexicon(rubrics_dir: Path) -> Lexicon:
    cues_raw = read_yaml(rubrics_dir / "lexicon" / "cues.yaml", rubrics_dir.parent)
    tech_raw = read_yaml(rubrics_dir / "lexicon" / "tech_terms.yaml", rubrics_dir.parent)
    problems = []
    if not isinstance(cues_raw, dict):
        problems.append("rubrics/lexicon/cues.yaml: expected a mapping of cue lists")
        cues_raw = {}
    missing = [k for k in REQUIRED if not isinstance(cues_raw.get(k), list) or not cues_raw.get(k)]
    if missing:
        problems.append(f"rubrics/lexicon/cues.yaml: missing or empty lists: {', '.join(missing)}")
    not_lists = [str(k) for k, v in cues_raw.items() if k not in REQUIRED and (not isinstance(v, list) or not v)]
    if not_lists:
        problems.append(f"rubrics/lexicon/cues.yaml: expected a non-empty list of phrases: {', '.join(not_lists)}")
    terms_by_cat = tech_raw.get("terms") if isinstance(tech_raw, dict) else None
    if not isinstance(terms_by_cat, dict) or not all(isinstance(v, list) for v in terms_by_cat.values()):
        problems.append("rubrics/lexicon/tech_terms.yaml: expected 'terms:' mapping categories to lists")
        terms_by_cat = {}
    if problems:
        raise DataFileError(problems)
    try:
        cues = {k: _phrase_pattern(v, regex=k in REGEX_LISTS) for k, v in cues_raw.items()}
        injection = tuple(re.compile(p, re.I | re.M) for p in cues_raw["injection_patterns"])
    except re.error as exc:
        raise DataFileError([f"rubrics/lexicon/cues.yaml: a pattern does not compile: {exc}"]) from exc
    terms = [str(t) for items in terms_by_cat.values() for t in items]
    canonical = {term_key(t): t for t in terms if term_key(t)}
    single = {k: frozenset(str(x).lower() for x in v if str(x).isalpha()) for k, v in cues_raw.items()}
    starts = frozenset(key.split(" ", 1)[0] for key in canonical)
    units = frozenset(str(x).lower() for x in cues_raw["units"])
    numbers = load_number_words(rubrics_dir)
    word_sets = load_model(WordSets, rubrics_dir, "lexicon/word_sets.yaml")
    not_terms = frozenset(str(t) for t in (tech_raw.get("not_terms") or []))
    return Lexicon(
        cues,
        injection,
        _phrase_pattern(terms),
        canonical,
        single,
        starts,
        numbers,
        units,
        not_terms,
        load_tuning(rubrics_dir),
        word_sets,
    )
