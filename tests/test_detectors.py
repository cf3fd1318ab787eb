"""The learned criterion detectors: kept as checked data, bounded by the rule's reading, and only used where
they were fitted (the same encoder, answers of a fitted length)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from simulator.errors import DataFileError
from simulator.loaders import load_rubrics
from simulator.runtime import Runtime
from simulator.scoring.detectors import PATH, Detector, Detectors, detectors_for, level_of, load_detectors

ROOT = Path(__file__).resolve().parent.parent
DIM = 4


def _toy(weight: float, reach: int = 1) -> Detectors:
    """One detector on a 4-d vector: the first component pushes towards 'present' by `weight`."""
    det = Detector(bias=0.0, rule=0.0, vector=[weight, 0.0, 0.0, 0.0], answers=10)
    return Detectors(
        encoder="toy", dim=DIM, c=1.0, reach=reach, min_words=40, fade_words=40, criteria={"star.result": det}
    )


def test_the_shipped_file_is_checked_data_for_minilm_and_names_real_criteria() -> None:
    det = load_detectors(ROOT / "rubrics")
    assert det is not None and det.encoder == "minilm" and det.dim == 384
    assert det.reach == 1 and det.min_words > 0 and "held out" in det.fitted_on
    rubrics = load_rubrics(ROOT / "rubrics")
    keys = {f"{r.id}.{c.id}" for r in rubrics.values() for c in r.criteria}
    assert det.criteria and set(det.criteria) <= keys
    assert detectors_for(ROOT / "rubrics", "minilm", keys) is det
    assert detectors_for(ROOT / "rubrics", "fake", keys) is None  # weights read MiniLM's vectors only


def test_probability_maps_to_levels_with_half_at_three() -> None:
    assert [level_of(p) for p in (0.0, 0.2, 0.5, 0.8, 1.0)] == [1, 2, 3, 4, 5]


def test_a_detector_moves_the_rule_level_by_at_most_reach_and_never_grants_the_top() -> None:
    vec = np.array([1.0, 0, 0, 0], np.float32)
    sure_yes, sure_no = _toy(50.0), _toy(-50.0)
    assert sure_yes.level("star.result", 1, vec, words=100) == 2
    assert sure_yes.level("star.result", 3, vec, words=100) == 4
    assert sure_yes.level("star.result", 4, vec, words=100) == 4  # 5 is the rule's to give, with its quote
    assert sure_yes.level("star.result", 5, vec, words=100) == 5
    assert sure_no.level("star.result", 5, vec, words=100) == 4
    assert sure_no.level("star.result", 2, vec, words=100) == 1
    assert _toy(-50.0, reach=3).level("star.result", 5, vec, words=100) == 2


def test_no_detector_outside_what_was_fitted() -> None:
    vec = np.array([1.0, 0, 0, 0], np.float32)
    det = _toy(50.0)
    assert det.level("star.result", 3, vec, words=39) is None  # shorter than any training answer
    # it fades in over the next 40 words, so a few more words never switch every detector on at once
    assert [det.level("star.result", 1, vec, words=w) for w in (40, 44, 46, 80)] == [1, 1, 2, 2]
    assert det.level("star.action", 3, vec, words=100) is None  # no detector for this criterion
    assert det.level("star.result", 3, np.ones(7, np.float32), words=100) is None  # another vector size


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(reach=9), r"rubrics/calibration/detectors.json: reach: "),
        (
            lambda d: next(iter(d["criteria"].values()))["vector"].pop(),
            r"rubrics/calibration/detectors.json: .*vector length differs from dim 384",
        ),
        (lambda d: d["criteria"].update({"star.made_up": d["criteria"]["star.result"]}), r"'star.made_up' is no"),
    ],
)
def test_a_bad_detectors_file_names_the_file_and_key(tmp_path: Path, edit: object, message: str) -> None:
    rubrics_dir = tmp_path / "rubrics"
    shutil.copytree(ROOT / "rubrics", rubrics_dir)
    data = json.loads((rubrics_dir / PATH).read_text())
    edit(data)  # type: ignore[operator]
    (rubrics_dir / PATH).write_text(json.dumps(data))
    rubrics = load_rubrics(rubrics_dir)
    keys = {f"{r.id}.{c.id}" for r in rubrics.values() for c in r.criteria}
    with pytest.raises(DataFileError, match=message):
        detectors_for(rubrics_dir, "minilm", keys)


@pytest.mark.slow  # fits the intent and STAR models on the real encoder the first time
def test_on_real_minilm_each_level_stays_within_one_of_the_rule(
    minilm_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = minilm_runtime
    assert rt.scorer.detectors is not None
    answer = (
        "At my last job our nightly invoice export kept missing its window, so I took it on. I found it paged "
        "through two million rows with OFFSET, so every page got slower. I switched it to keyset pagination and "
        "added a covering index, then tested it against a copy of production. It went from almost four hours to "
        "twenty minutes and we have not missed a window since. I learned to read the query plan first."
    )
    q = "Tell me about a slow job you fixed."
    learned = rt.scorer.score(answer, question_text=q)
    monkeypatch.setattr(rt.scorer, "detectors", None)
    rule = rt.scorer.score(answer, question_text=q)
    moved = 0
    for rid, rubric in rule.rubrics.items():
        for cid, crit in rubric.criteria.items():
            now = learned.rubrics[rid].criteria[cid].level
            assert abs(now - crit.level) <= 1
            assert now < 5 or crit.level == 5
            moved += now != crit.level
            assert learned.rubrics[rid].criteria[cid].evidence == crit.evidence  # quotes are the rule's own
    assert moved >= 1  # the detectors are live on MiniLM, not a no-op
