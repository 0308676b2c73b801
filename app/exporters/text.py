"""The text formats: Markdown (headings per section, risk words in bold) and plain text for
pasting into a health record (no markup at all)."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.notes.export import ExportDocument, to_markdown, to_plain_text, write_text_export


@dataclass(frozen=True)
class TextExporter:
    name: str
    label: str
    suffix: str
    render: Callable[[ExportDocument], str]

    def write(self, path: Path, doc: ExportDocument) -> Path:
        return write_text_export(path, self.render(doc))


MARKDOWN = TextExporter("md", "Markdown", "md", to_markdown)
PLAIN_TEXT = TextExporter("txt", "Plain text", "txt", to_plain_text)
