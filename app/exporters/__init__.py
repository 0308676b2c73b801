"""The export formats, by name: the one list the window and the command line offer.

A new format is one module here with an exporter (see ``app.usecases.exports.Exporter``;
a text format is one ``text.TextExporter``) and one entry below.
"""

from app.exporters import docx, pdf, text
from app.usecases.exports import Exporter

EXPORTERS: dict[str, Exporter] = {
    exporter.name: exporter
    for exporter in (pdf.EXPORTER, docx.EXPORTER, text.MARKDOWN, text.PLAIN_TEXT)
}
DEFAULT_FORMAT = "md"
