"""JSON-lines logging to a rotating file in the user log dir.

One line per event: time, level, logger, event name and the scalar fields the caller
attached (ids, sizes, timings). Exceptions are logged as their type and stack frames
only: an exception's message can quote data, and patient text never goes into logs.
"""

import json
import logging
import logging.handlers
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LOG_FILENAME = "auralis.jsonl"
MAX_BYTES = 5 * 1024 * 1024
BACKUP_COUNT = 5
_HANDLER_NAME = "auralis-jsonl"


class JsonLinesFormatter(logging.Formatter):
    """Formats a record as one JSON object on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.msg if isinstance(record.msg, str) else type(record.msg).__name__,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update({key: value for key, value in fields.items() if key not in entry})
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _, tb = record.exc_info
            entry["exc_type"] = exc_type.__name__
            entry["stack"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}"
                for frame in traceback.extract_tb(tb)
            ]
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup_logging(log_dir: Path, level: str = "INFO") -> Path:
    """Send the root logger to ``log_dir/auralis.jsonl`` (rotated at 5 MB, 5 kept).

    Calling it again replaces the previous Auralis handler, so tests and a changed
    data folder do not write to two files. Returns the log file's path.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILENAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
    )
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonLinesFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    return path
