"""PDF (A4), laid out by Qt's text engine: risk words red and bold.

Qt lays text out only with a GUI application object; the window has one, and the command
line gets an offscreen one (no display needed) the first time it exports a PDF. Qt is
imported then, not when the command line starts.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.notes.export import ExportDocument, to_html, write_export_atomically

_OFFSCREEN: list[Any] = []  # the command line's application object, kept for the process


def _write_pdf(path: Path, html: str) -> None:
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import (
        QGuiApplication,
        QPageLayout,
        QPageSize,
        QPdfWriter,
        QTextDocument,
    )

    if QGuiApplication.instance() is None:
        _OFFSCREEN.append(QGuiApplication(["auralis", "-platform", "offscreen"]))
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)
    writer.setTitle("Clinical note (Auralis draft)")
    document = QTextDocument()
    document.setHtml(html)
    document.print_(writer)
    del writer  # the file is complete only once the writer is gone


@dataclass(frozen=True)
class PdfExporter:
    name: str = "pdf"
    label: str = "PDF"
    suffix: str = "pdf"

    def write(self, path: Path, doc: ExportDocument) -> Path:
        html = to_html(doc)
        return write_export_atomically(path, lambda target: _write_pdf(target, html))


EXPORTER = PdfExporter()
