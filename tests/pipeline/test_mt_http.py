"""LibreTranslate and OpenAI-compatible engines against a local server speaking their protocol."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rostra.pipeline.mt.base import TemporaryTranslationError, TranslationError
from rostra.pipeline.mt.http import RetryPolicy
from rostra.pipeline.mt.libretranslate import LibreTranslateEngine
from rostra.pipeline.mt.openai_chat import (ChatReplyError, OpenAIChatEngine,
                                            parse_numbered_reply)

FAST = RetryPolicy(attempts=3, first_delay_s=0.01)


class ScriptedServer:
    """A real HTTP server on 127.0.0.1; each request gets the next scripted reply.

    A reply is (status, body) or a callable taking the request JSON and returning one;
    ``delay`` seconds are slept first (for timeouts). Requests are recorded.
    """

    def __init__(self):
        self.replies = []
        self.requests = []
        self.delay = 0.0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, payload):
                server.requests.append({"method": self.command, "path": self.path,
                                        "headers": dict(self.headers), "json": payload})
                time.sleep(server.delay)
                reply = server.replies.pop(0) if server.replies else (500, {"error": "no"})
                if callable(reply):
                    reply = reply(payload)
                status, body = reply
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                self._answer(json.loads(self.rfile.read(length) or b"null"))

            def do_GET(self):
                self._answer(None)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.02},
                                       daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    running = ScriptedServer()
    yield running
    running.close()


def libre_reply(payload):
    return 200, {"translatedText": [f"[{payload['target']}] {text}" for text in payload["q"]]}


# --- LibreTranslate -------------------------------------------------------------------------

def test_libretranslate_protocol(server):
    server.replies = [libre_reply]
    engine = LibreTranslateEngine(server.url, api_key="k123", retry=FAST)
    assert engine.translate_batch(["Cities reuse water.", "Rain helps."], "en", "fa") == [
        "[fa] Cities reuse water.", "[fa] Rain helps."]
    request = server.requests[0]
    assert request["method"] == "POST" and request["path"] == "/translate"
    assert request["json"] == {"q": ["Cities reuse water.", "Rain helps."], "source": "en",
                               "target": "fa", "format": "text", "api_key": "k123"}
    assert engine.provenance().as_dict() == {"engine": "libretranslate", "model": server.url,
                                             "version": "", "options": {"format": "text"}}


def test_libretranslate_languages(server):
    server.replies = [(200, [{"code": "en", "name": "English", "targets": ["ar", "fa"]},
                             {"code": "fa", "name": "Persian", "targets": ["en"]}])]
    engine = LibreTranslateEngine(server.url, retry=FAST)
    assert engine.supports("en", "fa") and engine.supports("fa", "en")
    assert not engine.supports("fa", "ar")
    assert server.requests[0]["path"] == "/languages" and len(server.requests) == 1


def test_libretranslate_batches(server):
    server.replies = [libre_reply, libre_reply]
    engine = LibreTranslateEngine(server.url, batch_size=2, retry=FAST)
    assert len(engine.translate_batch(["a", "b", "c"], "en", "ar")) == 3
    assert [len(r["json"]["q"]) for r in server.requests] == [2, 1]


def test_temporary_errors_are_retried(server):
    server.replies = [(503, {"error": "busy"}), (429, {"error": "Slowdown"}), libre_reply]
    engine = LibreTranslateEngine(server.url, retry=FAST)
    assert engine.translate_batch(["x"], "en", "fa") == ["[fa] x"]
    assert len(server.requests) == 3


def test_temporary_errors_give_up_after_the_limit(server):
    server.replies = [(503, {"error": "busy"})] * 3
    engine = LibreTranslateEngine(server.url, retry=FAST)
    with pytest.raises(TemporaryTranslationError, match="HTTP 503: busy") as caught:
        engine.translate_batch(["x"], "en", "fa")
    assert caught.value.permanent is False
    assert len(server.requests) == 3


@pytest.mark.parametrize("status, body, message", [
    (400, {"error": "fa is not supported"}, "HTTP 400: fa is not supported"),
    (403, {"error": "Invalid API key"}, "HTTP 403: Invalid API key; check ROSTRA_MT_API_KEY"),
    (200, b"<html>proxy page</html>", "not JSON"),
    (200, {"translatedText": ["only one"]}, "returned 1 translations for 2 sentences"),
    (200, {"detectedLanguage": "en"}, "without a translatedText list"),
])
def test_permanent_errors_are_not_retried(server, status, body, message):
    server.replies = [(status, body)] * 3
    engine = LibreTranslateEngine(server.url, retry=FAST)
    with pytest.raises(TranslationError, match=message) as caught:
        engine.translate_batch(["a", "b"], "en", "fa")
    assert caught.value.permanent is True
    assert len(server.requests) == 1


def test_timeout(server):
    server.delay = 0.5
    server.replies = [libre_reply, libre_reply]
    engine = LibreTranslateEngine(server.url, timeout_s=0.1,
                                  retry=RetryPolicy(attempts=2, first_delay_s=0.01))
    with pytest.raises(TemporaryTranslationError, match="did not answer within 0.1 s"):
        engine.translate_batch(["x"], "en", "fa")


def test_server_not_running():
    engine = LibreTranslateEngine("http://127.0.0.1:9", retry=RetryPolicy(attempts=1))
    with pytest.raises(TemporaryTranslationError, match="cannot reach the LibreTranslate server"):
        engine.translate_batch(["x"], "en", "fa")


def test_no_url_is_a_clear_error():
    with pytest.raises(TranslationError, match="ROSTRA_MT_URL is empty"):
        LibreTranslateEngine("")


# --- OpenAI-compatible chat ----------------------------------------------------------------

def chat(content):
    return 200, {"id": "x", "object": "chat.completion",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                              "finish_reason": "stop"}]}


def test_chat_protocol_and_prompt(server):
    server.replies = [chat("1. شهرها آب را بازیافت می‌کنند.\n2. باران کمک می‌کند.")]
    engine = OpenAIChatEngine(server.url + "/v1", chat_model="local-llm", api_key="sk-1",
                              retry=FAST)
    result = engine.translate_batch(["Cities reuse water.", "Rain\nhelps."], "en", "fa")
    assert result == ["شهرها آب را بازیافت می‌کنند.", "باران کمک می‌کند."]
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-1"
    payload = request["json"]
    assert payload["model"] == "local-llm" and payload["temperature"] == 0
    system, user = payload["messages"]
    assert system["role"] == "system" and "from English to Persian" in system["content"]
    assert "exactly 2 lines" in system["content"] and "Translate only" in system["content"]
    assert user == {"role": "user", "content": "1. Cities reuse water.\n2. Rain helps."}
    assert engine.provenance().model == "local-llm"


def test_chat_wrong_count_is_rejected_then_retried(server):
    server.replies = [chat("1. one line for two"),
                      chat("Sure! Here are the translations:\n1. a\n2. b"),
                      chat("1. الماء\n2. المطر")]
    engine = OpenAIChatEngine(server.url, chat_model="m", retry=FAST)
    assert engine.translate_batch(["Water.", "Rain."], "en", "ar") == ["الماء", "المطر"]
    assert engine.rejected_replies == [
        "the reply has 1 lines for 2 sentences",
        "the reply has a line that is not a numbered translation: "
        "'Sure! Here are the translations:'",
    ]


def test_chat_that_never_complies_fails_without_output(server):
    server.replies = [chat("1. a\n2. b\n3. extra")] * 3
    engine = OpenAIChatEngine(server.url, chat_model="m", retry=FAST, reply_attempts=3)
    with pytest.raises(ChatReplyError, match="did not give one numbered translation per "
                                             "sentence in 3 tries"):
        engine.translate_batch(["Water.", "Rain."], "en", "ar")
    assert len(server.requests) == 3


def test_chat_http_errors(server):
    server.replies = [(401, {"error": {"message": "bad key"}})]
    engine = OpenAIChatEngine(server.url, chat_model="m", retry=FAST)
    with pytest.raises(TranslationError, match="HTTP 401: bad key; check ROSTRA_MT_API_KEY"):
        engine.translate_batch(["x"], "en", "fa")
    server.replies = [(500, {"error": "oom"}), chat("1. y")]
    assert engine.translate_batch(["x"], "en", "fa") == ["y"]
    server.replies = [(200, {"choices": []})]
    with pytest.raises(TranslationError, match="without choices"):
        engine.translate_batch(["x"], "en", "fa")


def test_chat_skips_empty_sentences_and_needs_a_model_name(server):
    server.replies = [chat("1. b")]
    engine = OpenAIChatEngine(server.url, chat_model="m", retry=FAST)
    assert engine.translate_batch(["", "a", " "], "en", "fa") == ["", "b", ""]
    with pytest.raises(TranslationError, match="ROSTRA_MT_CHAT_MODEL is empty"):
        OpenAIChatEngine(server.url, chat_model="")


@pytest.mark.parametrize("reply, expected", [
    ("1. a\n2) b", ["a", "b"]),
    ("<think>plan</think>\n1. a\n2. b", ["a", "b"]),
    ("```\n1. a\n2. b\n```", ["a", "b"]),
])
def test_numbered_reply_forms(reply, expected):
    assert parse_numbered_reply(reply, 2) == expected


@pytest.mark.parametrize("reply, message", [
    ("2. b\n1. a", "not 1 to 2 in order"),
    ("1. a\n1. a", "not 1 to 2 in order"),
    ("1. a\nNote: b is idiomatic", "not a numbered translation"),
    ("1.\n2.", "all empty"),
])
def test_numbered_reply_rejections(reply, message):
    with pytest.raises(ChatReplyError, match=message):
        parse_numbered_reply(reply, 2)
