#!/usr/bin/env python3
"""Writes stand-ins for OpenCV's three DaSiamRPN ONNX files, wired the way cv::TrackerDaSiamRPN uses them.

  make_dasiamrpn.py OUT_DIR   -> OUT_DIR/dasiamrpn_model.onnx, dasiamrpn_kernel_r1.onnx, dasiamrpn_kernel_cls1.onnx

The tracker runs the model on a 127x127 exemplar up to the tensor named "63" (1x256x6x6), feeds that to
both kernel nets, writes their outputs (20x256x4x4 and 10x256x4x4) as the weights of the Conv layers
producing "65" and "68", then runs the model on a 271x271 search crop and reads its two unconnected
outputs: "65" (box deltas, 1x20x19x19) and "68" (scores, 1x10x19x19). The stand-ins keep exactly those
names and shapes; the backbone is AveragePool(82, stride 9) + Conv 1x1 (127 -> 6, 271 -> 22), and the
weights are small random numbers, so the decoded boxes stay near the anchors.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)], producer_name="zoo-bench tests")
    model.ir_version = 6
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)

    def weights(shape, scale, name):
        return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)

    # The model: dynamic spatial size, since the same net sees 127x127 and 271x271 inputs.
    nodes = [
        helper.make_node("AveragePool", ["input"], ["pooled"], kernel_shape=[82, 82], strides=[9, 9]),
        helper.make_node("Conv", ["pooled", "w63"], ["63"], kernel_shape=[1, 1]),
        helper.make_node("Conv", ["63", "w65"], ["65"], kernel_shape=[4, 4]),
        helper.make_node("Conv", ["63", "w68"], ["68"], kernel_shape=[4, 4]),
    ]
    inits = [weights((256, 3, 1, 1), 1e-2, "w63"), weights((20, 256, 4, 4), 1e-5, "w65"),
             weights((10, 256, 4, 4), 1e-5, "w68")]
    graph = helper.make_graph(
        nodes, "dasiamrpn_standin",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [helper.make_tensor_value_info("65", TensorProto.FLOAT, [1, 20, "oh", "ow"]),
         helper.make_tensor_value_info("68", TensorProto.FLOAT, [1, 10, "oh", "ow"])],
        inits)
    save(graph, os.path.join(out, "dasiamrpn_model.onnx"))

    # Kernel nets: 1x256x6x6 -> Conv 1x1 to C channels -> MaxPool 3 (6x6 -> 4x4) -> C*copies channels.
    for name, copies in (("kernel_r1", 20), ("kernel_cls1", 10)):
        channels = 256
        nodes = [
            helper.make_node("Conv", ["x", "w"], ["c"], kernel_shape=[1, 1]),
            helper.make_node("MaxPool", ["c"], ["p"], kernel_shape=[3, 3], strides=[1, 1]),
            helper.make_node("Concat", ["p"] * copies, ["y"], axis=1),
        ]
        graph = helper.make_graph(
            nodes, f"dasiamrpn_{name}_standin",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 256, 6, 6])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, channels * copies, 4, 4])],
            [weights((channels, 256, 1, 1), 1e-2, "w")])
        save(graph, os.path.join(out, f"dasiamrpn_{name}.onnx"))


if __name__ == "__main__":
    main()
