"""Language-model access: one ChatModel interface, providers registered by name and imported lazily."""

from simulator.llm.base import ChatModel, ModelError, RawReply
from simulator.llm.registry import get_chat_model, provider_names, register_provider

__all__ = ["ChatModel", "ModelError", "RawReply", "get_chat_model", "provider_names", "register_provider"]
