"""TF.js weights manifests → semvec CNN files. Known network: face-api's FaceRecognitionNet (dlib's
face-recognition ResNet, 128-d descriptors).

Reading (the TF.js format): the manifest is a list of groups {paths, weights}; a group's shards are
concatenated; entries follow one another with no padding. A quantized entry ({dtype: uint8|uint16, scale,
min}) holds q and means q·scale + min, computed here in float64 and stored as float32 (as TF.js does);
float16 quantization is IEEE half. Layouts: conv filters HWIO → semvec's [out, kh, kw, in]; the per-channel
`scale` affine that follows each conv is folded into its weights and bias (float64).
"""
import json
import os

import numpy as np

from . import ConvertError
from .vision_graph import Graph

DTYPES = {"float32": np.dtype("<f4"), "int32": np.dtype("<i4"), "uint8": np.dtype("u1"), "uint16": np.dtype("<u2"),
          "float16": np.dtype("<f2")}


def read_manifest(path):
    """{name: float32 array} from a weights manifest and its shards."""
    try:
        with open(path, encoding="utf-8") as f:
            groups = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise ConvertError("%s: cannot read the manifest: %s" % (path, e))
    if not isinstance(groups, list):
        raise ConvertError("%s: a weights manifest is a JSON list of groups" % path)
    base = os.path.dirname(path)
    out = {}
    for gi, g in enumerate(groups):
        if not isinstance(g, dict) or not isinstance(g.get("paths"), list) or not isinstance(g.get("weights"), list):
            raise ConvertError("%s: group %d needs 'paths' and 'weights' lists" % (path, gi))
        data = b""
        for p in g["paths"]:
            if not isinstance(p, str) or "/" in p.replace(os.sep, "/").lstrip("./") and ".." in p:
                raise ConvertError("%s: bad shard path %r" % (path, p))
            try:
                with open(os.path.join(base, p), "rb") as f:
                    data += f.read()
            except OSError as e:
                raise ConvertError("%s: shard %s: %s" % (path, p, e))
        off = 0
        for w in g["weights"]:
            name, shape, dtype = w.get("name"), w.get("shape"), w.get("dtype")
            if not isinstance(name, str) or not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
                raise ConvertError("%s: bad weight entry %r" % (path, w))
            q = w.get("quantization")
            store = q.get("dtype") if isinstance(q, dict) else dtype
            if store not in DTYPES or dtype not in ("float32", "int32"):
                raise ConvertError("%s: weight %s: dtype %s / quantization %s is not supported" % (path, name, dtype, store))
            n = int(np.prod(shape, dtype=np.int64)) if shape else 1
            nbytes = n * DTYPES[store].itemsize
            if off + nbytes > len(data):
                raise ConvertError("%s: weight %s runs past the end of the shards (%d > %d bytes)" % (path, name, off + nbytes, len(data)))
            raw = np.frombuffer(data, dtype=DTYPES[store], count=n, offset=off).reshape(shape)
            off += nbytes
            if isinstance(q, dict) and store in ("uint8", "uint16"):
                if "scale" not in q or "min" not in q:
                    raise ConvertError("%s: weight %s: quantization needs scale and min" % (path, name))
                vals = (raw.astype(np.float64) * float(q["scale"]) + float(q["min"])).astype(np.float32)
            else:
                vals = raw.astype(np.float32)
            out[name] = vals
        if off != len(data):
            raise ConvertError("%s: group %d: %d bytes of shards left over" % (path, gi, len(data) - off))
    return out


def convert_tfjs(manifest, out, dtype="f32"):
    w = read_manifest(manifest)
    if "fc" in w and "conv32_down/conv/filters" in w:
        return face_recognition_net(w, manifest, out, dtype)
    raise ConvertError("%s: unknown TF.js network (known: face-api's face_recognition_model)" % manifest)


def face_recognition_net(w, manifest, out, dtype):
    used = set()

    def get(name):
        if name not in w:
            raise ConvertError("%s: missing weight %s" % (manifest, name))
        used.add(name)
        return w[name].astype(np.float64)

    def conv_scale(prefix):
        f, b = get(prefix + "/conv/filters"), get(prefix + "/conv/bias")
        s, t = get(prefix + "/scale/weights"), get(prefix + "/scale/biases")
        return np.transpose(f, (3, 0, 1, 2)) * s[:, None, None, None], b * s + t

    g = Graph(150, 150, 3)
    wt, b = conv_scale("conv32_down")
    x = g.conv(0, "conv32_down", wt, b, (2, 2), (0, 0, 0, 0), "relu")
    x = g.pool(x, "max", (3, 3), (2, 2))

    def residual(x, p):
        wt, b = conv_scale(p + "/conv1")
        y = g.conv(x, p + "/conv1", wt, b, (1, 1), (1, 1, 1, 1), "relu")
        wt, b = conv_scale(p + "/conv2")
        y = g.conv(y, p + "/conv2", wt, b, (1, 1), (1, 1, 1, 1))
        return g.add(y, x, "relu")

    def residual_down(x, p):
        wt, b = conv_scale(p + "/conv1")
        y = g.conv(x, p + "/conv1", wt, b, (2, 2), (0, 0, 0, 0), "relu")
        wt, b = conv_scale(p + "/conv2")
        y = g.conv(y, p + "/conv2", wt, b, (1, 1), (1, 1, 1, 1))
        pooled = g.pool(x, "avg", (2, 2), (2, 2))
        return g.add(y, pooled, "relu")  # the smaller side is zero-extended: face-api's zero row/column/channels

    for p in ("conv32_1", "conv32_2", "conv32_3"):
        x = residual(x, p)
    x = residual_down(x, "conv64_down")
    for p in ("conv64_1", "conv64_2", "conv64_3"):
        x = residual(x, p)
    x = residual_down(x, "conv128_down")
    for p in ("conv128_1", "conv128_2"):
        x = residual(x, p)
    x = residual_down(x, "conv256_down")
    for p in ("conv256_1", "conv256_2"):
        x = residual(x, p)
    x = residual_down(x, "conv256_down_out")
    feat = g.mean(x)
    desc = g.linear(feat, "fc", get("fc").T, None)
    left = sorted(set(w) - used)
    if left:
        raise ConvertError("%s: weights not used by FaceRecognitionNet: %s" % (manifest, ", ".join(left[:8])))
    pre = {"resize": "exact", "size": [150, 150], "filter": "bilinear", "divisor": 1.0,
           "mean": [122.782, 117.001, 104.298], "std": [255.0, 255.0, 255.0]}
    g.write(out, "face_recognition_net", pre, desc, None, dtype=dtype,
            source="face-api FaceRecognitionNet from %s" % os.path.basename(manifest),
            extra={"distance_threshold": 0.6, "metric": "euclidean"})
