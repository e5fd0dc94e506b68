"""Translation by a LibreTranslate server (``POST /translate``), e.g. a self-hosted one."""

from __future__ import annotations

from typing import Any, Sequence

from rostra.pipeline.mt.base import TranslationEngine, TranslationError
from rostra.pipeline.mt.http import RetryPolicy, get_json, post_json, with_retries

WHAT = "LibreTranslate server"


class LibreTranslateEngine(TranslationEngine):
    """Sends sentences in batches as ``q: [...]`` and expects as many ``translatedText``."""

    engine = "libretranslate"

    def __init__(self, url: str, *, api_key: str = "", timeout_s: float = 60.0,
                 batch_size: int = 50, retry: RetryPolicy = RetryPolicy()):
        if not url:
            raise TranslationError("ROSTRA_MT_URL is empty; set it to the LibreTranslate "
                                   "server's address, e.g. http://127.0.0.1:5000")
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.batch_size = max(1, batch_size)
        self.retry = retry
        self._languages: dict[str, set[str]] | None = None

    @property
    def model(self) -> str:
        return self.url

    @property
    def options(self) -> dict[str, Any]:
        return {"format": "text"}

    def languages(self) -> dict[str, set[str]]:
        """Source language → targets, as the server's ``GET /languages`` lists them."""
        if self._languages is None:
            listing = with_retries(lambda: get_json(f"{self.url}/languages",
                                                    timeout_s=self.timeout_s, what=WHAT),
                                   policy=self.retry)
            if not isinstance(listing, list):
                raise TranslationError(f"{WHAT} at {self.url}: /languages is not a list")
            every = {entry.get("code") for entry in listing if isinstance(entry, dict)}
            self._languages = {
                entry["code"]: set(entry.get("targets") or every) - {entry["code"]}
                for entry in listing if isinstance(entry, dict) and entry.get("code")
            }
        return self._languages

    def supports(self, source: str, target: str) -> bool:
        return target in self.languages().get(source, set())

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        results: list[str] = []
        for start in range(0, len(texts), self.batch_size):
            chunk = list(texts[start:start + self.batch_size])
            results += with_retries(lambda chunk=chunk: self._translate(chunk, source, target),
                                    policy=self.retry)
        return results

    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        payload = {"q": texts, "source": source, "target": target, "format": "text"}
        if self.api_key:
            payload["api_key"] = self.api_key
        reply = post_json(f"{self.url}/translate", payload, timeout_s=self.timeout_s, what=WHAT)
        translated = reply.get("translatedText") if isinstance(reply, dict) else None
        if isinstance(translated, str) and len(texts) == 1:
            translated = [translated]
        if not isinstance(translated, list) or not all(isinstance(t, str) for t in translated):
            raise TranslationError(f"{WHAT} at {self.url} answered without a translatedText "
                                   f"list: {str(reply)[:120]}")
        if len(translated) != len(texts):
            raise TranslationError(f"{WHAT} at {self.url} returned {len(translated)} "
                                   f"translations for {len(texts)} sentences")
        return translated
