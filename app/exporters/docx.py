"""Word (DOCX): headings per section, risk words in red and bold."""

from dataclasses import dataclass
from pathlib import Path

from core.notes.export import ExportDocument, write_docx


@dataclass(frozen=True)
class DocxExporter:
    name: str = "docx"
    label: str = "Word (DOCX)"
    suffix: str = "docx"

    def write(self, path: Path, doc: ExportDocument) -> Path:
        return write_docx(path, doc)


EXPORTER = DocxExporter()
