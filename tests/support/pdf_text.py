"""Reading back the text of a PDF that Qt's own writer made (``QPdfWriter``): no PDF
library is installed, and Qt writes a small, regular subset of PDF.

Each text object (``BT`` … ``ET``) becomes a ``PdfRun``: its text (glyphs mapped back
through the font's ``ToUnicode`` map), whether its font is bold, and its fill colour.
Spacing is positional in such a PDF (no space glyphs), so compare text with the
whitespace taken out (``squeezed``).
"""

import re
import zlib
from dataclasses import dataclass
from pathlib import Path

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_TOKEN = re.compile(rb"<[0-9A-Fa-f]*>|/[^\s/<>\[\]()]+|[-+]?\d*\.?\d+|[A-Za-z*]+")


@dataclass(frozen=True)
class PdfRun:
    text: str
    bold: bool
    rgb: tuple[float, float, float]

    @property
    def red(self) -> bool:
        r, g, b = self.rgb
        return r >= 0.5 and g <= 0.35 and b <= 0.35


def squeezed(text: str) -> str:
    return "".join(text.split())


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    found: dict[int, tuple[bytes, bytes | None]] = {}
    for match in _OBJECT.finditer(data):
        body = match.group(2)
        stream = _STREAM.search(body)
        content = None
        if stream is not None:
            content = stream.group(1)
            if b"/FlateDecode" in body[: stream.start()]:
                content = zlib.decompress(content)
        found[int(match.group(1))] = (body, content)
    return found


def _cmap(text: bytes) -> dict[int, str]:
    """A ToUnicode map: bfchar pairs and bfrange lines (an array or a start code)."""
    mapping: dict[int, str] = {}

    def chars(hex_text: bytes) -> str:
        raw = bytes.fromhex(hex_text.decode())
        return raw.decode("utf-16-be")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for code, value in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(code, 16)] = chars(value)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for line in block.strip().splitlines():
            codes = re.findall(rb"<([0-9A-Fa-f]+)>", line)
            if len(codes) < 3:
                continue
            first, last = int(codes[0], 16), int(codes[1], 16)
            if b"[" in line:
                for offset, value in enumerate(codes[2:]):
                    mapping[first + offset] = chars(value)
            else:
                start = int(codes[2], 16)
                for offset in range(last - first + 1):
                    mapping[first + offset] = chr(start + offset)
    return mapping


def _ref(body: bytes, key: bytes) -> int | None:
    match = re.search(rb"/" + key + rb"\s+(\d+) 0 R", body)
    return int(match.group(1)) if match else None


def read_runs(path: Path) -> list[PdfRun]:
    """Every text object of every page, in drawing order."""
    objects = _objects(path.read_bytes())
    fonts: dict[bytes, tuple[dict[int, str], bool]] = {}
    for body, _stream in objects.values():
        for name, number in re.findall(rb"/(F\d+)\s+(\d+) 0 R", body):
            font_body = objects[int(number)][0]
            base = re.search(rb"/BaseFont\s*/(\S+)", font_body)
            unicode_ref = _ref(font_body, b"ToUnicode")
            if unicode_ref is None:
                for descendant in re.findall(rb"(\d+) 0 R", font_body):
                    unicode_ref = _ref(objects[int(descendant)][0], b"ToUnicode")
                    if unicode_ref is not None:
                        break
            cmap_stream = objects[unicode_ref][1] if unicode_ref is not None else None
            bold = base is not None and b"Bold" in base.group(1)
            fonts[name] = (_cmap(cmap_stream or b""), bold)
    runs: list[PdfRun] = []
    for body, stream in objects.values():
        if stream is None or b"BT" not in stream or b"/Type /Page" in body:
            continue
        if b"Tj" not in stream and b"TJ" not in stream:
            continue
        runs += _content_runs(stream, fonts)
    return runs


def _content_runs(stream: bytes, fonts: dict[bytes, tuple[dict[int, str], bool]]) -> list[PdfRun]:
    runs: list[PdfRun] = []
    operands: list[bytes] = []
    font: tuple[dict[int, str], bool] = ({}, False)
    rgb = (0.0, 0.0, 0.0)
    text: list[str] = []
    for token in _TOKEN.findall(stream):
        if token[:1] in (b"<", b"/") or re.fullmatch(rb"[-+]?\d*\.?\d+", token):
            operands.append(token)
            continue
        if token == b"Tf" and operands[-2:-1]:
            font = fonts.get(operands[-2][1:], ({}, False))
        elif token in (b"scn", b"rg") and len(operands) >= 3:
            r, g, b = (float(value) for value in operands[-3:])
            rgb = (r, g, b)
        elif token == b"BT":
            text = []
        elif token == b"Tj" and operands and operands[-1][:1] == b"<":
            hex_text = operands[-1][1:-1].decode()
            codes = [int(hex_text[i : i + 4], 16) for i in range(0, len(hex_text), 4)]
            text.append("".join(font[0].get(code, "") for code in codes))
        elif token == b"ET":
            runs.append(PdfRun("".join(text), font[1], rgb))
        operands = []
    return runs
