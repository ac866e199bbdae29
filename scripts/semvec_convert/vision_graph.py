"""The CNN graph that every vision converter writes (docs/model-format.md, "Image models").

A converter builds a Graph layer by layer (conv, pools, add, mean, linear, softmax), with weights as float
arrays in semvec's layouts (conv [out, kh, kw, in], depthwise [kh, kw, C], linear [out, in]), and Graph.write()
stores them as one semvec safetensors file with `semvec.architecture` = "cnn".
"""
import json

import numpy as np

from . import VERSION, ConvertError
from . import safetensors_io as st


def same_padding(size, kernel, stride):
    """TensorFlow 'SAME': (before, after), the odd pixel after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class Graph:
    def __init__(self, height, width, channels=3):
        self.layers = []
        self.tensors = []  # (name, kind, float array): kind "conv", "depthwise", "linear", "vector"
        self.shapes = [(height, width, channels)]
        self.names = set()

    def _add(self, layer, shape):
        self.layers.append(layer)
        self.shapes.append(tuple(int(s) for s in shape))
        return len(self.shapes) - 1

    def _name(self, name):
        if name in self.names:
            raise ConvertError("duplicate layer name %r" % name)
        self.names.add(name)
        return name

    @staticmethod
    def _opts(layer, act, quant, integer=None):
        if act and act != "none":
            layer["act"] = act
        if integer is not None:  # TFLite integer emulation: {"input_scales": [...], "requant": [...]} (see cnn.hpp)
            layer["int"] = {k: [float(v) for v in vs] for k, vs in integer.items()}
        if quant is not None:
            layer["quant"] = [float(quant[0]), int(quant[1]), int(quant[2]), int(quant[3])]
        return layer

    def conv(self, x, name, weight, bias, stride=(1, 1), pad=(0, 0, 0, 0), act="none", quant=None, requant=None, input_scale=None):
        """weight [out, kh, kw, in] (OHWI); pad (top, left, bottom, right). With `requant` (per output channel) the
        layer runs in TFLite's integer arithmetic: weight and bias hold integers, the input is divided by input_scale."""
        h, w, c = self.shapes[x]
        weight = np.asarray(weight, dtype=np.float32)
        o, kh, kw, ci = weight.shape
        if ci != c:
            raise ConvertError("layer %s: weight takes %d channels, input has %d" % (name, ci, c))
        bias = np.zeros(o, np.float32) if bias is None else np.asarray(bias, dtype=np.float32)
        name = self._name(name)
        self.tensors += [(name + ".weight", "intconv" if requant is not None else "conv", weight), (name + ".bias", "vector", bias)]
        if requant is not None:
            self.tensors.append((name + ".requant", "vector", np.asarray(requant, np.float32)))
        oh = (h + pad[0] + pad[2] - kh) // stride[0] + 1
        ow = (w + pad[1] + pad[3] - kw) // stride[1] + 1
        layer = {"op": "conv", "name": name, "inputs": [x], "kernel": [kh, kw], "stride": list(stride),
                 "pad": list(pad), "out_channels": int(o)}
        return self._add(self._opts(layer, act, quant, None if requant is None else {"input_scales": [input_scale]}), (oh, ow, o))

    def depthwise(self, x, name, weight, bias, stride=(1, 1), pad=(0, 0, 0, 0), act="none", quant=None, requant=None, input_scale=None):
        """weight [kh, kw, C]."""
        h, w, c = self.shapes[x]
        weight = np.asarray(weight, dtype=np.float32)
        kh, kw, cw = weight.shape
        if cw != c:
            raise ConvertError("layer %s: depthwise weight has %d channels, input has %d" % (name, cw, c))
        bias = np.zeros(c, np.float32) if bias is None else np.asarray(bias, dtype=np.float32)
        name = self._name(name)
        self.tensors += [(name + ".weight", "depthwise", weight), (name + ".bias", "vector", bias)]
        if requant is not None:
            self.tensors.append((name + ".requant", "vector", np.asarray(requant, np.float32)))
        oh = (h + pad[0] + pad[2] - kh) // stride[0] + 1
        ow = (w + pad[1] + pad[3] - kw) // stride[1] + 1
        layer = {"op": "conv", "name": name, "inputs": [x], "kernel": [kh, kw], "stride": list(stride),
                 "pad": list(pad), "depthwise": True}
        return self._add(self._opts(layer, act, quant, None if requant is None else {"input_scales": [input_scale]}), (oh, ow, c))

    def pool(self, x, kind, kernel, stride, pad=(0, 0, 0, 0), act="none", quant=None, integer=None):
        h, w, c = self.shapes[x]
        oh = (h + pad[0] + pad[2] - kernel[0]) // stride[0] + 1
        ow = (w + pad[1] + pad[3] - kernel[1]) // stride[1] + 1
        layer = {"op": kind + "_pool", "inputs": [x], "kernel": list(kernel), "stride": list(stride), "pad": list(pad)}
        return self._add(self._opts(layer, act, quant, integer), (oh, ow, c))

    def add(self, a, b, act="none", quant=None, integer=None):
        sa, sb = self.shapes[a], self.shapes[b]
        return self._add(self._opts({"op": "add", "inputs": [a, b]}, act, quant, integer), tuple(max(p, q) for p, q in zip(sa, sb)))

    def mean(self, x, act="none", quant=None, integer=None):
        return self._add(self._opts({"op": "mean", "inputs": [x]}, act, quant, integer), (1, 1, self.shapes[x][2]))

    def linear(self, x, name, weight, bias, act="none", quant=None):
        h, w, c = self.shapes[x]
        weight = np.asarray(weight, dtype=np.float32)
        if weight.shape[1] != h * w * c:
            raise ConvertError("layer %s: weight takes %d inputs, got %d" % (name, weight.shape[1], h * w * c))
        bias = np.zeros(weight.shape[0], np.float32) if bias is None else np.asarray(bias, dtype=np.float32)
        name = self._name(name)
        self.tensors += [(name + ".weight", "linear", weight), (name + ".bias", "vector", bias)]
        layer = {"op": "linear", "name": name, "inputs": [x], "out_features": int(weight.shape[0])}
        return self._add(self._opts(layer, act, quant), (1, 1, weight.shape[0]))

    def softmax(self, x, quant=None):
        return self._add(self._opts({"op": "softmax", "inputs": [x]}, "none", quant), self.shapes[x])

    def write(self, out, family, preprocess, embedding, logits=None, logits_kind="logits", labels=None, dtype="f32",
              source="", normalize=False, extra=None):
        tensors = []
        for name, kind, a in self.tensors:
            if not np.all(np.isfinite(a)):
                raise ConvertError("tensor %s holds NaN or infinity" % name)
            if kind in ("conv", "linear") and dtype == "int8":
                rows = a.reshape(a.shape[0], -1).astype(np.float64)
                scale = np.abs(rows).max(axis=1) / 127.0
                q = np.where(scale[:, None] > 0, np.round(rows / np.where(scale > 0, scale, 1)[:, None]), 0)
                tensors.append((name, "I8", np.clip(q, -127, 127).astype(np.int8).reshape(a.shape)))
                tensors.append((name + "_scale", "F32", scale.astype(np.float32)))
            elif kind == "intconv":  # integer weights (TFLite emulation): exact in F16/BF16 (|w| <= 255), F32 otherwise
                if np.abs(a).max() > 256 or np.any(a != np.round(a)):
                    raise ConvertError("tensor %s: integer weights out of range" % name)
                tensors.append((name,) + (st.encode_float(a, dtype) if dtype in ("f16", "bf16") else ("F32", np.asarray(a, np.float32))))
            elif kind in ("conv", "linear") and dtype in ("f16", "bf16"):
                if dtype == "f16" and np.abs(a).max() > 65504:
                    raise ConvertError("tensor %s exceeds the f16 range" % name)
                tensors.append((name,) + st.encode_float(a, dtype))
            else:
                tensors.append((name, "F32", np.asarray(a, dtype=np.float32)))
        config = {"family": family, "input": {"height": self.shapes[0][0], "width": self.shapes[0][1],
                                              "channels": self.shapes[0][2]},
                  "preprocess": preprocess, "normalize": bool(normalize), "layers": self.layers,
                  "outputs": {"embedding": int(embedding)}}
        if logits is not None:
            config["outputs"]["logits"] = int(logits)
            config["outputs"]["logits_kind"] = logits_kind
        if extra:
            config.update(extra)
        meta = {"semvec.format": "1", "semvec.architecture": "cnn", "semvec.dtype": dtype,
                "semvec.config": json.dumps(config, separators=(",", ":")),
                "semvec.source": "%s (semvec_convert %s)" % (source, VERSION)}
        if labels is not None:
            n = int(np.prod(self.shapes[logits])) if logits is not None else 0
            if len(labels) != n:
                raise ConvertError("%d labels for %d classes" % (len(labels), n))
            meta["semvec.labels"] = json.dumps(list(labels), ensure_ascii=False)
        st.write(out, tensors, meta)
        d = int(np.prod(self.shapes[embedding]))
        print("wrote %s: %s, %d layers, %s, embedding %d%s" % (out, family, len(self.layers), dtype, d,
              "" if logits is None else ", %d %s" % (int(np.prod(self.shapes[logits])), logits_kind)))
