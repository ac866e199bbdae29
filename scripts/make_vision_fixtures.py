#!/usr/bin/python3
"""Builds tests/data/vision/ from ../shared/data/images and Debian's PIL / torchvision (run once; outputs committed).

  scripts/make_vision_fixtures.py [--shared ../shared] [--only images|torchvision|models]

images:      photos (copied; licences beside them), PIL references for decoding, resizing and cropping, hostile files.
torchvision: reduced-width resnet18 (BasicBlock) and resnet50 (Bottleneck) with random weights, seeded, BN statistics
             randomized as shared/fixtures/images/torchvision/*/config.json describes; their features and logits.
models:      the real models the parity tests need (Coral TFLite, face-api TF.js) and their goldens.
"""
import argparse
import hashlib
import io
import json
import os
import shutil
import struct
import sys
import zlib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "data", "vision")


def save_npy(path, a):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, np.ascontiguousarray(a))


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def make_png(width, height, bit_depth, color_type, idat):
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def images(shared):
    from PIL import Image, ImageOps
    src = os.path.join(shared, "data", "images", "coral")
    photos = os.path.join(OUT, "photos")
    os.makedirs(photos, exist_ok=True)
    for name in ("owl.jpg", "cat.bmp"):
        shutil.copyfile(os.path.join(src, name), os.path.join(photos, name))
    shutil.copyfile(os.path.join(src, "COPYRIGHT"), os.path.join(photos, "COPYRIGHT"))
    shutil.copyfile(os.path.join(src, "LICENSE"), os.path.join(photos, "LICENSE"))
    ref = os.path.join(OUT, "pil")
    # The torchvision pipeline (PIL decode, Resize(256) bilinear antialias, CenterCrop(224)).
    import torchvision.transforms as T
    tf = T.Compose([T.Resize(256), T.CenterCrop(224)])
    for name in ("owl.jpg", "cat.bmp"):
        im = Image.open(os.path.join(photos, name)).convert("RGB")
        save_npy(os.path.join(ref, name.split(".")[0] + "_crop224.npy"), np.asarray(tf(im), dtype=np.uint8))
    # Resampling on a small photo patch: every filter, up and down, odd sizes.
    owl = Image.open(os.path.join(photos, "owl.jpg")).convert("RGB")
    patch = owl.crop((100, 80, 100 + 97, 80 + 61))
    patch.save(os.path.join(ref, "patch.png"))
    cases = []
    for filt, pil in (("bilinear", Image.BILINEAR), ("bicubic", Image.BICUBIC), ("lanczos", Image.LANCZOS)):
        for w, h in ((33, 20), (200, 130), (97, 17), (40, 61), (150, 45)):
            out = np.asarray(patch.resize((w, h), pil), dtype=np.uint8)
            fn = "patch_%s_%dx%d.npy" % (filt, w, h)
            save_npy(os.path.join(ref, fn), out)
            cases.append({"filter": filt, "width": w, "height": h, "file": fn})
    # BMP variants and PNG variants written by PIL, with PIL's RGB decode as the reference.
    variants = []
    small = owl.resize((37, 23), Image.BILINEAR)
    for fmt, mode, fn in (("BMP", "RGB", "v_rgb24.bmp"), ("BMP", "L", "v_gray8.bmp"), ("BMP", "P", "v_pal8.bmp"),
                          ("BMP", "1", "v_mono1.bmp"), ("BMP", "RGBA", "v_rgba32.bmp"),
                          ("PNG", "RGB", "v_rgb.png"), ("PNG", "RGBA", "v_rgba.png"), ("PNG", "L", "v_gray.png"),
                          ("PNG", "LA", "v_gray_alpha.png"), ("PNG", "P", "v_pal.png"), ("PNG", "1", "v_mono.png"),
                          ("JPEG", "L", "v_gray.jpg"), ("JPEG", "RGB", "v_rgb.jpg")):
        im = small.convert(mode)
        path = os.path.join(ref, fn)
        im.save(path, fmt)
        back = Image.open(path).convert("RGB")
        save_npy(path + ".npy", np.asarray(back, dtype=np.uint8))
        variants.append(fn)
    # 16-bit PNG (PIL keeps the high byte) and an interlaced PNG.
    arr16 = (np.asarray(small, dtype=np.uint16) * 257 + 3).astype(">u2")
    raw = b"".join(b"\x00" + arr16[y].tobytes() for y in range(arr16.shape[0]))
    with open(os.path.join(ref, "v_rgb16.png"), "wb") as f:
        f.write(make_png(37, 23, 16, 2, zlib.compress(raw)))
    save_npy(os.path.join(ref, "v_rgb16.png.npy"), np.asarray(Image.open(os.path.join(ref, "v_rgb16.png")).convert("RGB")))
    variants.append("v_rgb16.png")
    # EXIF orientations on a JPEG: PIL's exif_transpose is the reference.
    for o in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = o
        fn = "exif_%d.jpg" % o
        small.save(os.path.join(ref, fn), "JPEG", exif=exif.tobytes(), quality=95)
        t = ImageOps.exif_transpose(Image.open(os.path.join(ref, fn))).convert("RGB")
        save_npy(os.path.join(ref, fn + ".npy"), np.asarray(t, dtype=np.uint8))
        variants.append(fn)
    with open(os.path.join(ref, "cases.json"), "w") as f:
        json.dump({"resize": cases, "decode": variants, "pil": Image.__version__}, f, indent=1)
    # Hostile files.
    bad = os.path.join(OUT, "bad")
    os.makedirs(bad, exist_ok=True)
    open(os.path.join(bad, "empty.png"), "wb").close()
    data = open(os.path.join(photos, "owl.jpg"), "rb").read()
    open(os.path.join(bad, "truncated.jpg"), "wb").write(data[: len(data) // 2])
    open(os.path.join(bad, "huge_header.png"), "wb").write(make_png(60000, 60000, 8, 2, zlib.compress(b"\x00" * 64)))
    # A bomb: 16000 x 16000 1-bit gray, all zero: 32 MB of filtered rows in ~32 KB.
    row = b"\x00" * (1 + 16000 // 8)
    z = zlib.compressobj(9)
    comp = b"".join(z.compress(row) for _ in range(16000)) + z.flush()
    open(os.path.join(bad, "bomb.png"), "wb").write(make_png(16000, 16000, 1, 0, comp))
    # A bomb within 64 MP but expanding to 192 MB: caught with a smaller max_pixels in the test.
    png = open(os.path.join(ref, "v_rgb.png"), "rb").read()
    open(os.path.join(bad, "truncated.png"), "wb").write(png[: len(png) - 30])
    open(os.path.join(bad, "not_image.txt"), "wb").write(b"hello, this is text\n")
    open(os.path.join(bad, "bmp_rle.bmp"), "wb").write(
        b"BM" + struct.pack("<IHHI", 70, 0, 0, 62) + struct.pack("<IiiHHIIiiII", 40, 2, 2, 1, 8, 1, 8, 0, 0, 0, 0) + b"\x00" * 16)


BN_RECIPE = "calibrate on 8 seeded N(0,1) images (momentum None), then weight~U(0.5,1.5) (U(0.3,0.8) for the last BN of a residual branch), bias~N(0,0.1), running_mean += N(0,0.1)*sqrt(var), running_var *= U(0.5,2)"


def randomize_bn(model, arch, seed_bn=1, size=224):
    """shared/fixtures/images/torchvision/*/config.json's recipe."""
    import torch
    gen = torch.Generator().manual_seed(seed_bn)
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    model.train()
    with torch.no_grad():
        model(torch.randn(8, 3, size, size, generator=gen))
    model.eval()
    last = set()
    import torchvision.models.resnet as R
    import torchvision.models.mobilenetv2 as M
    for mod in model.modules():
        if isinstance(mod, R.BasicBlock):
            last.add(id(mod.bn2))
        elif isinstance(mod, R.Bottleneck):
            last.add(id(mod.bn3))
        elif isinstance(mod, M.InvertedResidual) and mod.use_res_connect:
            last.add(id([m for m in mod.modules() if isinstance(m, torch.nn.BatchNorm2d)][-1]))
    with torch.no_grad():
        for m in bns:
            n = m.num_features
            lo, hi = (0.3, 0.8) if id(m) in last else (0.5, 1.5)
            m.weight.copy_(torch.rand(n, generator=gen) * (hi - lo) + lo)
            m.bias.copy_(torch.randn(n, generator=gen) * 0.1)
            m.running_mean += torch.randn(n, generator=gen) * 0.1 * m.running_var.sqrt()
            m.running_var *= torch.rand(n, generator=gen) * 1.5 + 0.5


def shrink(model, factor):
    """Divides every conv/BN/linear width by `factor` (the image's 3 channels and the classes stay): the
    module classes and torchvision's forward code are unchanged, so torchvision stays the reference."""
    import torch

    def walk(mod):
        for name, child in mod.named_children():
            if isinstance(child, torch.nn.Conv2d):
                cin = child.in_channels if child.in_channels == 3 else child.in_channels // factor
                cout = child.out_channels // factor
                groups = cin if child.groups > 1 else 1
                setattr(mod, name, torch.nn.Conv2d(cin, cout, child.kernel_size, child.stride, child.padding,
                                                   groups=groups, bias=child.bias is not None))
            elif isinstance(child, torch.nn.BatchNorm2d):
                setattr(mod, name, torch.nn.BatchNorm2d(child.num_features // factor))
            elif isinstance(child, torch.nn.Linear):
                setattr(mod, name, torch.nn.Linear(child.in_features // factor, child.out_features))
            else:
                walk(child)
    walk(model)
    return model


def torchvision_models(shared):
    import torch
    import torchvision
    torch.set_num_threads(1)
    photos = ["owl", "cat"]
    crops = np.stack([np.load(os.path.join(OUT, "pil", p + "_crop224.npy")) for p in photos])
    mean = np.array([0.485, 0.456, 0.406], np.float32)
    std = np.array([0.229, 0.224, 0.225], np.float32)
    x = torch.from_numpy(((crops.astype(np.float32) / np.float32(255) - mean) / std).transpose(0, 3, 1, 2).copy())
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from safetensors_np import save_state_dict
    for arch, factor, classes in (("resnet18", 8, 100), ("resnet50", 8, 100), ("mobilenet_v2", 4, 100)):
        torch.manual_seed(0)
        model = getattr(torchvision.models, arch)(weights=None, num_classes=classes)
        model = shrink(model, factor)
        torch.manual_seed(0)
        for m in model.modules():  # re-initialize the new modules as torchvision does
            if isinstance(m, torch.nn.Conv2d):
                torch.nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    torch.nn.init.zeros_(m.bias)
            elif isinstance(m, torch.nn.Linear):
                torch.nn.init.normal_(m.weight, 0, 0.01)
                torch.nn.init.zeros_(m.bias)
        randomize_bn(model, arch)
        model.eval()
        feats = {}
        hook_mod = model.avgpool if hasattr(model, "avgpool") else None
        with torch.no_grad():
            if hook_mod is not None:
                h = hook_mod.register_forward_hook(lambda m, i, o: feats.__setitem__("f", torch.flatten(o, 1)))
                logits = model(x)
                h.remove()
            else:
                f = model.features(x)
                feats["f"] = torch.flatten(torch.nn.functional.adaptive_avg_pool2d(f, (1, 1)), 1)
                logits = model.classifier(feats["f"])
        d = os.path.join(OUT, "torchvision", arch)
        os.makedirs(d, exist_ok=True)
        save_state_dict(os.path.join(d, "model.safetensors"), {k: v.numpy() for k, v in model.state_dict().items()})
        save_npy(os.path.join(d, "features.npy"), feats["f"].numpy())
        save_npy(os.path.join(d, "logits.npy"), logits.numpy())
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump({"arch": arch, "framework": "torchvision", "num_classes": classes, "width_divided_by": factor,
                       "constructor": "%s(weights=None, num_classes=%d), every width / %d" % (arch, classes, factor),
                       "seed_init": 0, "seed_bn": 1, "bn_randomization": BN_RECIPE, "batchnorm_eps": 1e-5,
                       "inputs": ["pil/%s_crop224.npy" % p for p in photos],
                       "torchvision_version": torchvision.__version__, "torch_version": torch.__version__}, f, indent=1)
        print(arch, "params", sum(p.numel() for p in model.parameters()), "logits", logits.shape)


def real_models(shared):
    """Copies the real models and goldens the parity tests need (licences beside them; see the READMEs)."""
    from PIL import Image
    d = os.path.join(OUT, "coral")
    os.makedirs(os.path.join(d, "imprinting"), exist_ok=True)
    src, fix = os.path.join(shared, "data", "images", "coral"), os.path.join(shared, "fixtures", "images", "coral")
    for f in ("mobilenet_v1_1.0_224_quant_embedding_extractor.tflite", "mobilenet_v2_1.0_224_quant.tflite", "LICENSE", "COPYRIGHT"):
        shutil.copyfile(os.path.join(src, f), os.path.join(d, f))
    shutil.copyfile(os.path.join(src, "imprinting", "COPYRIGHT"), os.path.join(d, "imprinting", "COPYRIGHT"))
    for f in ("inputs_uint8.npy", "meta.json", "mobilenet_v1_1.0_224_quant_embedding_extractor.output_dequantized.npy",
              "mobilenet_v2_1.0_224_quant.output_dequantized.npy"):
        shutil.copyfile(os.path.join(fix, f), os.path.join(d, f))
    for name in sorted(os.listdir(os.path.join(src, "imprinting"))):
        if not name.endswith(".bmp"):
            continue
        im = Image.open(os.path.join(src, "imprinting", name)).convert("RGB")
        w, h = im.size
        s = 256 / min(w, h)
        im.resize((round(w * s), round(h * s)), Image.BILINEAR).save(os.path.join(d, "imprinting", name[:-4] + ".png"), optimize=True)
    f = os.path.join(OUT, "face-api")
    os.makedirs(f, exist_ok=True)
    for n in ("face_recognition_model.bin", "face_recognition_model-weights_manifest.json", "LICENSE-face-api-MIT", "DLIB-MODEL-LICENSE.md"):
        shutil.copyfile(os.path.join(shared, "data", "images", "face-api", n), os.path.join(f, n))
    ff = os.path.join(shared, "fixtures", "images", "face-api")
    keep = 5  # astronaut x2, coral faces x2, grace_hopper: public domain / CC BY; the private-people crops stay in shared
    save_npy(os.path.join(f, "crops_uint8.npy"), np.load(os.path.join(ff, "crops_uint8.npy"))[:keep])
    save_npy(os.path.join(f, "descriptors.npy"), np.load(os.path.join(ff, "descriptors.npy"))[:keep])
    j = json.load(open(os.path.join(ff, "crops.json")))
    j["order"] = j["order"][:keep]
    j["crops"] = [c for c in j["crops"] if c["name"] in j["order"]]
    json.dump(j, open(os.path.join(f, "crops.json"), "w"), indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--only", choices=["images", "torchvision", "models"])
    a = ap.parse_args()
    if a.only in (None, "images"):
        images(a.shared)
    if a.only in (None, "torchvision"):
        torchvision_models(a.shared)
    if a.only in (None, "models"):
        real_models(a.shared)
    return 0


if __name__ == "__main__":
    sys.exit(main())
