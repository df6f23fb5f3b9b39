"""The llm answer mode: a LangChain chat model chosen by "provider:model", and the call itself.

Providers: ``openai:MODEL`` (with GUIDEQA_LLM_BASE_URL this covers vLLM, Ollama, llama.cpp
server, LM Studio), ``anthropic:MODEL``, ``ollama:MODEL`` and ``llamacpp:/path/model.gguf``.
Any LangChain ``BaseChatModel`` can also be passed in directly.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from langchain_core.language_models import BaseChatModel
from pydantic import ValidationError

from rag.errors import (
    LLMOutputError,
    LLMUnavailableError,
    MissingCredentialsError,
    UnknownBackendError,
)
from rag.prompts import build_messages
from rag.settings import LLMSettings
from rag.types import VERDICTS, Chunk
from rag.verify import Draft

log = logging.getLogger(__name__)
T = TypeVar("T")

PROVIDERS = ("openai", "anthropic", "ollama", "llamacpp")


class LLMDraft(Draft):
    answerable: bool = True


_LIST_FIELDS = ("criteria", "conflicts", "citations", "missing_information")


def parse_spec(spec: str) -> tuple[str, str]:
    provider, sep, model = spec.partition(":")
    provider = provider.strip().lower()
    if not sep or not model.strip() or provider not in PROVIDERS:
        raise UnknownBackendError(
            f"GUIDEQA_LLM={spec!r} is not 'provider:model' with a provider among "
            f"{', '.join(PROVIDERS)} (e.g. openai:gpt-4o-mini, anthropic:claude-sonnet-4-5, "
            f"ollama:llama3.1, llamacpp:/models/qwen.gguf)."
        )
    return provider, model.strip()


def make_chat_model(settings: LLMSettings, spec: str | None = None) -> BaseChatModel:
    """The chat model for `spec` (default: GUIDEQA_LLM)."""
    spec = spec or settings.spec
    if not spec:
        raise UnknownBackendError("No LLM configured: set GUIDEQA_LLM=provider:model or use --llm.")
    provider, model = parse_spec(spec)
    common = {"temperature": settings.temperature, "max_tokens": settings.max_tokens}
    if provider == "openai":
        from langchain_openai import ChatOpenAI

        key = settings.api_key or os.environ.get("OPENAI_API_KEY")
        if not key and not settings.base_url:
            raise MissingCredentialsError(
                "openai: needs an API key: set OPENAI_API_KEY (or GUIDEQA_LLM_API_KEY), or set "
                "GUIDEQA_LLM_BASE_URL to an OpenAI-compatible server that needs none."
            )
        extra = {"response_format": {"type": "json_object"}} if settings.json_mode else {}
        # OpenAI-compatible servers (llama.cpp, vLLM ...) read the classic `max_tokens`, not the
        # `max_completion_tokens` langchain-openai sends: give them both.
        body = {"max_tokens": settings.max_tokens} if settings.base_url else None
        return ChatOpenAI(model=model, api_key=key or "not-needed", base_url=settings.base_url,
                          timeout=settings.timeout_s, max_retries=settings.max_retries,
                          model_kwargs=extra, extra_body=body, **common)
    if provider == "anthropic":
        from langchain_anthropic import ChatAnthropic

        key = settings.api_key or os.environ.get("ANTHROPIC_API_KEY")
        if not key:
            raise MissingCredentialsError(
                "anthropic: needs an API key: set ANTHROPIC_API_KEY (or GUIDEQA_LLM_API_KEY)."
            )
        return ChatAnthropic(model=model, api_key=key, base_url=settings.base_url,
                             timeout=settings.timeout_s, max_retries=settings.max_retries, **common)
    if provider == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(model=model, base_url=settings.base_url or "http://127.0.0.1:11434",
                          temperature=settings.temperature, num_predict=settings.max_tokens,
                          format="json" if settings.json_mode else None,
                          client_kwargs={"timeout": settings.timeout_s})
    from rag.llamacpp_chat import ChatLlamaCppLocal

    return ChatLlamaCppLocal.from_path(model, json_mode=settings.json_mode, **common)


def model_name(chat: BaseChatModel) -> str:
    for attr in ("model_name", "model", "model_path"):
        value = getattr(chat, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(chat).__name__


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def json_object(text: str) -> dict:
    """The JSON object in a model reply (fenced or bare), or LLMOutputError saying what is wrong."""
    fenced = _FENCE.search(text)
    body = fenced.group(1) if fenced else text
    start, end = body.find("{"), body.rfind("}")
    if start < 0:
        raise LLMOutputError(f"the model's reply holds no JSON object: {text[:200]!r}")
    if end <= start:
        raise LLMOutputError(
            f"the model's JSON was cut off before it closed (raise GUIDEQA_LLM_MAX_TOKENS, or use "
            f"a model that keeps to the format): {text[:200]!r}"
        )
    try:
        data = json.loads(body[start : end + 1])
    except json.JSONDecodeError as exc:
        raise LLMOutputError(f"the model's reply is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise LLMOutputError("the model's JSON is not an object")
    return data


def parse_draft(text: str) -> LLMDraft:
    """The JSON object in a model reply as an LLMDraft."""
    return lenient_draft(json_object(text))


def lenient_draft(data: dict) -> LLMDraft:
    """Keep every field and list item that fits the schema, drop the rest: a weak model's
    partial answer is still verified rather than thrown away whole."""
    fields = LLMDraft.model_fields
    clean: dict = {}
    for name, value in data.items():
        if name not in fields:
            continue
        if isinstance(value, list) and name in _LIST_FIELDS:
            clean[name] = [v for v in value if _fits(name, v)]
        elif _fits(name, value):
            clean[name] = value
    if clean.get("verdict") not in (None, *VERDICTS):
        clean["verdict"] = None
    try:
        return LLMDraft.model_validate(clean)
    except ValidationError as exc:  # pragma: no cover - every field was checked above
        raise LLMOutputError(f"the model's JSON does not fit the answer schema: {exc}") from exc


def _fits(name: str, value: object) -> bool:
    probe = {"answer": ""} | ({name: [value]} if name in _LIST_FIELDS else {name: value})
    try:
        LLMDraft.model_validate(probe)
    except ValidationError:
        return False
    return True


def _is_timeout_or_connection(exc: Exception) -> bool:
    names = {type(e).__name__ for e in _chain(exc)}
    return bool(names & {"TimeoutError", "APITimeoutError", "ReadTimeout", "ConnectTimeout",
                         "APIConnectionError", "ConnectError", "ConnectionError", "ConnectionRefusedError"})


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


def generate(chat: BaseChatModel, question: str, chunks: Sequence[Chunk], repair: bool = True,
             reply: str | None = None) -> LLMDraft:
    """Ask the model (unless its `reply` was already streamed), then parse it; one repair
    attempt when the reply is not valid JSON."""
    return ask_json(chat, build_messages(question, chunks), parse_draft, repair=repair, reply=reply)


def ask_json(chat: BaseChatModel, messages: list[tuple[str, str]], parse: Callable[[str], T], *,
             repair: bool = True, reply: str | None = None) -> T:
    """`parse` of the model's reply to `messages` (or of `reply` when it was already produced);
    one repair request when the reply cannot be parsed."""
    if reply is None:
        reply = _invoke(chat, messages)
    try:
        return parse(reply)
    except LLMOutputError as first:
        if not repair:
            raise
        log.info("malformed model output, asking once for a repair: %s", first)
        retry = messages + [("assistant", reply), ("user", "That was not valid JSON of the "
                            "required shape. Reply again with the JSON object only.")]
        return parse(_invoke(chat, retry))


def stream_reply(chat: BaseChatModel, question: str, chunks: Sequence[Chunk]) -> Iterator[str]:
    """The model's reply to the answer prompt, piece by piece as it is written; a backend
    failure, even mid-stream, becomes our error (see `backend_error`)."""
    try:
        for piece in chat.stream(build_messages(question, chunks)):
            yield content_text(piece.content)
    except Exception as exc:  # providers raise many types; sort them into ours
        raise backend_error(exc) from exc


def backend_error(exc: Exception) -> LLMOutputError | LLMUnavailableError:
    """Our error for whatever a provider raised, with what to do about it."""
    what = f"{type(exc).__name__}: {exc}"
    if any(type(e).__name__ == "LengthFinishReasonError" for e in _chain(exc)):
        return LLMOutputError(
            "The model's answer was cut off at the token limit; raise GUIDEQA_LLM_MAX_TOKENS, "
            "or use a model that keeps to the answer format."
        )
    if _is_timeout_or_connection(exc):
        return LLMUnavailableError(
            f"The LLM backend did not answer ({what}). Check that it is running and reachable "
            f"(GUIDEQA_LLM_BASE_URL), or raise GUIDEQA_LLM_TIMEOUT_S."
        )
    return LLMUnavailableError(f"The LLM backend failed: {what}")


def content_text(content: object) -> str:
    if isinstance(content, list):  # content blocks (Anthropic)
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content)


def _invoke(chat: BaseChatModel, messages: list[tuple[str, str]]) -> str:
    try:
        result = chat.invoke(messages)
    except Exception as exc:  # providers raise many types; sort them into ours
        raise backend_error(exc) from exc
    return content_text(result.content)
