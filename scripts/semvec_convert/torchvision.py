"""torchvision ResNet (BasicBlock / Bottleneck) and MobileNetV2 state dicts → semvec CNN files.

Source: a folder with `config.json` naming the architecture ({"arch": "resnet50"} — torchvision's
constructor name; the fixtures' config.json works as is) and the weights as `model.safetensors` (numpy only)
or `model.pth` / `pytorch_model.bin` (a state dict, read with torch). Widths and block counts are read from
the weights, so reduced-width variants convert too. BatchNorm (eval) is folded into the preceding conv in
float64. Preprocessing: Resize(256) bilinear antialias, CenterCrop(224), ImageNet mean/std, unless the
config's "input" says otherwise.
"""
import json
import os
import re

import numpy as np

from . import ConvertError
from . import safetensors_io as st
from .vision_graph import Graph

RESNETS = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152")
SUPPORTED = RESNETS + ("mobilenet_v2",)
# Block strides of torchvision's MobileNetV2 (inverted_residual_setting: t, c, n, s).
MOBILENET_V2_STRIDES = [1, 2, 1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1]


def is_torchvision_folder(folder):
    cfg = os.path.join(folder, "config.json")
    if not os.path.exists(cfg):
        return False
    try:
        with open(cfg, encoding="utf-8") as f:
            c = json.load(f)
    except (OSError, json.JSONDecodeError):
        return False
    return isinstance(c, dict) and (c.get("framework") == "torchvision" or c.get("arch") in SUPPORTED)


def load_state_dict(folder):
    sf = os.path.join(folder, "model.safetensors")
    if os.path.exists(sf):
        tensors, _ = st.read(sf)
        return {k: v.to_f32() for k, v in tensors.items() if v.dtype in ("F32", "F16", "BF16", "F64")}
    for name in ("model.pth", "pytorch_model.bin"):
        p = os.path.join(folder, name)
        if os.path.exists(p):
            try:
                import torch
            except ImportError:
                raise ConvertError("%s needs torch to read (install python3-torch)" % p)
            sd = torch.load(p, map_location="cpu")
            if hasattr(sd, "state_dict"):
                sd = sd.state_dict()
            return {k: v.detach().float().numpy() for k, v in sd.items() if v.is_floating_point()}
    raise ConvertError("%s: no model.safetensors, model.pth or pytorch_model.bin" % folder)


class Folder:
    def __init__(self, sd, eps):
        self.sd = sd
        self.eps = eps
        self.used = set()

    def get(self, name):
        if name not in self.sd:
            raise ConvertError("state dict has no tensor %r" % name)
        self.used.add(name)
        return self.sd[name].astype(np.float64)

    def has(self, name):
        return name in self.sd

    def conv_bn(self, conv, bn):
        """OIHW conv (+ optional bias) followed by eval BatchNorm → (OHWI weight, bias), folded in float64."""
        w = self.get(conv + ".weight")
        b = self.get(conv + ".bias") if self.has(conv + ".bias") else np.zeros(w.shape[0])
        if bn is not None:
            g, beta = self.get(bn + ".weight"), self.get(bn + ".bias")
            mean, var = self.get(bn + ".running_mean"), self.get(bn + ".running_var")
            s = g / np.sqrt(var + self.eps)
            w = w * s[:, None, None, None]
            b = (b - mean) * s + beta
            self.used.add(bn + ".num_batches_tracked")
        return w, b


def convert_torchvision(folder, out, dtype="f32"):
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    arch = cfg.get("arch")
    if arch not in SUPPORTED:
        raise ConvertError("%s: torchvision architecture %r is not supported (%s)" % (folder, arch, ", ".join(SUPPORTED)))
    sd = load_state_dict(folder)
    fo = Folder(sd, float(cfg.get("batchnorm_eps", 1e-5)))
    inp = cfg.get("input", {})
    size = inp.get("size", [3, 224, 224])
    H, W = int(size[1]), int(size[2])
    pre = {"resize": "shorter", "size": int(round(H * 256 / 224)), "crop": [H, W], "filter": "bilinear", "divisor": 255.0,
           "mean": inp.get("mean", [0.485, 0.456, 0.406]), "std": inp.get("std", [0.229, 0.224, 0.225])}
    g = Graph(H, W, 3)
    ohwi = lambda w: np.transpose(w, (0, 2, 3, 1))
    if arch in RESNETS:
        w, b = fo.conv_bn("conv1", "bn1")
        x = g.conv(0, "conv1", ohwi(w), b, (2, 2), (3, 3, 3, 3), "relu")
        x = g.pool(x, "max", (3, 3), (2, 2), (1, 1, 1, 1))
        for li in range(1, 5):
            bi = 0
            while fo.has("layer%d.%d.conv1.weight" % (li, bi)):
                p = "layer%d.%d" % (li, bi)
                s = 2 if (li > 1 and bi == 0) else 1
                bottleneck = fo.has(p + ".conv3.weight")
                if fo.has(p + ".downsample.0.weight"):
                    w, b = fo.conv_bn(p + ".downsample.0", p + ".downsample.1")
                    short = g.conv(x, p + ".downsample", ohwi(w), b, (s, s))
                else:
                    short = x
                if bottleneck:
                    w, b = fo.conv_bn(p + ".conv1", p + ".bn1")
                    y = g.conv(x, p + ".conv1", ohwi(w), b, (1, 1), (0, 0, 0, 0), "relu")
                    w, b = fo.conv_bn(p + ".conv2", p + ".bn2")
                    y = g.conv(y, p + ".conv2", ohwi(w), b, (s, s), (1, 1, 1, 1), "relu")
                    w, b = fo.conv_bn(p + ".conv3", p + ".bn3")
                    y = g.conv(y, p + ".conv3", ohwi(w), b)
                else:
                    w, b = fo.conv_bn(p + ".conv1", p + ".bn1")
                    y = g.conv(x, p + ".conv1", ohwi(w), b, (s, s), (1, 1, 1, 1), "relu")
                    w, b = fo.conv_bn(p + ".conv2", p + ".bn2")
                    y = g.conv(y, p + ".conv2", ohwi(w), b, (1, 1), (1, 1, 1, 1))
                x = g.add(y, short, "relu")
                bi += 1
        feat = g.mean(x)
        logits = g.linear(feat, "fc", fo.get("fc.weight"), fo.get("fc.bias"))
    else:  # mobilenet_v2
        w, b = fo.conv_bn("features.0.0", "features.0.1")
        x = g.conv(0, "features.0", ohwi(w), b, (2, 2), (1, 1, 1, 1), "relu6")
        for i, s in enumerate(MOBILENET_V2_STRIDES, start=1):
            p = "features.%d.conv" % i
            if not fo.has(p + ".0.0.weight"):
                raise ConvertError("mobilenet_v2: missing block features.%d" % i)
            y = x
            if fo.has(p + ".3.weight"):  # expand 1x1, depthwise, project
                w, b = fo.conv_bn(p + ".0.0", p + ".0.1")
                y = g.conv(y, p + ".0", ohwi(w), b, act="relu6")
                dw, pj, pjbn = p + ".1", p + ".2", p + ".3"
            else:
                dw, pj, pjbn = p + ".0", p + ".1", p + ".2"
            w, b = fo.conv_bn(dw + ".0", dw + ".1")
            y = g.depthwise(y, dw, np.transpose(w[:, 0], (1, 2, 0)), b, (s, s), (1, 1, 1, 1), "relu6")
            w, b = fo.conv_bn(pj, pjbn)
            y = g.conv(y, pj, ohwi(w), b)
            x = g.add(y, x) if (s == 1 and g.shapes[x][2] == g.shapes[y][2]) else y
        w, b = fo.conv_bn("features.18.0", "features.18.1")
        x = g.conv(x, "features.18", ohwi(w), b, act="relu6")
        feat = g.mean(x)
        logits = g.linear(feat, "classifier.1", fo.get("classifier.1.weight"), fo.get("classifier.1.bias"))
    unused = [k for k, v in sd.items() if k not in fo.used and not k.endswith("num_batches_tracked")]
    if unused:
        raise ConvertError("%s: tensors not used by %s: %s" % (folder, arch, ", ".join(sorted(unused)[:8])))
    labels = None
    lp = os.path.join(folder, "labels.txt")
    if os.path.exists(lp):
        with open(lp, encoding="utf-8") as f:
            labels = [l.rstrip("\n") for l in f if l.strip()]
    g.write(out, arch, pre, feat, logits, "logits", labels, dtype, source="torchvision %s from %s" % (arch, folder))
