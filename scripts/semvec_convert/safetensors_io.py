"""A small numpy-only safetensors reader and writer (the `safetensors` package is not needed).

Layout: 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets}} plus an
optional "__metadata__" object of strings, then the byte buffer. BF16 has no numpy type: it is carried as
uint16 bit patterns, with the dtype string alongside.
"""
import json
import os
import struct

import numpy as np

from . import ConvertError

# safetensors dtype → numpy dtype of the stored bits (BF16 as raw uint16).
NUMPY_OF = {
    "F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "BF16": np.dtype("<u2"),
    "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"), "I8": np.dtype("i1"),
    "U64": np.dtype("<u8"), "U32": np.dtype("<u4"), "U16": np.dtype("<u2"), "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}
_DTYPE_OF_NUMPY = {np.dtype(v).str: k for k, v in NUMPY_OF.items() if k not in ("BF16", "U16")}
_DTYPE_OF_NUMPY[np.dtype("<u2").str] = "U16"


class Tensor:
    """A tensor as stored: the safetensors dtype name and a numpy array of its bits."""

    __slots__ = ("dtype", "array")

    def __init__(self, dtype, array):
        self.dtype = dtype
        self.array = array

    def to_f32(self):
        """Float32 copy (exact for F32/F16/BF16)."""
        if self.dtype == "BF16":
            return bf16_bits_to_f32(self.array)
        if self.dtype in ("F32", "F16", "F64"):
            return self.array.astype(np.float32)
        raise ConvertError("tensor of dtype %s is not a float tensor" % self.dtype)


def read(path):
    """Returns ({name: Tensor}, metadata dict). Validates the layout like the C++ reader does."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ConvertError("%s: too short to be a safetensors file" % path)
    (n,) = struct.unpack("<Q", data[:8])
    if n < 2 or n > 100_000_000 or n > len(data) - 8:
        raise ConvertError("%s: bad safetensors header length %d" % (path, n))
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ConvertError("%s: safetensors header is not valid JSON: %s" % (path, e))
    if not isinstance(header, dict):
        raise ConvertError("%s: safetensors header is not a JSON object" % path)
    meta = header.pop("__metadata__", None) or {}
    buf = memoryview(data)[8 + n:]
    tensors = {}
    for name, e in header.items():
        dt = e.get("dtype")
        if dt not in NUMPY_OF:
            raise ConvertError("%s: tensor '%s' has unknown dtype %r" % (path, name, dt))
        shape = tuple(int(d) for d in e["shape"])
        b, end = (int(x) for x in e["data_offsets"])
        npdt = NUMPY_OF[dt]
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if not (0 <= b <= end <= len(buf)) or end - b != count * npdt.itemsize:
            raise ConvertError("%s: tensor '%s' has bad data_offsets %s for shape %s" % (path, name, [b, end], list(shape)))
        arr = np.frombuffer(buf[b:end], dtype=npdt, count=count).reshape(shape)
        tensors[name] = Tensor(dt, arr)
    return tensors, meta


def write(path, tensors, metadata=None):
    """Writes [(name, dtype, array)] like semvec's C++ writer: tensors ordered by element size (largest
    first) then name, header padded with spaces to a multiple of 8 so every tensor is 8-byte aligned."""
    items = []
    seen = set()
    for name, dt, arr in tensors:
        if name in seen or name == "__metadata__":
            raise ConvertError("duplicate or reserved tensor name %r" % name)
        seen.add(name)
        npdt = NUMPY_OF[dt]
        a = np.ascontiguousarray(arr)
        if a.dtype.itemsize != npdt.itemsize:
            raise ConvertError("tensor %r: array dtype %s does not hold %s" % (name, a.dtype, dt))
        items.append((name, dt, a.astype(npdt, copy=False)))
    items.sort(key=lambda t: (-NUMPY_OF[t[1]].itemsize, t[0]))
    header = {}
    offset = 0
    for name, dt, a in items:
        header[name] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
    if metadata:
        for k, v in metadata.items():
            if not isinstance(v, str):
                raise ConvertError("metadata %r must be a string" % k)
        header["__metadata__"] = dict(metadata)
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text += b" " * ((-len(text)) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for _, _, a in items:
            f.write(a.tobytes())
    os.replace(tmp, path)


def f32_to_bf16_bits(x):
    """float32 → bfloat16 bits, round to nearest even; NaN stays a quiet NaN (as semvec/util/half.hpp)."""
    u = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)
    nan = (u & 0x7FFFFFFF) > 0x7F800000
    rounded = ((u.astype(np.uint64) + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    return np.where(nan, ((u >> 16) | 0x40).astype(np.uint16), rounded)


def bf16_bits_to_f32(b):
    return (np.asarray(b, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)


def encode_float(x, dtype):
    """float32 array → (safetensors dtype, array of stored bits) for dtype in f32/f16/bf16."""
    x = np.asarray(x, dtype=np.float32)
    if dtype == "f32":
        return "F32", x
    if dtype == "f16":
        return "F16", x.astype(np.float16)  # numpy rounds to nearest even; overflow → ±inf
    if dtype == "bf16":
        return "BF16", f32_to_bf16_bits(x)
    raise ConvertError("unknown dtype %r" % dtype)
