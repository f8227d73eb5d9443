#!/usr/bin/env python3
"""Writes Tests/ChessModelTests/Fixtures/zennit-relevance.jsonl: zennit's LRP of the shipped
network's value, per board cell, for 32 positions under six composites, the reference that
`ZennitAgreementTests` holds `chess-concepts relevance` to.

The network is rebuilt in PyTorch (float64) from models/default's last safetensors checkpoint
as the README's "Network layout" describes it: convolution weights [out, kh, kw, in] permuted
to PyTorch's [out, in, kh, kw], NHWC maps as NCHW, the value head's 2 × 8 × 8 map flattened in
NHWC order. Batch norm is merged into the convolution before it by zennit's
SequentialMergeBatchNorm canonizer (corrected to leave an exact identity, see
ExactMergeBatchNorm); each residual sum is a zennit `Sum` module. Relevance
starts at the value head's hidden layer as the read-out (win logit − loss logit) times each
unit's activation, zennit's `attr_output`.

Our composites map onto zennit's rules one to one (Epsilon, ZPlus, Gamma, Flat; sums by Norm,
zennit's rule for `Sum`), except a residual sum under z⁺, which zennit has no rule for: it is
written here as a BasicHook with zennit's own parts, Norm on the summands' positive parts.

The positions are the first 32 of `chess-concepts activations --positions 100 --layers input`
(its encoded planes are read, so that both sides see the same input). Each line holds the
FEN, the composite, "cells" (relevance summed over the planes of each of the 64 cells of the
encoder's grid, row-major, from the side to move's view) and "total" (the relevance started with).

Reproduce with: pip install torch==2.13.0+cpu zennit==0.5.1 safetensors numpy
  && python3 scripts/make-relevance-fixtures.py
It also prints zennit's time per position beside the agreement check's.
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

import types

import numpy as np
import torch
from safetensors.torch import load_file


def stand_in_for_torchvision():
    """zennit imports torchvision's ResNet blocks for its torchvision canonizers, unused here.
    PyPI's torchvision is a CUDA build that cannot load beside the CPU torch (and the CPU
    index has no torchvision), so where it fails two empty classes take its place."""
    try:
        import torchvision  # noqa: F401
        return
    except (ImportError, OSError, RuntimeError):
        for name in [name for name in sys.modules if name.startswith("torchvision")]:
            del sys.modules[name]
    resnet = types.ModuleType("torchvision.models.resnet")
    resnet.Bottleneck = type("Bottleneck", (torch.nn.Module,), {})
    resnet.BasicBlock = type("BasicBlock", (torch.nn.Module,), {})
    models = types.ModuleType("torchvision.models")
    models.resnet = resnet
    package = types.ModuleType("torchvision")
    package.models = models
    sys.modules.update({"torchvision": package, "torchvision.models": models, "torchvision.models.resnet": resnet})


stand_in_for_torchvision()
from zennit.canonizers import SequentialMergeBatchNorm
from zennit.composites import LayerMapComposite, SpecialFirstLayerMapComposite
from zennit.core import BasicHook, Stabilizer
from zennit.layer import Sum
from zennit.rules import Epsilon, Flat, Gamma, Norm, NoMod, Pass, ZPlus
from zennit.types import Activation, BatchNorm, Convolution

MODEL, POSITIONS = "models/default", 32
OUT = "Tests/ChessModelTests/Fixtures/zennit-relevance.jsonl"
STABILISER = 1e-6


class ExactMergeBatchNorm(SequentialMergeBatchNorm):
    """zennit's merge, with the batch norm left as the identity. zennit 0.5.1 sets the
    running variance to 1, so that the layer still divides by sqrt(1 + eps): every merged
    batch norm shrinks its output by 5·10⁻⁶, and after the 14 of this network the value's
    relevance is 10⁻⁴ of its scale away from the unmerged network's. A variance of 1 − eps
    makes the layer exact."""
    @staticmethod
    def merge_batch_norm(modules, batch_norm):
        SequentialMergeBatchNorm.merge_batch_norm(modules, batch_norm)
        batch_norm.running_var.data = torch.full_like(batch_norm.running_var.data, 1 - batch_norm.eps)


class SumPlus(BasicHook):
    """A residual sum's relevance shared among the summands' positive parts."""
    def __init__(self, stabilizer=STABILISER):
        stabilize = Stabilizer.ensure(stabilizer)
        super().__init__(
            input_modifiers=[lambda input: input.clamp(min=0)],
            param_modifiers=[NoMod(param_keys=[])],
            output_modifiers=[lambda output: output],
            gradient_mapper=(lambda out_grad, outputs: out_grad / stabilize(outputs[0])),
            reducer=(lambda inputs, gradients: inputs[0] * gradients[0]),
        )


def rule(text):
    name, _, parameter = text.partition(":")
    if name == "epsilon":
        return Epsilon(epsilon=float(parameter or STABILISER))
    if name == "zplus":
        return ZPlus(stabilizer=STABILISER)
    if name == "gamma":
        return Gamma(gamma=float(parameter or 0.25), stabilizer=STABILISER)
    if name == "flat":
        return Flat(stabilizer=STABILISER)
    raise ValueError(text)


# name → (conv, dense, sum, input); the named composites of RelevanceComposite and one of pairs.
COMPOSITES = {
    "epsilon": ("epsilon", "epsilon", "epsilon", None),
    "zplus": ("zplus", "zplus", "zplus", None),
    "epsilon-plus": ("zplus", "epsilon", "zplus", None),
    "epsilon-plus-flat": ("zplus", "epsilon", "zplus", "flat"),
    "epsilon-gamma": ("gamma", "epsilon", "epsilon", None),
    "conv=gamma:0.5,dense=zplus,sum=epsilon:0.01,input=flat": ("gamma:0.5", "zplus", "epsilon:0.01", "flat"),
}


def composite(conv, dense, sum_rule, first):
    sum_hook = SumPlus() if sum_rule == "zplus" else Norm(stabilizer=float(sum_rule.partition(":")[2] or STABILISER))
    layer_map = [(Activation, Pass()), (Sum, sum_hook), (BatchNorm, Pass()),
                 (Convolution, rule(conv)), (torch.nn.Linear, rule(dense))]
    canonizers = [ExactMergeBatchNorm()]
    if first is None:
        return LayerMapComposite(layer_map=layer_map, canonizers=canonizers)
    return SpecialFirstLayerMapComposite(layer_map=layer_map, first_map=[(Convolution, rule(first))], canonizers=canonizers)


class Block(torch.nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(channels)
        self.relu1 = torch.nn.ReLU()
        self.conv2 = torch.nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = torch.nn.BatchNorm2d(channels)
        self.sum = Sum(dim=-1)
        self.relu2 = torch.nn.ReLU()

    def forward(self, x):
        branch = self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))
        return self.relu2(self.sum(torch.stack([x, branch], dim=-1)))


class ValueTrunk(torch.nn.Module):
    """Planes (NCHW) to the value head's hidden layer."""
    def __init__(self, planes, blocks, channels):
        super().__init__()
        self.stem_conv = torch.nn.Conv2d(planes, channels, 3, padding=1, bias=False)
        self.stem_bn = torch.nn.BatchNorm2d(channels)
        self.stem_relu = torch.nn.ReLU()
        self.blocks = torch.nn.Sequential(*[Block(channels) for _ in range(blocks)])
        self.value_conv = torch.nn.Conv2d(channels, 2, 1, bias=False)
        self.value_bn = torch.nn.BatchNorm2d(2)
        self.value_relu = torch.nn.ReLU()
        self.value_fc = torch.nn.Linear(128, 64)
        self.value_fc_relu = torch.nn.ReLU()

    def forward(self, x):
        x = self.blocks(self.stem_relu(self.stem_bn(self.stem_conv(x))))
        x = self.value_relu(self.value_bn(self.value_conv(x)))
        return self.value_fc_relu(self.value_fc(x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)))


def load(model, tensors, blocks):
    def conv(module, name):
        module.weight.data = tensors[name].permute(0, 3, 1, 2).double()

    def norm(module, name):
        for key, target in [("weight", "weight"), ("bias", "bias"), ("running_mean", "running_mean"), ("running_var", "running_var")]:
            getattr(module, target).data = tensors[f"{name}.{key}"].double()

    conv(model.stem_conv, "stem.conv.weight")
    norm(model.stem_bn, "stem.bn")
    for index, block in enumerate(model.blocks, start=1):
        conv(block.conv1, f"block{index}.conv1.weight")
        norm(block.bn1, f"block{index}.bn1")
        conv(block.conv2, f"block{index}.conv2.weight")
        norm(block.bn2, f"block{index}.bn2")
    conv(model.value_conv, "value.conv.weight")
    norm(model.value_bn, "value.bn")
    model.value_fc.weight.data = tensors["value.fc.weight"].double()
    model.value_fc.bias.data = tensors["value.fc.bias"].double()
    logits = tensors["value.logits.weight"].double()
    return logits[0] - logits[2]


def main():
    config = json.load(open(f"{MODEL}/config.json"))
    step = config["checkpoints"][-1]
    blocks, channels = config["architecture"]["blocks"], config["architecture"]["channels"]
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(["swift", "run", "-c", "release", "chess-concepts", "activations", "--model", MODEL, "--layers", "input",
                        "--steps", str(step), "--positions", "100", "--concepts", "in_check", "--out", scratch],
                       check=True, stdout=subprocess.DEVNULL)
        planes = np.load(f"{scratch}/step-{step:07d}-input.npy")
        fens = [row["fen"] for row in csv.DictReader(open(f"{scratch}/positions.csv"))][:POSITIONS]
        planes = planes[:POSITIONS]
    planes = torch.from_numpy(planes.reshape(len(fens), 8, 8, -1)).double().permute(0, 3, 1, 2).contiguous()
    model = ValueTrunk(planes.shape[1], blocks, channels).double().eval()
    readout = load(model, load_file(f"{MODEL}/step-{step:07d}.safetensors"), blocks)
    single = ValueTrunk(planes.shape[1], blocks, channels).double().eval()
    load(single, load_file(f"{MODEL}/step-{step:07d}.safetensors"), blocks)
    single = single.float()

    def relevance_cells(network, inputs, rules):
        with composite(*rules).context(network) as modified:
            inputs = inputs.clone().requires_grad_(True)
            output = modified(inputs)
            start = output.detach() * readout.to(inputs.dtype)
            (relevance,) = torch.autograd.grad(output, inputs, grad_outputs=start)
        return relevance.sum(dim=1).reshape(len(fens), 64).double(), start.double()

    lines = []
    for name, rules in COMPOSITES.items():
        started = time.perf_counter()
        cells, start = relevance_cells(model, planes, rules)
        seconds = time.perf_counter() - started
        # zennit's own float32 beside its float64: how far float32 alone moves the maps.
        cells32, _ = relevance_cells(single, planes.float(), rules)
        float32_error = ((cells32 - cells).abs().max(dim=1).values / cells.abs().max(dim=1).values).max().item()
        for index, fen in enumerate(fens):
            lines.append({"fen": fen, "composite": name, "total": float(start[index].sum()),
                          "cells": [float(value) for value in cells[index]]})
        print(f"{name}: zennit {1000 * seconds / len(fens):.2f} ms per position (float64); "
              f"float32 zennit's largest per-square error {float32_error:.1e}", file=sys.stderr)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    temporary = OUT + ".tmp"
    with open(temporary, "w") as handle:
        for line in lines:
            handle.write(json.dumps(line) + "\n")
    os.replace(temporary, OUT)
    print(f"wrote {len(lines)} lines to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
