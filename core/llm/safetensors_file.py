"""Reading a ``.safetensors`` file into numpy arrays, without the safetensors package.

The format: an 8-byte little-endian header length, a JSON header naming each tensor's
dtype, shape and byte range, then the raw little-endian data.
"""

import json
import struct
from pathlib import Path

import numpy as np

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}
_MAX_HEADER = 100_000_000


class SafetensorsError(ValueError):
    """The file is not a safetensors file this reader understands."""


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of the file, by name (``__metadata__`` left out)."""
    data = path.read_bytes()
    if len(data) < 8:
        raise SafetensorsError(f"{path.name} is too short to be a safetensors file.")
    (size,) = struct.unpack("<Q", data[:8])
    if size > min(_MAX_HEADER, len(data) - 8):
        raise SafetensorsError(f"{path.name} has no readable safetensors header.")
    header = json.loads(data[8 : 8 + size])
    body = memoryview(data)[8 + size :]
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(spec["dtype"])
        if dtype is None:
            raise SafetensorsError(f"Tensor {name} has an unsupported type {spec['dtype']}.")
        start, end = spec["data_offsets"]
        array = np.frombuffer(body[start:end], dtype=np.dtype(dtype).newbyteorder("<"))
        tensors[name] = array.reshape(spec["shape"])
    return tensors
