"""Settings, read from the environment (prefix `MOCKSIM_`) and an optional `.env` file.

A few well-known names are honoured as well: `OPENAI_API_KEY`, `CHROMA_HOST`, `CHROMA_PORT`, `DATABASE_URL`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _mask_url(url: str) -> str:
    """Hide a password inside a URL such as postgresql://user:secret@host/db."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    if ":" in creds:
        creds = creds.split(":", 1)[0] + ":****"
    return f"{scheme}://{creds}@{host}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOCKSIM_", env_file=".env", extra="ignore", populate_by_name=True)

    home: Path = Field(default=Path("~/.mocksim"), description="data dir: index, database, logs")
    resources: Path = Field(default=PROJECT_ROOT, description="where corpus/, rubrics/, prompts/ live")
    cache_dir: Path | None = Field(
        default=None, description="where fitted scoring models are cached (default: <home>/cache)"
    )
    profile: str = Field(default="local", min_length=1, max_length=64, description="owner of sessions")
    embedder: Literal["minilm", "fake"] = "minilm"
    encoder_precision: Literal["auto", "fp32", "bf16"] = Field(
        default="auto", description="scorer's MiniLM dense layers: bf16 when the CPU has it natively (auto), or fixed"
    )
    encoder_runtime: Literal["auto", "onnxruntime", "torch"] = Field(
        default="auto",
        description="scorer's MiniLM: plain torch on CPUs with native bf16, ONNX Runtime (exported once to the "
        "cache) elsewhere; or either by name",
    )
    backend: str = Field(default="offline", description="a registered provider (`mocksim practice --help` lists them)")

    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1"
    )
    llm_model: str = "gpt-4o-mini"
    llm_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("MOCKSIM_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_timeout: float = Field(default=60.0, gt=0, description="seconds per request until the server's speed is known")
    llm_timeout_cap: float = Field(default=300.0, gt=0, description="the longest a request may take, however slow")
    llm_retries: int = Field(default=1, ge=0, le=10, description="a 5xx or dropped connection is retried at most once")
    structured_output: Literal["auto", "json_schema", "json_mode", "tools"] = "auto"
    max_follow_ups: int = Field(default=2, ge=0, le=6)
    llm_prices: dict[str, tuple[float, float]] = Field(
        default_factory=lambda: {
            "gpt-4o-mini": (0.15, 0.60),
            "gpt-4o": (2.50, 10.00),
            "gpt-4.1-mini": (0.40, 1.60),
            "gpt-4.1": (2.00, 8.00),
        },
        description="model -> (input, output) USD per million tokens; set MOCKSIM_LLM_PRICES as JSON",
    )

    chroma_host: str | None = Field(default=None, validation_alias=AliasChoices("MOCKSIM_CHROMA_HOST", "CHROMA_HOST"))
    chroma_port: int = Field(default=8000, validation_alias=AliasChoices("MOCKSIM_CHROMA_PORT", "CHROMA_PORT"))
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("MOCKSIM_DATABASE_URL", "DATABASE_URL")
    )

    @field_validator("home", "resources", mode="after")
    @classmethod
    def _expand(cls, v: Path) -> Path:
        return v.expanduser()

    @field_validator("chroma_host", "database_url", "llm_base_url", mode="before")
    @classmethod
    def _blank_is_none(cls, v: Any) -> Any:
        return None if isinstance(v, str) and not v.strip() else v

    # Paths derived from the two roots.
    @property
    def corpus_dir(self) -> Path:
        return self.resources / "corpus" / "questions"

    @property
    def rubrics_dir(self) -> Path:
        return self.resources / "rubrics"

    @property
    def prompts_dir(self) -> Path:
        return self.resources / "prompts"

    @property
    def model_cache(self) -> Path:
        return (self.cache_dir or self.home / "cache").expanduser()

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'mocksim.db'}"

    def masked(self) -> dict[str, Any]:
        """Effective settings for display, with secrets hidden."""
        key = self.llm_api_key.get_secret_value() if self.llm_api_key else ""
        return {
            "home": str(self.home),
            "resources": str(self.resources),
            "profile": self.profile,
            "embedder": self.embedder,
            "encoder_precision": self.encoder_precision,
            "encoder_runtime": self.encoder_runtime,
            "backend": self.backend,
            "llm_base_url": self.llm_base_url or "(OpenAI default)",
            "llm_model": self.llm_model,
            "llm_api_key": (key[:3] + "…" + "*" * 4) if len(key) > 8 else ("****" if key else "(not set)"),
            "llm_timeout": self.llm_timeout,
            "llm_timeout_cap": self.llm_timeout_cap,
            "llm_retries": min(self.llm_retries, 1),
            "structured_output": self.structured_output,
            "max_follow_ups": self.max_follow_ups,
            "question_index": f"chroma server {self.chroma_host}:{self.chroma_port}"
            if self.chroma_host
            else f"embedded chroma at {self.chroma_path}",
            "database": _mask_url(self.effective_database_url),
        }


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
