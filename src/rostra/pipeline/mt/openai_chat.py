"""Translation by an OpenAI-compatible chat endpoint (a local vLLM or llama.cpp server).

A chat model is not a translation model: it may add notes, merge or drop lines, or answer in
the wrong language. So it gets a strict prompt (translate only; one numbered line per numbered
input line) and its reply is validated: exactly the numbers 1…N, in order, each once, nothing
else. A reply that fails is asked again (up to ``reply_attempts``); if it keeps failing the
batch fails with a message that says what came back, and nothing is stored.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from rostra.core.languages import english_name
from rostra.pipeline.mt.base import TranslationEngine, TranslationError
from rostra.pipeline.mt.http import RetryPolicy, post_json, with_retries

WHAT = "chat endpoint"
NUMBERED_LINE = re.compile(r"^\s*(\d+)\s*[.)]\s?(.*)$")
THINKING = re.compile(r"<think>.*?</think>", re.DOTALL)

SYSTEM_PROMPT = (
    "You are a translation engine. Translate from {source} to {target}.\n"
    "The user sends {count} numbered lines. Reply with exactly {count} lines, numbered 1. to "
    "{count}., line N being the translation of input line N.\n"
    "Translate only: no notes, no explanations, no greetings, no quotation marks around lines, "
    "no blank lines. Keep names, numbers and punctuation. Never merge or split lines."
)


class ChatReplyError(TranslationError):
    """The chat model's reply is not one numbered translation per input line."""


def numbered_prompt(texts: Sequence[str]) -> str:
    # One sentence per line: line breaks inside a sentence would break the numbering.
    return "\n".join(f"{number}. {' '.join(text.split())}"
                     for number, text in enumerate(texts, start=1))


def parse_numbered_reply(reply: str, count: int) -> list[str]:
    """The translations in a reply, or ChatReplyError saying what is wrong with it."""
    reply = THINKING.sub("", reply).strip()
    if reply.startswith("```"):
        reply = reply.strip("`").split("\n", 1)[-1] if "\n" in reply else ""
    lines = [line for line in reply.splitlines() if line.strip()]
    translations: list[str] = []
    for line in lines:
        match = NUMBERED_LINE.match(line)
        if not match:
            raise ChatReplyError(f"the reply has a line that is not a numbered translation: "
                                 f"{line.strip()[:60]!r}")
        number, text = int(match.group(1)), match.group(2).strip()
        if number != len(translations) + 1:
            raise ChatReplyError(f"the reply's line numbers are not 1 to {count} in order "
                                 f"(found {number} where {len(translations) + 1} belongs)")
        translations.append(text)
    if len(translations) != count:
        raise ChatReplyError(f"the reply has {len(translations)} lines for {count} sentences")
    if count and not any(translations):
        raise ChatReplyError("the reply's lines are all empty")
    return translations


class OpenAIChatEngine(TranslationEngine):
    """``POST {url}/v1/chat/completions`` with a numbered list; validated, retried, or refused."""

    engine = "openai-chat"

    def __init__(self, url: str, *, chat_model: str, api_key: str = "",
                 timeout_s: float = 120.0, batch_size: int = 20, reply_attempts: int = 3,
                 retry: RetryPolicy = RetryPolicy(), temperature: float = 0.0):
        if not url:
            raise TranslationError("ROSTRA_MT_URL is empty; set it to the OpenAI-compatible "
                                   "endpoint, e.g. http://127.0.0.1:8000/v1")
        if not chat_model:
            raise TranslationError("ROSTRA_MT_CHAT_MODEL is empty; set it to the model name "
                                   "the endpoint serves (GET /v1/models lists them)")
        self.url = url.rstrip("/")
        self.chat_model = chat_model
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.batch_size = max(1, batch_size)
        self.reply_attempts = max(1, reply_attempts)
        self.retry = retry
        self.temperature = temperature
        self.rejected_replies: list[str] = []  # why replies were refused, for logs and tests

    @property
    def endpoint(self) -> str:
        base = self.url if self.url.endswith("/v1") else f"{self.url}/v1"
        return f"{base}/chat/completions"

    @property
    def model(self) -> str:
        return self.chat_model

    @property
    def options(self) -> dict[str, Any]:
        return {"url": self.url, "temperature": self.temperature, "batch_size": self.batch_size}

    def supports(self, source: str, target: str) -> bool:
        # A general chat model is asked for any pair; bad replies are caught by validation.
        return source != target

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        self.check_pair(source, target)
        results: list[str] = []
        for start in range(0, len(texts), self.batch_size):
            chunk = list(texts[start:start + self.batch_size])
            results += self._translate_chunk(chunk, source, target)
        return results

    def _translate_chunk(self, texts: list[str], source: str, target: str) -> list[str]:
        wanted = [index for index, text in enumerate(texts) if text.strip()]
        if not wanted:
            return ["" for _ in texts]
        asked = [texts[index] for index in wanted]
        last_error: ChatReplyError | None = None
        for _ in range(self.reply_attempts):
            reply = with_retries(lambda: self._ask(asked, source, target), policy=self.retry)
            try:
                translated = parse_numbered_reply(reply, len(asked))
                break
            except ChatReplyError as exc:
                self.rejected_replies.append(str(exc))
                last_error = exc
        else:
            raise ChatReplyError(
                f"{self.chat_model} at {self.url} did not give one numbered translation per "
                f"sentence in {self.reply_attempts} tries ({last_error}); nothing was stored — "
                "try a stronger model or a smaller batch") from None
        results = ["" for _ in texts]
        for index, text in zip(wanted, translated):
            results[index] = text
        return results

    def _ask(self, texts: list[str], source: str, target: str) -> str:
        system = SYSTEM_PROMPT.format(source=english_name(source), target=english_name(target),
                                      count=len(texts))
        payload = {
            "model": self.chat_model,
            "temperature": self.temperature,
            "messages": [{"role": "system", "content": system},
                         {"role": "user", "content": numbered_prompt(texts)}],
        }
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        reply = post_json(self.endpoint, payload, headers=headers, timeout_s=self.timeout_s,
                          what=WHAT)
        try:
            content = reply["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise TranslationError(f"{WHAT} at {self.endpoint} answered without "
                                   f"choices[0].message.content: {str(reply)[:120]}") from None
        if not isinstance(content, str):
            raise TranslationError(f"{WHAT} at {self.endpoint}: the message content is not text")
        return content
