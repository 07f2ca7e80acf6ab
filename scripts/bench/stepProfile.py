# The PyTorch side of scripts/bench/stepProfile.ts: profiles training steps of one of
# trainingSpeed.py's models on one thread (torch's and OpenBLAS's) and prints one JSON line: ms
# per step (timed without the profiler), the matrix products' and convolutions' share of it (self
# CPU time of those ops under the profiler, which adds a little to every op), and the largest ops.
#   python3 stepProfile.py <model> <warmup> <steps>
import json
import sys
import time

import torch
from torch import nn
from torch.profiler import ProfilerActivity, profile

from trainingSpeed import MODELS, OPTIMIZERS, set_threads

# The ops that do the arithmetic; their self time excludes the wrappers above them (linear,
# convolution) and the copies below them.
PRODUCT_OPS = {
    'aten::mm', 'aten::addmm', 'aten::bmm', 'aten::matmul', 'aten::mkldnn_convolution', 'aten::_slow_conv2d_forward',
    'aten::_slow_conv2d_backward', 'aten::convolution_backward', 'aten::mkldnn_convolution_backward',
    'aten::thnn_conv2d', 'aten::_convolution',
}


def main():
    name, warmup, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    set_threads(1)
    torch.manual_seed(0)
    model, shape, batch = MODELS[name]()
    optimizer = OPTIMIZERS[name](model.parameters())
    x, y = torch.randn(batch, *shape), torch.randint(0, 10, (batch,))
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        loss.item()

    for _ in range(warmup):
        step()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            step()
    events = prof.key_averages()
    started = time.perf_counter()
    for _ in range(steps):
        step()
    step_ms = (time.perf_counter() - started) * 1000 / steps
    product_us = sum(e.self_cpu_time_total for e in events if e.key in PRODUCT_OPS)
    top = sorted(events, key=lambda e: -e.self_cpu_time_total)[:4]
    print(json.dumps({
        'stepMs': step_ms, 'productMs': product_us / 1000 / steps,
        'top': ', '.join('%s %.2f ms x%d' % (e.key, e.self_cpu_time_total / 1000 / steps, e.count // steps) for e in top),
    }))


main()
