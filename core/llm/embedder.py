"""Sentence vectors from a GGUF encoder (BERT, mean pooling) run by llama.cpp: what the
risk net's second screen reads utterances with.

Threading contract: one ``Embedder`` may be called from any thread; calls are taken one
at a time (llama.cpp's context is not shared between threads). The model is loaded on
the first call and kept.
"""

import threading
from collections.abc import Sequence
from pathlib import Path

import llama_cpp
import numpy as np

from core.llm.types import ModelFileError

CONTEXT_TOKENS = 512  # BERT's usual limit (or the encoder's own, if less); longer texts are cut


class Embedder:
    """``embedder(texts)`` -> one row of floats per text (unnormalised mean pooling)."""

    def __init__(self, model_path: Path, *, threads: int = 2) -> None:
        self.model_path = model_path
        self._threads = threads
        self._llm: llama_cpp.Llama | None = None
        self._lock = threading.Lock()

    def _model(self) -> llama_cpp.Llama:
        if self._llm is None:
            if not self.model_path.is_file():
                raise ModelFileError(
                    "missing", f"The encoder {self.model_path.name} is not installed."
                )
            try:
                self._llm = llama_cpp.Llama(
                    str(self.model_path),
                    embedding=True,
                    n_ctx=0,  # the encoder's own (positions past it do not exist)
                    n_batch=CONTEXT_TOKENS,
                    n_ubatch=CONTEXT_TOKENS,
                    n_threads=self._threads,
                    n_threads_batch=self._threads,
                    verbose=False,
                )
            except ValueError as exc:
                message = f"The encoder {self.model_path.name} cannot be loaded."
                raise ModelFileError("unloadable", message) from exc
        return self._llm

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        with self._lock:
            model = self._model()
            rows = [model.embed(self._cut(model, text), normalize=False) for text in texts]
        return np.asarray(rows, dtype=np.float32)

    @staticmethod
    def _cut(model: llama_cpp.Llama, text: str) -> str:
        """``text``, shortened to the encoder's context when it is longer. (Texts are
        embedded one by one: on CPU that is faster than llama.cpp's batches of several.)"""
        tokens = model.tokenize(text.encode("utf-8"), add_bos=True)
        limit = min(CONTEXT_TOKENS, model.n_ctx(), _trained_context(model))
        if len(tokens) <= limit:
            return text
        kept = model.detokenize(tokens[1 : limit - 1])
        return kept.decode("utf-8", errors="ignore")

    def close(self) -> None:
        with self._lock:
            if self._llm is not None:
                self._llm.close()
                self._llm = None


def _trained_context(model: llama_cpp.Llama) -> int:
    """The positions the encoder was trained with (its GGUF metadata)."""
    arch = model.metadata.get("general.architecture", "bert")
    return int(model.metadata.get(f"{arch}.context_length", CONTEXT_TOKENS))
