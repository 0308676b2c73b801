"""Capture llama.cpp's own log lines instead of letting them reach stderr.

llama.cpp logs through one process-wide callback. Ours keeps the last warning and error
lines in memory, so a failed load can say *why* ("missing tensor 'blk.1.ffn_up.weight'")
in its message. Load-time lines carry file and tensor names, never prompts.
"""

import ctypes
import threading
from collections import deque

import llama_cpp

# ggml's log levels (NONE 0, DEBUG 1, INFO 2, WARN 3, ERROR 4, CONT 5) as the bundled
# llama.cpp defines them; llama-cpp-python's own table is older.
_GGML_LOG_LEVEL_WARN = 3
_GGML_LOG_LEVEL_ERROR = 4
_recent: deque[str] = deque(maxlen=20)
_lock = threading.Lock()


@llama_cpp.llama_log_callback  # type: ignore[untyped-decorator]
def _on_log(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
    if level in (_GGML_LOG_LEVEL_WARN, _GGML_LOG_LEVEL_ERROR):
        line = text.decode("utf-8", errors="replace").strip()
        if line:
            with _lock:
                _recent.append(line)


def install() -> None:
    """Route llama.cpp's log to this module (idempotent)."""
    llama_cpp.llama_log_set(_on_log, ctypes.c_void_p(0))


def clear() -> None:
    with _lock:
        _recent.clear()


def last_error() -> str | None:
    """Why the last load failed, as llama.cpp put it: the newest "error loading model"
    line without its function prefix (llama.cpp ends with a generic "failed to load"),
    else the newest warning or error line, else None."""
    marker = "error loading model: "
    with _lock:
        lines = list(_recent)
    for line in reversed(lines):
        if marker in line:
            return line.split(marker, 1)[1]
    return lines[-1] if lines else None
