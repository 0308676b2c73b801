"""Plain text for pasting into a health record: no markup at all."""

from dataclasses import dataclass
from pathlib import Path

from core.notes.export import ExportDocument, to_plain_text, write_text_export


@dataclass(frozen=True)
class PlainTextExporter:
    name: str = "txt"
    label: str = "Plain text"
    suffix: str = "txt"

    def write(self, path: Path, doc: ExportDocument) -> Path:
        return write_text_export(path, to_plain_text(doc))


EXPORTER = PlainTextExporter()
