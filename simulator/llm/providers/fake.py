"""The scripted fake model (simulator/llm/fake.py), for tests and demos. Accepted by name, not offered in lists:
with nothing scripted, each turn falls back to the offline engine."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from simulator.llm.fake import FakeChatModel, Scripted
from simulator.llm.registry import Capabilities, Provider, register


class FakeSettings(BaseModel):
    llm_model: str  # the name the fake answers to (MOCKSIM_LLM_MODEL)


def _factory(block: FakeSettings, replies: Iterable[Scripted] = ()) -> FakeChatModel:
    return FakeChatModel(replies, model=block.llm_model)


register(
    Provider(
        "fake",
        "a scripted fake model that records what it was sent (tests and demos)",
        _factory,
        FakeSettings,
        Capabilities(structured_output=True, streaming=True, listed=False),
    )
)
