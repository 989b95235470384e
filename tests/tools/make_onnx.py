#!/usr/bin/env python3
"""Writes a small ONNX model with the given input/output names and shapes and random weights.

Stand-in for zoo models whose weights are not available here: it exercises the real load + forward
path and the family's pre/post-processing with tensors of the right names and shapes.

  make_onnx.py OUT.onnx --input data:1x3x112x112 --output fc1:1x128 [--output ...] [--opset 11]

Each output is Conv(1x1) -> GlobalAveragePool -> Flatten -> Gemm -> Reshape of the (first) input, so
every output depends on the input. An input whose last dim is 1 or 3 and whose dim 1 is not is
treated as NHWC and transposed first.
"""
import argparse
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def shape(text):
    name, _, dims = text.partition(":")
    if not name or not dims:
        raise argparse.ArgumentTypeError(f"expected name:1x3x224x224, got '{text}'")
    return name, [int(d) for d in dims.split("x")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--input", type=shape, action="append", required=True)
    parser.add_argument("--output", type=shape, action="append", required=True)
    parser.add_argument("--opset", type=int, default=11)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    nodes, inits = [], []
    hidden = 8
    features = []
    # Every input feeds a Conv(1x1) -> GlobalAveragePool -> Flatten branch; the branches are summed.
    for k, (name, dims) in enumerate(args.input):
        x = name
        nhwc = len(dims) == 4 and dims[3] in (1, 3) and dims[1] not in (1, 3)
        channels = dims[3] if nhwc else dims[1]
        if nhwc:
            nodes.append(helper.make_node("Transpose", [x], [f"_zb_nchw{k}"], perm=[0, 3, 1, 2]))
            x = f"_zb_nchw{k}"
        w = rng.standard_normal((hidden, channels, 1, 1)).astype(np.float32) * 0.1
        inits.append(numpy_helper.from_array(w, f"_zb_conv{k}_w"))
        nodes += [
            helper.make_node("Conv", [x, f"_zb_conv{k}_w"], [f"_zb_conv{k}"], kernel_shape=[1, 1]),
            helper.make_node("GlobalAveragePool", [f"_zb_conv{k}"], [f"_zb_pooled{k}"]),
            helper.make_node("Flatten", [f"_zb_pooled{k}"], [f"_zb_flat{k}"], axis=1),
        ]
        features.append(f"_zb_flat{k}")
    flat = features[0]
    for k, f in enumerate(features[1:]):
        nodes.append(helper.make_node("Add", [flat, f], [f"_zb_sum{k}"]))
        flat = f"_zb_sum{k}"
    outputs = []
    for i, (name, dims) in enumerate(args.output):
        size = int(np.prod(dims))
        inits.append(numpy_helper.from_array(rng.standard_normal((size, hidden)).astype(np.float32) * 0.1, f"_zb_fc{i}_w"))
        inits.append(numpy_helper.from_array(rng.standard_normal((size,)).astype(np.float32) * 0.1, f"_zb_fc{i}_b"))
        inits.append(numpy_helper.from_array(np.array(dims, dtype=np.int64), f"_zb_shape{i}"))
        nodes.append(helper.make_node("Gemm", [flat, f"_zb_fc{i}_w", f"_zb_fc{i}_b"], [f"_zb_fc{i}"], transB=1))
        nodes.append(helper.make_node("Reshape", [f"_zb_fc{i}", f"_zb_shape{i}"], [name]))
        outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, dims))

    inputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, d) for n, d in args.input]
    graph = helper.make_graph(nodes, "zoo_bench_stand_in", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", args.opset)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
