"""Multilingual sentence embeddings for cross-lingual search.

``base`` defines an engine, ``registry.get_embedding_engine`` loads the configured one.
"""
