"""Markdown: headings per section, risk words in bold."""

from dataclasses import dataclass
from pathlib import Path

from core.notes.export import ExportDocument, to_markdown, write_text_export


@dataclass(frozen=True)
class MarkdownExporter:
    name: str = "md"
    label: str = "Markdown"
    suffix: str = "md"

    def write(self, path: Path, doc: ExportDocument) -> Path:
        return write_text_export(path, to_markdown(doc))


EXPORTER = MarkdownExporter()
