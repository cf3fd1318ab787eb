"""The offline interviewer: no model, no key, no network. The interviewer's own engine scores every turn."""

from __future__ import annotations

from simulator.llm.registry import Capabilities, Provider, register

register(
    Provider(
        "offline",
        "no key or network: the built-in engine scores and asks follow-ups",
        capabilities=Capabilities(structured_output=False, streaming=False),
    )
)
