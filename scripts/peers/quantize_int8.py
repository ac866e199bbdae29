#!/usr/bin/env python3
"""Dynamic int8 quantization of an ONNX encoder's MatMul weights, per output channel — what
onnxruntime.quantization.quantize_dynamic(per_channel=True) does, written against python3-onnx because
ORT's Python quantizer cannot be installed here.

  quantize_int8.py model.onnx model-int8.onnx

Each MatMul whose B input is a 2-D float initializer W [K, N] becomes
  DynamicQuantizeLinear(A) → (A_u8, a_scale, a_zp)
  MatMulInteger(A_u8, W_s8, a_zp)            (W symmetric int8 per column n, zero point 0)
  Cast(int32 → float) · (a_scale · w_scale[n])
ORT's graph optimizer fuses this pattern into DynamicQuantizeMatMul, the op quantize_dynamic would give.
Activations: u8 asymmetric per tensor (ORT's dynamic scheme); embeddings, LayerNorm, softmax stay float.
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def main(src, dst):
    model = onnx.load(src)
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    new_nodes, new_inits, done = [], [], 0
    for node in g.node:
        if node.op_type != "MatMul" or node.input[1] not in inits:
            new_nodes.append(node)
            continue
        w = numpy_helper.to_array(inits[node.input[1]])
        if w.ndim != 2 or w.dtype != np.float32:
            new_nodes.append(node)
            continue
        base = f"q{done}"
        done += 1
        scale = np.abs(w).max(axis=0) / 127.0          # per output column n
        scale[scale == 0] = 1.0
        wq = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
        new_inits += [numpy_helper.from_array(wq, base + "_w"), numpy_helper.from_array(scale.astype(np.float32), base + "_ws")]
        a = node.input[0]
        new_nodes += [
            helper.make_node("DynamicQuantizeLinear", [a], [base + "_a", base + "_as", base + "_az"]),
            helper.make_node("MatMulInteger", [base + "_a", base + "_w", base + "_az"], [base + "_i32"]),
            helper.make_node("Cast", [base + "_i32"], [base + "_f"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [base + "_as", base + "_ws"], [base + "_s"]),
            helper.make_node("Mul", [base + "_f", base + "_s"], [node.output[0]]),
        ]
    used = {i for n in new_nodes for i in n.input}
    keep = [i for i in g.initializer if i.name in used]
    del g.node[:]
    g.node.extend(new_nodes)
    del g.initializer[:]
    g.initializer.extend(keep + new_inits)
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    print(f"quantized {done} MatMul weights per output channel → {dst}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
