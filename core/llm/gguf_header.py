"""A small, defensive reader of GGUF headers: metadata and tensor layout, no weights.

It reads only the header (bounded: every count and length is checked against sane
limits and against the file's end), so a corrupt or hostile file yields a
``GGUFHeaderError`` instead of a crash or a huge allocation. From the tensor layout it
computes the size the file must have, which is how truncation is detected.
"""

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)
DEFAULT_ALIGNMENT = 32
MAX_STRING = 64 * 1024 * 1024
MAX_ARRAY = 16 * 1024 * 1024
MAX_COUNT = 1_000_000
MAX_DIMS = 8

# ggml tensor type -> (elements per block, bytes per block), as defined by ggml.
GGML_TYPE_SIZES: dict[int, tuple[int, int]] = {
    0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34),
    9: (32, 40), 10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176),
    14: (256, 210), 15: (256, 292), 16: (256, 66), 17: (256, 74), 18: (256, 98),
    19: (256, 50), 20: (32, 18), 21: (256, 110), 22: (256, 82), 23: (256, 136), 24: (1, 1),
    25: (1, 2), 26: (1, 4), 27: (1, 8), 28: (1, 8), 29: (256, 56), 30: (1, 2),
    34: (256, 54), 35: (256, 66), 39: (32, 17),
}  # fmt: skip

# general.file_type -> the quantization name people know the file by.
FILE_TYPES: dict[int, str] = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
    11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
    17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
    23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S",
    29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0",
    38: "MXFP4_MOE",
}  # fmt: skip

# GGUF metadata value types -> struct format for the scalar ones.
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
            10: "<Q", 11: "<q", 12: "<d"}  # fmt: skip
_STRING, _ARRAY = 8, 9


class GGUFHeaderError(Exception):
    """The header cannot be read; ``truncated`` tells an early end from nonsense."""

    def __init__(self, message: str, *, truncated: bool = False) -> None:
        super().__init__(message)
        self.truncated = truncated


@dataclass(frozen=True)
class TensorInfo:
    name: str
    dims: tuple[int, ...]
    ggml_type: int
    offset: int

    @property
    def n_elements(self) -> int:
        count = 1
        for dim in self.dims:
            count *= dim
        return count

    def n_bytes(self) -> int:
        if self.ggml_type not in GGML_TYPE_SIZES:
            raise GGUFHeaderError(f"tensor {self.name!r} has unknown type {self.ggml_type}")
        block, size = GGML_TYPE_SIZES[self.ggml_type]
        return self.n_elements // block * size


@dataclass(frozen=True)
class GGUFHeader:
    version: int
    metadata: dict[str, Any]  # arrays longer than 64 items are summarised as their length
    tensors: list[TensorInfo] = field(repr=False)
    data_offset: int

    @property
    def expected_size(self) -> int:
        """The smallest file size that holds every tensor."""
        ends = [self.data_offset + t.offset + t.n_bytes() for t in self.tensors]
        return max(ends, default=self.data_offset)

    @property
    def parameter_count(self) -> int:
        return sum(t.n_elements for t in self.tensors)

    @property
    def architecture(self) -> str | None:
        value = self.metadata.get("general.architecture")
        return value if isinstance(value, str) else None

    def arch_value(self, key: str) -> Any:
        """``<architecture>.<key>``, e.g. ``context_length``."""
        return self.metadata.get(f"{self.architecture}.{key}")

    @property
    def quantization(self) -> str | None:
        file_type = self.metadata.get("general.file_type")
        return FILE_TYPES.get(file_type) if isinstance(file_type, int) else None


class _Reader:
    def __init__(self, handle: BinaryIO, size: int) -> None:
        self.handle = handle
        self.size = size

    def read(self, count: int) -> bytes:
        data = self.handle.read(count)
        if len(data) < count:
            raise GGUFHeaderError("the header ends early", truncated=True)
        return data

    def unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.read(struct.calcsize(fmt)))[0]

    def string(self) -> str:
        length = self.unpack("<Q")
        if length > MAX_STRING:  # nonsense, not a file cut short
            raise GGUFHeaderError(f"a string in the header claims {length} bytes")
        if self.handle.tell() + length > self.size:
            raise GGUFHeaderError(
                "a string in the header runs past the end of the file", truncated=True
            )
        return self.read(length).decode("utf-8", errors="replace")

    def value(self, value_type: int) -> Any:
        if value_type in _SCALARS:
            return self.unpack(_SCALARS[value_type])
        if value_type == _STRING:
            return self.string()
        if value_type == _ARRAY:
            item_type, count = self.unpack("<I"), self.unpack("<Q")
            if count > MAX_ARRAY:
                raise GGUFHeaderError(f"an array in the header claims {count} items")
            if item_type in _SCALARS:  # skip the bulk, keep a summary
                width = struct.calcsize(_SCALARS[item_type])
                if count <= 64:
                    return [self.value(item_type) for _ in range(count)]
                self.read(width * count)
                return count
            items = [self.value(item_type) for _ in range(count)]
            return items if count <= 64 else count
        raise GGUFHeaderError(f"unknown metadata value type {value_type}")


def _counts(reader: _Reader) -> tuple[int, int, int]:
    """The version and the tensor and metadata counts, after checking the magic."""
    if reader.read(4) != MAGIC:
        raise GGUFHeaderError("not a GGUF file")
    version = reader.unpack("<I")
    if version not in SUPPORTED_VERSIONS:
        raise GGUFHeaderError(f"GGUF version {version} is not supported")
    n_tensors, n_kv = reader.unpack("<Q"), reader.unpack("<Q")
    if n_tensors > MAX_COUNT or n_kv > MAX_COUNT:
        raise GGUFHeaderError("the header's counts are not plausible")
    return version, n_tensors, n_kv


def is_adapter_file(path: Path) -> bool:
    """Whether a GGUF file says it is an adapter (``general.type``), reading only as far
    as needed: an adapter has no tokenizer, so a ``tokenizer.*`` entry before the type
    means a model, and a model's vocabulary is never read. Raises like ``read_header``."""
    with path.open("rb") as handle:
        reader = _Reader(handle, path.stat().st_size)
        _version, _n_tensors, n_kv = _counts(reader)
        for _ in range(n_kv):
            key = reader.string()
            if key.startswith("tokenizer."):
                return False
            value = reader.value(reader.unpack("<I"))
            if key == "general.type":
                return bool(value == "adapter")
    return False


def read_header(path: Path) -> GGUFHeader:
    """Parse the GGUF header of ``path``; raises ``GGUFHeaderError`` or ``OSError``."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        reader = _Reader(handle, size)
        version, n_tensors, n_kv = _counts(reader)
        metadata: dict[str, Any] = {}
        for _ in range(n_kv):
            key = reader.string()
            metadata[key] = reader.value(reader.unpack("<I"))
        tensors = []
        for _ in range(n_tensors):
            name = reader.string()
            n_dims = reader.unpack("<I")
            if n_dims > MAX_DIMS:
                raise GGUFHeaderError(f"tensor {name!r} claims {n_dims} dimensions")
            dims = tuple(reader.unpack("<Q") for _ in range(n_dims))
            tensors.append(TensorInfo(name, dims, reader.unpack("<I"), reader.unpack("<Q")))
        alignment = metadata.get("general.alignment", DEFAULT_ALIGNMENT)
        if not isinstance(alignment, int) or alignment <= 0:
            alignment = DEFAULT_ALIGNMENT
        position = handle.tell()
        data_offset = (position + alignment - 1) // alignment * alignment
    return GGUFHeader(version, metadata, tensors, data_offset)
