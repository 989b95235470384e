#!/usr/bin/env python3
"""Writes an ONNX stand-in whose forward runs away, for --timeout-per-model tests.

  make_slow_onnx.py OUT.onnx --input input:1x3x224x224 --output output:1x1000 [--convs 24] [--width 256]
  make_slow_onnx.py OUT.onnx --input ... --output ... --custom-op ZooBenchSleep

By default the input goes through `convs` 3x3 convolutions of `width` channels at full resolution (one
shared weight, so the file stays small): at 224x224 each is about 60 GFLOP, far beyond any test's time
limit on a CPU. With --custom-op the input instead passes through one node of that op type (domain
"zoobench"), which the test registers with cv::dnn's LayerFactory (e.g. a layer that sleeps). Either way
the output is GlobalAveragePool -> Flatten -> Gemm -> Reshape to the asked shape.
"""
import argparse

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
    parser.add_argument("--input", type=shape, required=True)
    parser.add_argument("--output", type=shape, required=True)
    parser.add_argument("--convs", type=int, default=24)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--custom-op", default="")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    (in_name, in_dims), (out_name, out_dims) = args.input, args.output
    nodes, inits = [], []
    x, channels = in_name, in_dims[1]
    opsets = [helper.make_opsetid("", 11)]
    if args.custom_op:
        nodes.append(helper.make_node(args.custom_op, [x], ["_zb_custom"], domain="zoobench"))
        opsets.append(helper.make_opsetid("zoobench", 1))
        x = "_zb_custom"
    else:
        w_in = rng.standard_normal((args.width, channels, 3, 3)).astype(np.float32) * 0.01
        w = rng.standard_normal((args.width, args.width, 3, 3)).astype(np.float32) * 0.01
        inits += [numpy_helper.from_array(w_in, "_zb_w_in"), numpy_helper.from_array(w, "_zb_w")]
        nodes.append(helper.make_node("Conv", [x, "_zb_w_in"], ["_zb_c0"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
        x, channels = "_zb_c0", args.width
        for k in range(args.convs):
            nodes.append(helper.make_node("Conv", [x, "_zb_w"], [f"_zb_c{k + 1}"], kernel_shape=[3, 3],
                                          pads=[1, 1, 1, 1]))
            x = f"_zb_c{k + 1}"
    size = int(np.prod(out_dims))
    inits += [
        numpy_helper.from_array(rng.standard_normal((size, channels)).astype(np.float32) * 0.1, "_zb_fc_w"),
        numpy_helper.from_array(np.zeros((size,), dtype=np.float32), "_zb_fc_b"),
        numpy_helper.from_array(np.array(out_dims, dtype=np.int64), "_zb_shape"),
    ]
    nodes += [
        helper.make_node("GlobalAveragePool", [x], ["_zb_pooled"]),
        helper.make_node("Flatten", ["_zb_pooled"], ["_zb_flat"], axis=1),
        helper.make_node("Gemm", ["_zb_flat", "_zb_fc_w", "_zb_fc_b"], ["_zb_fc"], transB=1),
        helper.make_node("Reshape", ["_zb_fc", "_zb_shape"], [out_name]),
    ]
    graph = helper.make_graph(nodes, "zoo_bench_slow_stand_in",
                              [helper.make_tensor_value_info(in_name, TensorProto.FLOAT, in_dims)],
                              [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, out_dims)], inits)
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 7
    if not args.custom_op:  # the checker knows no schema for a custom op
        onnx.checker.check_model(model)
    onnx.save(model, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
