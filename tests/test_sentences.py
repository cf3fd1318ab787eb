"""Sentence splitting: the cases interview answers throw at it, and spans that always point back at the text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.scoring.sentences import split_sentences


def texts(answer: str) -> list[str]:
    return [s.text for s in split_sentences(answer)]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            "We cut p95 from 4 s to 300 ms. Then I wrote the runbook.",
            ["We cut p95 from 4 s to 300 ms.", "Then I wrote the runbook."],
        ),
        (
            "Use a queue, e.g. Kafka or SQS. It buffers bursts.",
            ["Use a queue, e.g. Kafka or SQS.", "It buffers bursts."],
        ),
        (
            "Redis vs. Memcached is a wash here. I picked Redis.",
            ["Redis vs. Memcached is a wash here.", "I picked Redis."],
        ),
        ("The lookup is O(1). Inserts are O(log n).", ["The lookup is O(1).", "Inserts are O(log n)."]),
        ("So a[0][1].b becomes a list of tokens. Done.", ["So a[0][1].b becomes a list of tokens.", "Done."]),
        (
            "Latency rose 2.5x after v1.2 shipped. We rolled back.",
            ["Latency rose 2.5x after v1.2 shipped.", "We rolled back."],
        ),
        ("Why did it fail? The pool was exhausted!", ["Why did it fail?", "The pool was exhausted!"]),
        ("I paged J. Smith at 2 am. She joined fast.", ["I paged J. Smith at 2 am.", "She joined fast."]),
        ("It was slow... really slow. Then we fixed it.", ["It was slow... really slow.", "Then we fixed it."]),
        ('she said "ship it." We shipped.', ['she said "ship it."', "We shipped."]),
        ("put takes the lock. take mirrors it.", ["put takes the lock.", "take mirrors it."]),
        (
            "Steps:\n- add the index\n- batch the reads\n1. measure again",
            ["Steps:", "- add the index", "- batch the reads", "1. measure again"],
        ),
        ("No full stop at the end", ["No full stop at the end"]),
        ("", []),
        ("   \n\n  ", []),
        ("... !!! ???", []),
    ],
)
def test_split_cases(answer: str, expected: list[str]) -> None:
    assert texts(answer) == expected


def test_fenced_code_stays_whole() -> None:
    answer = "Here is the loop.\n```python\nfor x in xs:\n    print(x). \n```\nIt runs in O(n). Good."
    parts = split_sentences(answer)
    assert [p.is_code for p in parts] == [False, True, False, False]
    assert parts[1].text.startswith("```python") and parts[1].text.rstrip().endswith("```")


def test_an_unclosed_fence_runs_to_the_end() -> None:
    parts = split_sentences("Intro. ```\ncode. more code")
    assert parts[-1].is_code and parts[-1].text.endswith("more code")
    trailing = split_sentences("Intro. ``` \n")  # found by the property test below: no trailing blanks kept
    assert trailing[-1].text == "```" and trailing[-1].end == trailing[-1].start + 3


def test_sentence_cap() -> None:
    assert len(split_sentences("Yes. " * 1000, max_sentences=400)) == 400


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n-`1\"')eg")), max_size=300))
def test_spans_point_back_at_the_text(answer: str) -> None:
    last_end = 0
    for s in split_sentences(answer):
        assert s.text == answer[s.start : s.end]
        assert s.start >= last_end
        assert s.text.strip() == s.text and s.text
        last_end = s.end
