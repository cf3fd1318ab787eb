"""Language-model access: one ChatModel interface, providers registered by name and imported lazily."""

from simulator.llm.base import ChatModel, ModelError, RawReply
from simulator.llm.registry import (
    Capabilities,
    Provider,
    get_chat_model,
    get_provider,
    list_providers,
    provider_names,
    register,
)

__all__ = [
    "Capabilities",
    "ChatModel",
    "ModelError",
    "Provider",
    "RawReply",
    "get_chat_model",
    "get_provider",
    "list_providers",
    "provider_names",
    "register",
]
