"""Reading a PyTorch checkpoint in its legacy (pre-1.6, not zip) format without torch:
the pickles are read by an unpickler that allows only plain containers and tensors
(never arbitrary classes), and each storage is read from the bytes that follow."""

import pickle
import struct
from collections import OrderedDict
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "LongStorage": np.int64}


class _Storage:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.data = np.zeros(0)


class _Tensor:
    def __init__(
        self, storage: _Storage, offset: int, size: tuple[int, ...], stride: tuple[int, ...]
    ):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def array(self) -> np.ndarray:
        flat = self.storage.data[self.offset :]
        strides = tuple(s * flat.itemsize for s in self.stride)
        return np.lib.stride_tricks.as_strided(flat, shape=self.size, strides=strides).copy()


def _rebuild(storage: _Storage, offset: int, size: Any, stride: Any, *_rest: Any) -> _Tensor:
    return _Tensor(storage, offset, tuple(size), tuple(stride))


class _Reader(pickle.Unpickler):
    def __init__(self, f: BinaryIO, storages: dict[str, _Storage]) -> None:
        super().__init__(f)
        self.storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if module == "torch" and name in DTYPES:
            return name
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a checkpoint here")

    def persistent_load(self, pid: Any) -> _Storage:
        _kind, storage_type, key, _location, _numel = pid[:5]
        return self.storages.setdefault(key, _Storage(storage_type))


def read_state_dict(path: Path, key: str) -> dict[str, np.ndarray]:
    """``checkpoint[key]`` (a state dict) as numpy arrays."""
    with path.open("rb") as f:
        for _ in range(3):  # magic number, protocol version, system info
            pickle.load(f)
        storages: dict[str, _Storage] = {}
        checkpoint = _Reader(f, storages).load()
        for storage_key in pickle.load(f):
            storage = storages[storage_key]
            (count,) = struct.unpack("<q", f.read(8))
            dtype = np.dtype(DTYPES[storage.kind])
            storage.data = np.frombuffer(f.read(count * dtype.itemsize), dtype=dtype)
    return {
        name: value.array() for name, value in checkpoint[key].items() if isinstance(value, _Tensor)
    }
