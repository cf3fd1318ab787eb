from __future__ import annotations

import numpy as np
import pytest

from simulator.embeddings import ChromaEmbedding, FakeEmbedder, MiniLMEmbedder


def test_fake_embedder_is_deterministic_and_meaningful() -> None:
    e = FakeEmbedder()
    a, b, c = e.embed(["cache invalidation with ttl", "cache invalidation with ttl", "kafka consumer groups"])
    assert np.allclose(a, b)
    assert abs(float(np.linalg.norm(a)) - 1.0) < 1e-5
    assert float(a @ b) > float(a @ c)
    assert e.embed([]).shape == (0, 384)


@pytest.mark.slow
def test_minilm_loads_from_the_wheel_offline(minilm: MiniLMEmbedder) -> None:
    v = minilm.embed(
        [
            "How do you make a payment endpoint idempotent?",
            "Making POST /payments safe to retry with idempotency keys",
            "My favourite pizza topping is mushrooms",
        ]
    )
    assert v.shape == (3, 384)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.3


def test_chroma_embedding_function_wraps_ours() -> None:
    ef = ChromaEmbedding("fake")
    assert ef.name() == "mocksim" and ef.get_config() == {"embedder": "fake"}
    assert len(ef(["a", "b"])) == 2
    assert ChromaEmbedding.build_from_config({"embedder": "fake"}).get_config() == {"embedder": "fake"}
