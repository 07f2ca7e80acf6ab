# The PyTorch side of scripts/bench/trainingSpeed.ts: the bench's example models written in plain
# PyTorch, timed per training step. Started once per bench run; reads one JSON request per line on
# stdin ({"model", "threads", "warmup", "steps"}) and answers one JSON line on stdout, so the Node
# side can interleave its own runs with these. Inputs are random: only the speed is compared.
import ctypes
import json
import os
import sys
import time

import torch
from torch import nn


def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.3), nn.Linear(256, 10)), (784,), 64


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(7 * 7 * 32, 64), nn.ReLU(), nn.Dropout(0.25), nn.Linear(64, 10),
    ), (1, 28, 28), 64


class Residual(nn.Module):
    def __init__(self, channels_in, channels_out, stride):
        super().__init__()
        self.branch = nn.Sequential(
            nn.Conv2d(channels_in, channels_out, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(channels_out), nn.ReLU(),
            nn.Conv2d(channels_out, channels_out, 3, padding=1, bias=False), nn.BatchNorm2d(channels_out),
        )
        same = channels_in == channels_out and stride == 1
        self.skip = nn.Identity() if same else nn.Conv2d(channels_in, channels_out, 1, stride=stride, bias=False)

    def forward(self, x):
        return torch.relu(self.branch(x) + self.skip(x))


def resnet():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        Residual(16, 16, 1), Residual(16, 32, 2), nn.Flatten(), nn.Linear(7 * 7 * 32, 10),
    ), (1, 28, 28), 64


def mlp4096():
    layers = []
    for _ in range(6):
        layers += [nn.Linear(4096, 4096, bias=False), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(4096, 10)), (4096,), 64


MODELS = {'mlp': mlp, 'cnn': cnn, 'resnet': resnet, 'mlp4096': mlp4096}
# The optimizers of the example configs.
OPTIMIZERS = {
    'mlp': lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
    'cnn': lambda p: torch.optim.Adam(p, lr=0.001),
    'resnet': lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
    'mlp4096': lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9),
}
built = {}


def blas_in_use():
    # Debian's torch links the generic libblas.so.3, which the alternatives system points at a
    # BLAS: the library actually mapped into this process names it.
    try:
        with open('/proc/self/maps') as maps:
            names = {os.path.basename(line.split()[-1]) for line in maps if 'blas' in line.lower() and '/' in line}
        return ', '.join(sorted(names)) or 'none mapped'
    except OSError:
        return 'unknown'


def openblas():
    # torch.set_num_threads does not reach a pthreads OpenBLAS, which keeps one thread per core for
    # every matrix product: without this, "one thread" would multiply matrices on all cores.
    try:
        with open('/proc/self/maps') as maps:
            paths = sorted({line.split()[-1] for line in maps if 'openblas' in line.lower() and '/' in line})
        return ctypes.CDLL(paths[0]) if paths else None
    except (OSError, IndexError):
        return None


def set_threads(threads):
    torch.set_num_threads(threads)
    library = openblas()
    if library is not None and hasattr(library, 'openblas_set_num_threads'):
        library.openblas_set_num_threads(threads)
        return library.openblas_get_num_threads()
    return None


def time_steps(name, threads, warmup, steps):
    blas_threads = set_threads(threads)
    if name not in built:
        torch.manual_seed(0)
        model, shape, batch = MODELS[name]()
        built[name] = (model, OPTIMIZERS[name](model.parameters()), torch.randn(batch, *shape), torch.randint(0, 10, (batch,)))
    model, optimizer, x, y = built[name]
    model.train()
    loss_fn = nn.CrossEntropyLoss()
    times = []
    cpu_times = []
    for i in range(warmup + steps):
        started = time.perf_counter()
        cpu_started = time.process_time()
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        loss.item()  # what a training loop reads each step
        if i >= warmup:
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu_started) * 1000)
    return times, cpu_times, blas_threads


def main():
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # loads the BLAS so that it shows in the maps
    print(json.dumps({'ready': True, 'torch': torch.__version__, 'cores': os.cpu_count(), 'blas': blas_in_use()}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        times, cpu_times, blas_threads = time_steps(request['model'], request['threads'], request['warmup'], request['steps'])
        print(json.dumps({'ms': times, 'cpuMs': cpu_times, 'blasThreads': blas_threads}), flush=True)


if __name__ == '__main__':
    main()
