"""A note's sections as the text a clinician reads and edits, and back.

The stored text is plain: each section a heading line "Title:" and its text below, one
blank line between sections. Risk markers ``{{RED:...}}`` stay in the text; the editor
shows them in red, exports colour them.
"""

import re
from collections.abc import Mapping, Sequence

from core.notes.markers import RED_MARKER, strip_markers
from core.notes.templates import NOT_DISCUSSED, Style, Template

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def word_count(text: str) -> int:
    """Words as a reader counts them: markers do not count, their contents do."""
    return len(strip_markers(text).split())


def cap_words(text: str, cap: int) -> str:
    """At most ``cap`` words, cut at the last sentence end that fits when there is one.
    A marker is never cut in half: the cut moves before it."""
    if word_count(text) <= cap:
        return text
    kept, count = [], 0
    for token in re.split(r"(\s+)", text):
        if not token.strip():
            kept.append(token)
            continue
        count += word_count(token) or 1
        if count > cap:
            break
        kept.append(token)
    cut = "".join(kept).rstrip()
    if cut.count("{{RED:") > cut.count("}}"):
        cut = cut[: cut.rfind("{{RED:")].rstrip()
    inside = [(m.start(), m.end()) for m in RED_MARKER.finditer(cut)]
    sentences = [
        m.end()
        for m in _SENTENCE_END.finditer(cut + " ")
        if not any(start < m.start() < end for start, end in inside)
    ]
    return cut[: sentences[-1]].rstrip() if sentences else cut


def styled(text: str, style: Style) -> str:
    """List-style sections get one "- " item per line."""
    if style != "list" or text.strip() == NOT_DISCUSSED:
        return text.strip()
    items = [line.strip().lstrip("-*• ").strip() for line in text.splitlines()]
    return "\n".join(f"- {item}" for item in items if item)


NOTICE = re.compile(r"^\[(.+)\]$")


def render_note(
    template: Template, sections: Mapping[str, str], *, notices: Sequence[str] = ()
) -> str:
    """The note text: notices in brackets first ("[Rule-based draft ...]"), then "Title:"
    and the section, for every section in order."""
    blocks = [f"[{notice}]" for notice in notices]
    for spec in template.sections:
        body = sections.get(spec.key, "").strip() or NOT_DISCUSSED
        blocks.append(f"{spec.title}:\n{body}")
    return "\n\n".join(blocks) + "\n"


def parse_note(template: Template, text: str) -> dict[str, str]:
    """Sections of an edited note, found by their heading lines; a section whose heading
    the clinician deleted is empty. Text before the first heading joins the first section."""
    titles = {spec.title.lower(): spec.key for spec in template.sections}
    sections: dict[str, list[str]] = {spec.key: [] for spec in template.sections}
    current = template.sections[0].key
    for line in text.splitlines():
        if NOTICE.match(line.strip()) and not any(sections.values()):
            continue  # notices before the first section are not note text
        heading = line.strip().rstrip(":").strip().lower()
        if line.strip().endswith(":") and heading in titles:
            current = titles[heading]
            continue
        sections[current].append(line)
    return {key: "\n".join(lines).strip() for key, lines in sections.items()}
