"""The export formats, by name: the one list the window and the command line offer.

A new format is one module here with an ``EXPORTER`` (see ``app.usecases.exports.Exporter``)
and one line below.
"""

from app.exporters import docx, markdown, pdf, plain_text
from app.usecases.exports import Exporter

EXPORTERS: dict[str, Exporter] = {
    exporter.name: exporter
    for exporter in (pdf.EXPORTER, docx.EXPORTER, markdown.EXPORTER, plain_text.EXPORTER)
}
DEFAULT_FORMAT = "md"
