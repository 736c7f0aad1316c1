"""The IDX file reader (the MNIST format), plain or gzipped."""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path
from typing import IO, Any

import numpy as np

__all__ = ["MAX_IDX_BYTES", "read_idx"]

#: Most data bytes an IDX header may declare (MNIST's largest file holds 47 MB).
MAX_IDX_BYTES = 2**30

# IDX type code -> big-endian NumPy dtype.
_IDX_DTYPES: dict[int, str] = {
    0x08: "u1",
    0x09: "i1",
    0x0B: ">i2",
    0x0C: ">i4",
    0x0D: ">f4",
    0x0E: ">f8",
}
_GZIP_MAGIC = b"\x1f\x8b"


def read_idx(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> np.ndarray:
    """Read an IDX file into an array.

    The format is a 4-byte magic number ``0x00 0x00 <type code> <ndim>``, then ``ndim``
    big-endian int32 dimension sizes, then the data in row-major order, big-endian.
    Gzip compression is detected from the gzip magic bytes, not from the file name.

    Parameters
    ----------
    path : str or path-like
        The IDX file, e.g. ``train-images-idx3-ubyte.gz``.
    max_bytes : int, optional
        Most bytes of data the header may declare (default :data:`MAX_IDX_BYTES`): the
        size is checked before anything is read or inflated, so a hostile header or a
        gzip bomb fails at once.

    Returns
    -------
    ndarray of shape (d_1, ..., d_ndim)
        A fresh writable array in native byte order; dtype uint8, int8, int16, int32,
        float32 or float64 according to the type code.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If the file is not a valid IDX file (bad magic, unknown type code, truncated data,
        trailing bytes, corrupt gzip stream, a declared size over ``max_bytes``); the
        message names the file.
    """
    path = Path(path)
    cap = MAX_IDX_BYTES if max_bytes is None else int(max_bytes)
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == _GZIP_MAGIC
    try:
        with open(path, "rb") as raw:
            stream: Any = gzip.GzipFile(fileobj=raw) if gzipped else raw
            return _read_idx(stream, path, cap)
    except (OSError, EOFError, zlib.error) as exc:
        if not gzipped:
            raise
        raise ValueError(f"{path}: corrupt or truncated gzip stream ({exc})") from None


def _read_idx(stream: IO[bytes], path: Path, cap: int) -> np.ndarray:
    head = stream.read(4)
    if len(head) < 4:
        raise ValueError(f"{path}: too short for an IDX header ({len(head)} bytes)")
    if head[0] != 0 or head[1] != 0:
        raise ValueError(
            f"{path}: bad IDX magic number {head.hex()} (must start with 0000); not an IDX file"
        )
    code, ndim = head[2], head[3]
    if code not in _IDX_DTYPES:
        known = ", ".join(f"0x{c:02X}" for c in _IDX_DTYPES)
        raise ValueError(f"{path}: unknown IDX data type code 0x{code:02X} (known: {known})")
    if ndim == 0:
        raise ValueError(f"{path}: IDX header declares 0 dimensions")
    dims = stream.read(4 * ndim)
    if len(dims) < 4 * ndim:
        raise ValueError(f"{path}: truncated IDX header (expected {ndim} dimension sizes)")
    shape = tuple(int(s) for s in np.frombuffer(dims, dtype=">u4"))
    dtype = np.dtype(_IDX_DTYPES[code])
    expected = dtype.itemsize
    for size in shape:  # Python ints: no overflow, and the cap is checked before reading
        expected *= size
    if expected > cap:
        raise ValueError(
            f"{path}: the IDX header declares shape {shape}, {expected:,} bytes of data, "
            f"more than the {cap:,} this reader accepts"
        )
    data = stream.read(expected)
    if len(data) < expected:
        raise ValueError(
            f"{path}: truncated IDX data: shape {shape} needs {expected} bytes, file has "
            f"{len(data)}"
        )
    trailing = len(stream.read(1024))
    if trailing:
        raise ValueError(f"{path}: trailing bytes after the IDX data of shape {shape}")
    array = np.frombuffer(data, dtype=dtype).reshape(shape)
    return array.astype(dtype.newbyteorder("="))
