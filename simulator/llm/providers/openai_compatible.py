"""Any OpenAI-compatible endpoint (OpenAI, Azure, Ollama, vLLM, llama.cpp, LM Studio) through langchain-openai.
The client lives in simulator/llm/openai_provider.py and is imported only when a model is built."""

from __future__ import annotations

from pydantic import BaseModel, SecretStr

from simulator.llm.base import ChatModel
from simulator.llm.registry import Capabilities, Provider, register


class EndpointSettings(BaseModel):
    """MOCKSIM_LLM_BASE_URL, MOCKSIM_LLM_MODEL, MOCKSIM_LLM_API_KEY (or OPENAI_API_KEY), MOCKSIM_LLM_TIMEOUT,
    MOCKSIM_LLM_TIMEOUT_CAP, MOCKSIM_LLM_RETRIES; the Settings page fills the first three for its session."""

    llm_base_url: str | None
    llm_model: str
    llm_api_key: SecretStr | None
    llm_timeout: float
    llm_timeout_cap: float
    llm_retries: int


def _factory(block: EndpointSettings, streaming: bool = True) -> ChatModel:
    from simulator.llm.openai_provider import OpenAICompatibleModel

    return OpenAICompatibleModel(block, streaming=streaming)


register(
    Provider(
        "openai",
        "any OpenAI-compatible endpoint: the base URL, model and key from Settings",
        _factory,
        EndpointSettings,
        Capabilities(structured_output=True, streaming=True, needs_key=True, endpoint=True),
    )
)
