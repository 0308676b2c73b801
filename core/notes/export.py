"""Exporting a note: Markdown, plain text for pasting into an EHR, and DOCX.

Every export names the patient, the session date, the template and the version, says
whether the text is an AI draft, and ends with "AI-assisted draft — reviewed by: ____"
and the safety notice. Risk words marked ``{{RED:...}}`` are bold in Markdown, plain in
the EHR text, and red in DOCX. Files are written to a temporary name and renamed, so a
full disk never leaves half a file under the real name.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.files import UnsafeTargetError, write_atomically
from core.notes.markers import RED_MARKER, strip_markers
from core.notes.render import NOTICE
from core.store.errors import StoreError

REVIEW_LINE = "AI-assisted draft — reviewed by: ______________________"
SAFETY_NOTICE = "Drafting aid, not clinical advice: a clinician must review and sign off this note."
_HEADING = re.compile(r"^([^\[\]]{1,60}):\s*$")


class ExportError(StoreError):
    """The export could not be written; nothing was left half-written."""


# Said with every export: the database is encrypted, the file written from it is not.
EXPORT_NOT_ENCRYPTED = (
    "The exported file is NOT encrypted: keep it on an encrypted drive, or delete it once "
    "it is in the record."
)


@dataclass(frozen=True)
class ExportDocument:
    patient_name: str
    session_number: int
    session_date: str
    template_title: str
    version_number: int
    version_count: int
    provenance: str  # "rule draft", "AI draft", "edited from a rule/AI draft", or own text
    drafted_by: str | None  # engine and model, for AI-derived text
    content: str
    # Said in the header when the clinician exported the note without disclosures the
    # risk safety net found (the risk review gate): never a clean-looking note.
    risk_review: str | None = None
    exported_at: str | None = None  # when the file was written (UTC, to the second)


def _header_lines(doc: ExportDocument) -> list[str]:
    lines = [
        f"Patient: {doc.patient_name}",
        f"Session: {doc.session_number}, {doc.session_date}",
        f"Template: {doc.template_title}",
        f"Version: {doc.version_number} of {doc.version_count} ({doc.provenance})",
    ]
    if doc.drafted_by:
        lines.append(f"Drafted by: {doc.drafted_by}")
    if doc.risk_review:
        lines.append(f"Risk review: {doc.risk_review}")
    if doc.exported_at:
        lines.append(f"Exported: {doc.exported_at}")
    return lines


def _blocks(content: str) -> list[tuple[str | None, str]]:
    """(heading or None, text) in order; bracketed notices are text of their own."""
    blocks: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in content.splitlines():
        match = _HEADING.match(line.strip())
        if match and not NOTICE.match(line.strip()):
            blocks.append((match.group(1).strip(), []))
        else:
            blocks[-1][1].append(line)
    return [(h, "\n".join(lines).strip()) for h, lines in blocks if h or "\n".join(lines).strip()]


def to_markdown(doc: ExportDocument) -> str:
    out = [f"# {doc.template_title}", ""] + [f"- {line}" for line in _header_lines(doc)] + [""]
    for heading, text in _blocks(doc.content):
        if heading:
            out += [f"## {heading}", ""]
        out += [RED_MARKER.sub(lambda m: f"**{m.group(1)}**", text), ""]
    out += ["---", "", REVIEW_LINE, "", f"*{SAFETY_NOTICE}*", ""]
    return "\n".join(out)


def to_html(doc: ExportDocument) -> str:
    """For print and PDF: headings, the review line and notice; risk words red and bold."""

    def body(text: str) -> str:
        escaped = html.escape(text)
        escaped = RED_MARKER.sub(lambda m: f'<b style="color:#c62828">{m.group(1)}</b>', escaped)
        return escaped.replace("\n", "<br>")

    out = [f"<h1>{html.escape(doc.template_title)}</h1><p>"]
    out += [html.escape(line) + "<br>" for line in _header_lines(doc)]
    out.append("</p>")
    for heading, text in _blocks(doc.content):
        if heading:
            out.append(f"<h2>{html.escape(heading)}</h2>")
        out.append(f"<p>{body(text)}</p>")
    out += [f"<hr><p>{html.escape(REVIEW_LINE)}</p><p><i>{html.escape(SAFETY_NOTICE)}</i></p>"]
    return "\n".join(out)


def to_plain_text(doc: ExportDocument) -> str:
    """For pasting into an EHR: no markup at all."""
    out = [doc.template_title.upper(), *_header_lines(doc), ""]
    for heading, text in _blocks(doc.content):
        if heading:
            out.append(f"{heading.upper()}:")
        out += [strip_markers(text), ""]
    out += [REVIEW_LINE, SAFETY_NOTICE, ""]
    return "\n".join(out)


def write_export_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """Run ``write(temporary path)`` and move the result onto ``path``: a failed export
    leaves nothing half-written. Raises ``ExportError`` naming the path. A symbolic link,
    named pipe, device, socket or folder at ``path`` is refused, never followed, written
    into or replaced."""
    try:
        return write_atomically(path, write, refuse_symlink=True)
    except UnsafeTargetError as exc:
        raise ExportError(f"The export to {path} was refused: {exc.strerror}.") from None
    except OSError as exc:
        raise ExportError(f"The export to {path} could not be written ({exc.strerror}).") from None


def write_text_export(path: Path, text: str) -> Path:
    return write_export_atomically(path, lambda target: target.write_text(text, encoding="utf-8"))


def write_docx(path: Path, doc: ExportDocument) -> Path:
    """A Word document with the risk words in red and bold."""
    import docx
    from docx.shared import RGBColor

    document = docx.Document()
    document.add_heading(doc.template_title, level=1)
    for line in _header_lines(doc):
        document.add_paragraph(line)
    for heading, text in _blocks(doc.content):
        if heading:
            document.add_heading(heading, level=2)
        for paragraph_text in text.split("\n"):
            paragraph = document.add_paragraph()
            position = 0
            for match in RED_MARKER.finditer(paragraph_text):
                paragraph.add_run(paragraph_text[position : match.start()])
                run = paragraph.add_run(match.group(1))
                run.bold = True
                run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
                position = match.end()
            paragraph.add_run(paragraph_text[position:])
    document.add_paragraph(REVIEW_LINE)
    document.add_paragraph(SAFETY_NOTICE).runs[0].italic = True
    return write_export_atomically(path, lambda target: document.save(str(target)))
