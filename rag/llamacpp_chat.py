"""A LangChain chat model over a local GGUF file, run in-process by llama-cpp-python.

Written here because langchain-community, which had one, is being sunset; this is the
part we need: chat completion with the model's own chat template.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, PrivateAttr

from rag.errors import ConfigurationError

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class ChatLlamaCppLocal(BaseChatModel):
    model_path: str
    temperature: float = 0.0
    max_tokens: int = 1500
    n_ctx: int = 4096
    n_threads: int | None = None
    json_mode: bool = True
    model_config = ConfigDict(arbitrary_types_allowed=True)
    _llama: Any = PrivateAttr(default=None)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    @classmethod
    def from_path(cls, path: str, **kwargs: Any) -> ChatLlamaCppLocal:
        if not Path(path).expanduser().is_file():
            raise ConfigurationError(f"llamacpp: no GGUF file at {path!r}; give the path of a .gguf model.")
        return cls(model_path=str(Path(path).expanduser()), **kwargs)

    @property
    def _llm_type(self) -> str:
        return "llamacpp-local"

    def _model(self) -> Any:
        with self._lock:
            if self._llama is None:
                try:
                    from llama_cpp import Llama
                except ImportError as exc:
                    raise ConfigurationError(
                        "llamacpp: needs llama-cpp-python: `pip install -e .[local-llm]` "
                        "(builds from source, about 10 minutes)."
                    ) from exc
                self._llama = Llama(model_path=self.model_path, n_ctx=self.n_ctx,
                                    n_threads=self.n_threads, verbose=False)
        return self._llama

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: Any = None, **kwargs: Any) -> ChatResult:
        chat = [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]
        out = self._model().create_chat_completion(
            messages=chat, temperature=self.temperature, max_tokens=self.max_tokens, stop=stop,
            response_format={"type": "json_object"} if self.json_mode else None)
        text = out["choices"][0]["message"]["content"] or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])
