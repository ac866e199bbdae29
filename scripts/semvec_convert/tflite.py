"""TFLite flatbuffers → semvec CNN files, read with the standard library and numpy (no TensorFlow).

The flatbuffer is walked by hand (tflite/schema.fbs, the fields used here): Model {operator_codes,
subgraphs[0], buffers}, SubGraph {tensors, inputs, outputs, operators}, Tensor {shape, type, buffer, name,
quantization {scale[], zero_point[], quantized_dimension}}, Operator {opcode_index, inputs, outputs,
builtin_options}. Every offset is checked against the file size.

Quantized graphs (uint8 per-tensor, int8 per-channel) become float graphs whose weights are the dequantized
values scale·(q − zero_point), and whose layers re-quantize their outputs to the tensor's (scale, zero point)
and the fused activation's range: the activations are then those of TFLite's integer kernels up to the rounding
of its fixed-point multipliers (about one step). Ops: CONV_2D, DEPTHWISE_CONV_2D (multiplier 1),
AVERAGE_POOL_2D, MAX_POOL_2D, ADD, MEAN (over H, W), FULLY_CONNECTED, SOFTMAX (beta 1), RESHAPE, SQUEEZE,
QUANTIZE, DEQUANTIZE; anything else is refused by name. Labels come from the zip the Coral/TFLite metadata
appends after the flatbuffer (`*labels*.txt`), when there is one.
"""
import io
import os
import struct
import zipfile

import numpy as np

from . import ConvertError
from .vision_graph import Graph, same_padding

OPS = {0: "ADD", 1: "AVERAGE_POOL_2D", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D", 6: "DEQUANTIZE", 9: "FULLY_CONNECTED",
       17: "MAX_POOL_2D", 22: "RESHAPE", 25: "SOFTMAX", 40: "MEAN", 43: "SQUEEZE", 114: "QUANTIZE"}
TYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 9: np.int8, 7: np.int16}
QRANGE = {3: (0, 255), 9: (-128, 127), 7: (-32768, 32767)}
ACTS = {0: "none", 1: "relu", 3: "relu6"}


class FlatBuffer:
    def __init__(self, data, name):
        self.d = data
        self.name = name

    def fail(self, what):
        raise ConvertError("%s: malformed TFLite flatbuffer (%s)" % (self.name, what))

    def u32(self, pos):
        if pos < 0 or pos + 4 > len(self.d):
            self.fail("offset %d out of range" % pos)
        return struct.unpack_from("<I", self.d, pos)[0]

    def root(self):
        return self.u32(0)

    def field(self, table, idx):
        """Position of field idx of the table at `table`, or None when absent."""
        vt = table - struct.unpack_from("<i", self.d, table)[0] if table + 4 <= len(self.d) else -1
        if vt < 0 or vt + 4 > len(self.d):
            self.fail("bad vtable")
        vsize = struct.unpack_from("<H", self.d, vt)[0]
        if 4 + 2 * idx + 2 > vsize:
            return None
        off = struct.unpack_from("<H", self.d, vt + 4 + 2 * idx)[0]
        return table + off if off else None

    def scalar(self, table, idx, fmt, default=0):
        p = self.field(table, idx)
        if p is None:
            return default
        if p + struct.calcsize(fmt) > len(self.d):
            self.fail("scalar out of range")
        return struct.unpack_from("<" + fmt, self.d, p)[0]

    def ref(self, table, idx):
        p = self.field(table, idx)
        return None if p is None else p + self.u32(p)

    def vector(self, table, idx, fmt=None):
        """A vector of scalars (numpy array) with fmt, or of table positions when fmt is None."""
        v = self.ref(table, idx)
        if v is None:
            return [] if fmt is None else np.zeros(0)
        n = self.u32(v)
        start = v + 4
        if fmt is None:
            if start + 4 * n > len(self.d):
                self.fail("vector out of range")
            return [start + 4 * i + self.u32(start + 4 * i) for i in range(n)]
        size = np.dtype(fmt).itemsize
        if start + size * n > len(self.d):
            self.fail("vector out of range")
        return np.frombuffer(self.d, dtype=fmt, count=n, offset=start)

    def string(self, table, idx):
        v = self.ref(table, idx)
        if v is None:
            return ""
        n = self.u32(v)
        if v + 4 + n > len(self.d):
            self.fail("string out of range")
        return self.d[v + 4:v + 4 + n].decode("utf-8", "replace")


class Tensor:
    pass


def read_model(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8 or data[4:8] != b"TFL3":
        raise ConvertError("%s: not a TFLite file (no 'TFL3' identifier)" % path)
    fb = FlatBuffer(data, path)
    model = fb.root()
    codes = []
    for oc in fb.vector(model, 1):
        codes.append(max(fb.scalar(oc, 0, "b", 0), fb.scalar(oc, 3, "i", 0)))
    subgraphs = fb.vector(model, 2)
    if len(subgraphs) != 1:
        raise ConvertError("%s: %d subgraphs (semvec reads single-subgraph models)" % (path, len(subgraphs)))
    buffers = [fb.vector(b, 0, "u1") for b in fb.vector(model, 4)]
    sg = subgraphs[0]
    tensors = []
    for tp in fb.vector(sg, 0):
        t = Tensor()
        t.shape = [int(s) for s in fb.vector(tp, 0, "<i4")]
        t.type = fb.scalar(tp, 1, "b", 0)
        t.buffer = fb.scalar(tp, 2, "I", 0)
        t.name = fb.string(tp, 3)
        q = fb.ref(tp, 4)
        t.scale = np.asarray(fb.vector(q, 2, "<f4"), dtype=np.float64) if q is not None else np.zeros(0)
        t.zero_point = np.asarray(fb.vector(q, 3, "<i8"), dtype=np.int64) if q is not None else np.zeros(0, np.int64)
        t.qdim = fb.scalar(q, 6, "i", 0) if q is not None else 0
        if t.buffer >= len(buffers):
            raise ConvertError("%s: tensor %s refers to buffer %d of %d" % (path, t.name, t.buffer, len(buffers)))
        raw = buffers[t.buffer]
        t.data = None
        if len(raw):
            if t.type not in TYPES:
                raise ConvertError("%s: tensor %s has unsupported type %d" % (path, t.name, t.type))
            dt = np.dtype(TYPES[t.type]).newbyteorder("<")
            n = int(np.prod(t.shape)) if t.shape else 1
            if len(raw) != n * dt.itemsize:
                raise ConvertError("%s: tensor %s holds %d bytes for shape %s" % (path, t.name, len(raw), t.shape))
            t.data = np.frombuffer(raw.tobytes(), dtype=dt).reshape(t.shape)
        tensors.append(t)
    ops = []
    for op in fb.vector(sg, 3):
        idx = fb.scalar(op, 0, "I", 0)
        if idx >= len(codes):
            raise ConvertError("%s: operator refers to opcode %d of %d" % (path, idx, len(codes)))
        ops.append({"code": codes[idx], "inputs": [int(i) for i in fb.vector(op, 1, "<i4")],
                    "outputs": [int(i) for i in fb.vector(op, 2, "<i4")], "options": fb.ref(op, 4)})
    inputs = [int(i) for i in fb.vector(sg, 1, "<i4")]
    outputs = [int(i) for i in fb.vector(sg, 2, "<i4")]
    for i in inputs + outputs + [i for o in ops for i in o["inputs"] + o["outputs"] if i >= 0]:
        if not 0 <= i < len(tensors):
            raise ConvertError("%s: tensor index %d out of range" % (path, i))
    return fb, data, tensors, ops, inputs, outputs


def dequantize(t, per_channel_axis=None):
    if t.data is None:
        raise ConvertError("tensor %s has no constant data" % t.name)
    if t.type in (0, 1):
        return t.data.astype(np.float64)
    if t.scale.size == 0:
        raise ConvertError("quantized tensor %s has no scale" % t.name)
    q = t.data.astype(np.float64)
    zp = t.zero_point.astype(np.float64) if t.zero_point.size else np.zeros_like(t.scale)
    if t.scale.size == 1:
        return t.scale[0] * (q - zp[0])
    shape = [1] * q.ndim
    shape[t.qdim] = -1
    return t.scale.reshape(shape) * (q - zp.reshape(shape))


def out_quant(t, act):
    """[scale, zp, qmin, qmax] of an output tensor with its fused activation's range, or None for float."""
    if t.type not in QRANGE or t.scale.size == 0:
        return None
    s, zp = float(t.scale[0]), int(t.zero_point[0]) if t.zero_point.size else 0
    lo, hi = QRANGE[t.type]
    if act in ("relu", "relu6"):
        lo = max(lo, zp)
    if act == "relu6":
        hi = min(hi, zp + int(round(6.0 / s)))
    return [s, zp, lo, hi]


def quantized(t):
    return t.type in QRANGE and t.scale.size > 0


def integer_conv(tin, tw, tb, tout, depthwise=False):
    """(integer weights q − zp, integer bias, per-channel fp32 requant scale, input scale) of a quantized conv, as
    XNNPACK runs it: acc = Σ (q_in − zp_in)(q_w − zp_w) + bias exactly, then round_half_even(acc · scale) + zp_out
    with scale = f32(s_in) · f32(s_w) / f32(s_out) in float32. None for float layers."""
    if not (quantized(tin) and quantized(tw) and quantized(tout)) or tw.data is None:
        return None
    w = tw.data.astype(np.int64)
    zw = tw.zero_point.astype(np.int64) if tw.zero_point.size else np.zeros(1, np.int64)
    if zw.size > 1:
        shape = [1] * w.ndim
        shape[tw.qdim] = -1
        w = w - zw.reshape(shape)
    else:
        w = w - zw[0]
    nout = w.shape[3] if depthwise else w.shape[0]
    sw = tw.scale.astype(np.float32)
    if sw.size == 1:
        sw = np.full(nout, sw[0], np.float32)
    if sw.size != nout:
        return None
    requant = (np.float32(tin.scale[0]) * sw / np.float32(tout.scale[0])).astype(np.float32)
    bias = tb.data.astype(np.int64) if tb is not None and tb.data is not None else np.zeros(nout, np.int64)
    if np.abs(bias).max() >= 1 << 24:
        return None  # not exact in float32: fall back to the float emulation
    return w.astype(np.float64), bias.astype(np.float64), requant, float(tin.scale[0])


def read_labels(data, n):
    """Labels from the zip appended after the flatbuffer (TFLite metadata), when it has n lines."""
    start = data.find(b"PK\x03\x04")
    if start < 0:
        return None
    try:
        z = zipfile.ZipFile(io.BytesIO(data[start:]))
        for name in z.namelist():
            if "label" in name.lower() and name.endswith(".txt"):
                lines = [l.strip() for l in z.read(name).decode("utf-8", "replace").splitlines()]
                lines = [l for l in lines if l]
                if len(lines) == n:
                    return lines
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def convert_tflite(path, out, dtype="f32"):
    fb, data, T, ops, inputs, outputs = read_model(path)
    if len(inputs) != 1 or len(outputs) != 1:
        raise ConvertError("%s: %d inputs and %d outputs (semvec reads one image in, one tensor out)" % (path, len(inputs), len(outputs)))
    tin = T[inputs[0]]
    if len(tin.shape) != 4 or tin.shape[0] != 1 or tin.shape[3] != 3:
        raise ConvertError("%s: input shape %s is not [1, H, W, 3]" % (path, tin.shape))
    H, W = tin.shape[1], tin.shape[2]
    g = Graph(H, W, 3)
    if tin.type in (3, 9):  # pixels are the quantized input: real = scale · (p − zero point)
        s, zp = float(tin.scale[0]), int(tin.zero_point[0])
        if tin.type == 9:
            zp += 128  # an int8 input takes p − 128
        mean, std = [float(zp)] * 3, [1.0 / s] * 3
    else:
        mean, std = [127.5] * 3, [127.5] * 3  # float MobileNets take [-1, 1]
    value = {inputs[0]: 0}
    pooled = None
    for n, op in enumerate(ops):
        name = OPS.get(op["code"])
        if name is None:
            raise ConvertError("%s: operator %d (builtin code %d) is not supported" % (path, n, op["code"]))
        ins, o = op["inputs"], op["outputs"][0]
        opt = op["options"]
        tout = T[o]
        lname = "op%d_%s" % (n, name.lower())

        def src(i):
            if i not in value:
                raise ConvertError("%s: operator %d reads tensor %s before it is computed" % (path, n, T[i].name))
            return value[i]

        if name in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            x = src(ins[0])
            h, w, c = g.shapes[x]
            dw = name == "DEPTHWISE_CONV_2D"
            padding = fb.scalar(opt, 0, "b", 0) if opt is not None else 0
            sw_, sh_ = (fb.scalar(opt, 1, "i", 1), fb.scalar(opt, 2, "i", 1)) if opt is not None else (1, 1)
            act = ACTS.get(fb.scalar(opt, 4 if dw else 3, "b", 0) if opt is not None else 0)
            dil = (fb.scalar(opt, 5, "i", 1), fb.scalar(opt, 6, "i", 1)) if dw and opt is not None else \
                ((fb.scalar(opt, 4, "i", 1), fb.scalar(opt, 5, "i", 1)) if opt is not None else (1, 1))
            if act is None or dil != (1, 1):
                raise ConvertError("%s: operator %d: fused activation or dilation not supported" % (path, n))
            wt = dequantize(T[ins[1]])
            bias = dequantize(T[ins[2]]) if len(ins) > 2 and ins[2] >= 0 else None
            if T[ins[2]].type == 2 and T[ins[2]].scale.size == 0:
                raise ConvertError("%s: int32 bias %s has no scale" % (path, T[ins[2]].name))
            kh, kw = wt.shape[1], wt.shape[2]
            if padding == 0:
                pt, pb = same_padding(h, kh, sh_)
                pl, pr = same_padding(w, kw, sw_)
            else:
                pt = pb = pl = pr = 0
            q = out_quant(tout, act)
            iq = integer_conv(T[ins[0]], T[ins[1]], T[ins[2]] if len(ins) > 2 and ins[2] >= 0 else None, tout, dw)
            if iq is not None:  # TFLite's integer arithmetic: integer weights/bias, per-channel fp32 requantization
                wt, bias, requant, s_in = iq
            else:
                requant = s_in = None
            if dw:
                if wt.shape[0] != 1 or wt.shape[3] != c:
                    raise ConvertError("%s: operator %d: depth multiplier other than 1" % (path, n))
                y = g.depthwise(x, lname, wt[0], bias, (sh_, sw_), (pt, pl, pb, pr), act, q, requant, s_in)
            else:
                y = g.conv(x, lname, wt, bias, (sh_, sw_), (pt, pl, pb, pr), act, q, requant, s_in)
        elif name in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
            x = src(ins[0])
            h, w, c = g.shapes[x]
            padding, sw_, sh_ = fb.scalar(opt, 0, "b", 0), fb.scalar(opt, 1, "i", 1), fb.scalar(opt, 2, "i", 1)
            fw, fh = fb.scalar(opt, 3, "i", 1), fb.scalar(opt, 4, "i", 1)
            act = ACTS.get(fb.scalar(opt, 5, "b", 0))
            if padding == 0:
                pt, pb = same_padding(h, fh, sh_)
                pl, pr = same_padding(w, fw, sw_)
            else:
                pt = pb = pl = pr = 0
            integer = None
            if name == "AVERAGE_POOL_2D" and pt + pb + pl + pr == 0 and quantized(T[ins[0]]) and quantized(tout):
                si, so = float(T[ins[0]].scale[0]), float(tout.scale[0])
                integer = {"input_scales": [si], "requant": [np.float32(si) / np.float32(so) / np.float32(fh * fw)]}
            y = g.pool(x, "avg" if name == "AVERAGE_POOL_2D" else "max", (fh, fw), (sh_, sw_), (pt, pl, pb, pr), act,
                       out_quant(tout, act), integer)
            if g.shapes[y][:2] == (1, 1):
                pooled = y
        elif name == "MEAN":
            x = src(ins[0])
            h, w, _ = g.shapes[x]
            axes = sorted(int(a) % 4 for a in np.asarray(T[ins[1]].data).reshape(-1))
            if axes != [1, 2]:
                raise ConvertError("%s: MEAN over axes %s (semvec reads the spatial mean)" % (path, axes))
            integer = None
            if quantized(T[ins[0]]) and quantized(tout):
                si, so = float(T[ins[0]].scale[0]), float(tout.scale[0])
                integer = {"input_scales": [si], "requant": [np.float32(si) / np.float32(so) / np.float32(h * w)]}
            y = pooled = g.mean(x, quant=out_quant(tout, "none"), integer=integer)
        elif name == "ADD":
            act = ACTS.get(fb.scalar(opt, 0, "b", 0) if opt is not None else 0)
            integer = None
            ta, tb = T[ins[0]], T[ins[1]]
            if quantized(ta) and quantized(tb) and quantized(tout):
                sa, sb, so = float(ta.scale[0]), float(tb.scale[0]), float(tout.scale[0])
                integer = {"input_scales": [sa, sb], "requant": [np.float32(sa / so), np.float32(sb / so)]}
            y = g.add(src(ins[0]), src(ins[1]), act, out_quant(tout, act), integer)
        elif name == "FULLY_CONNECTED":
            act = ACTS.get(fb.scalar(opt, 0, "b", 0) if opt is not None else 0)
            wt = dequantize(T[ins[1]])
            bias = dequantize(T[ins[2]]) if len(ins) > 2 and ins[2] >= 0 else None
            y = g.linear(src(ins[0]), lname, wt, bias, act, out_quant(tout, act))
        elif name == "SOFTMAX":
            beta = fb.scalar(opt, 0, "f", 1.0) if opt is not None else 1.0
            if abs(beta - 1.0) > 1e-6:
                raise ConvertError("%s: SOFTMAX with beta %g" % (path, beta))
            y = g.softmax(src(ins[0]), out_quant(tout, "none"))
        elif name in ("RESHAPE", "SQUEEZE", "DEQUANTIZE"):
            y = src(ins[0])  # NHWC order is kept: a reshape of [1,1,1,C] or a dequantization changes no value
        elif name == "QUANTIZE":  # requantization to another (scale, zero point): an identity pool that re-rounds
            ti = T[ins[0]]
            integer = None
            if quantized(ti) and quantized(tout):
                integer = {"input_scales": [float(ti.scale[0])], "requant": [np.float32(float(ti.scale[0]) / float(tout.scale[0]))]}
            y = g.pool(src(ins[0]), "avg", (1, 1), (1, 1), quant=out_quant(tout, "none"), integer=integer)
        value[o] = y
    final = value.get(outputs[0])
    if final is None:
        raise ConvertError("%s: the output tensor is never computed" % path)
    classes = int(np.prod(g.shapes[final]))
    is_classifier = pooled is not None and pooled != final
    labels = read_labels(data, classes) if is_classifier else None
    softmax_out = any(OPS.get(op["code"]) == "SOFTMAX" for op in ops)
    family = os.path.splitext(os.path.basename(path))[0]
    pre = {"resize": "exact", "size": [H, W], "filter": "lanczos", "divisor": 1.0, "mean": mean, "std": std}
    g.write(out, family, pre, pooled if is_classifier else final, final if is_classifier else None,
            "probabilities" if softmax_out else "logits", labels, dtype, source="TFLite %s" % os.path.basename(path))
