// The exported script's instruments (per-layer statistics through forward hooks, only on
// statistics steps), its distributed setup (torchrun → DistributedDataParallel) and its training
// loop, which emits the events of Training Doctor's engine in the same order with the same meanings.

export const INSTRUMENTS = String.raw`
# ---------------------------------------------------------------------------------------------
# Instruments: the per-layer statistics of Training Doctor's engine (layerStatistics.ts), taken
# on statistics steps only (every STATS_EVERY steps): the hooks do nothing on other steps.
#   activation: mean and std (population) of the layer's output over the batch; zeroFraction and
#     deadFraction (units zero for the whole batch) for relu/relu6; saturatedFraction (within 1%
#     of an asymptote) for tanh/sigmoid/hardSigmoid
#   weights: mean and std of the main weight (kernel, or BatchNorm's gamma; never a bias)
#   gradNorm: L2 norm of the gradients of all the layer's trainable tensors, before clipping
#   updateRatio: ‖θ_after − θ_before‖ / ‖θ_before‖ over the layer's tensors for the step taken
# Under DistributedDataParallel the gradients are already averaged over all ranks; activation
# statistics are those of rank 0's share of the batch.
# ---------------------------------------------------------------------------------------------
RELU_FAMILY = {"relu", "relu6"}
SATURATING = {"tanh", "sigmoid", "hardSigmoid"}
SATURATION_MARGIN = 0.01
NAN = float("nan")


# The statistics below avoid what is slow on CPU: var_mean, counting boolean tensors, and
# max-reductions, and reductions across the layout of a channels-last tensor (convolutions keep
# that layout).
def mean_and_std(x):
    """Population mean and std, in two passes."""
    mean = x.mean()
    return mean, (x - mean).pow_(2).mean().sqrt()


def unit_sum(a):
    """The sum over everything but the unit (feature or channel) axis, whatever the memory layout."""
    if a.dim() == 2:
        return a.sum(dim=0)
    last = channels_last(a)
    if last.is_contiguous():
        return last.reshape(-1, last.shape[-1]).sum(dim=0)
    return a.sum(dim=[0] + list(range(2, a.dim())))


def count_above(x, limit):
    """How many entries exceed limit, in two vectorized passes (a comparison's boolean tensor is slow to count)."""
    return torch.clamp(x - limit, min=0).sign().sum()


def activation_stats(a, kind):
    a = a.detach().float()
    n = a.numel()
    mean, std = mean_and_std(a)
    nan = torch.tensor(NAN, device=a.device)
    zero = saturated = dead = nan
    if kind in RELU_FAMILY:
        nonzero = torch.sign(a).abs_()  # 1 where a ≠ 0
        zero = 1.0 - nonzero.sum() / n
        # A unit (feature, or channel at every position) is dead when it is 0 for the whole batch.
        dead = (unit_sum(nonzero) == 0).float().mean()
    if kind == "tanh":
        saturated = count_above(a.abs(), 1 - SATURATION_MARGIN) / n
    elif kind in SATURATING:
        # Below the margin or above 1 − margin: |a − ½| > ½ − margin.
        saturated = count_above((a - 0.5).abs(), 0.5 - SATURATION_MARGIN) / n
    return torch.stack([mean, std, zero, saturated, dead])


def squared_norm(x):
    flat = x.reshape(-1)
    return torch.dot(flat, flat)


class Instruments:
    def __init__(self, model, keep_values=False):
        self.layers = list(model.layers)
        self.device = next(model.parameters()).device
        # Looked up once: walking the modules at every statistics step costs more than the statistics.
        self.tensors = [trainable(layer) for layer in self.layers]
        self.weights = [main_weights(layer) for layer in self.layers]
        self.measuring = False
        # TensorBoard histograms need the values themselves (kept on statistics steps only).
        self.keep_values = keep_values
        self.activations = [None] * len(self.layers)
        self.outputs = [None] * len(self.layers)
        for i, layer in enumerate(self.layers):
            layer.register_forward_hook(self.hook(i, LAYERS[i]["activation"]))

    def hook(self, i, kind):
        def measure(module, inputs, output):
            if self.measuring:
                with torch.no_grad():
                    self.activations[i] = activation_stats(output, kind)
                    if self.keep_values:
                        self.outputs[i] = output.detach()
        return measure

    def histogram_values(self):
        """Per layer: its output, main weights and their gradients (before clipping), for histograms."""
        values = []
        for i, weights in enumerate(self.weights):
            grads = [w.grad for w in weights if w.grad is not None]
            values.append((LAYERS[i]["index"], LAYERS[i]["name"], {
                "activations": self.outputs[i],
                "weights": torch.cat([w.detach().reshape(-1) for w in weights]) if weights else None,
                "gradients": torch.cat([g.detach().reshape(-1) for g in grads]) if grads else None,
            }))
        self.outputs = [None] * len(self.layers)
        return values

    def gradient_norms(self):
        """Per layer: the L2 norm of its gradients (a tensor), or None without trainable tensors."""
        norms = []
        for tensors in self.tensors:
            grads = [p.grad.reshape(-1) for p in tensors if p.grad is not None]
            norms.append(torch.sqrt(sum(torch.dot(g, g) for g in grads)) if grads else None)
        return norms

    def snapshot(self):
        return [[p.detach().clone() for p in tensors] for tensors in self.tensors]

    @torch.no_grad()
    def layer_stats(self, grad_norms, before):
        """The layer-stats entries: every number computed as a tensor, read back once."""
        nan = torch.full((), NAN, device=self.device)
        rows, has_trainable = [], []
        for i, tensors in enumerate(self.tensors):
            activation = self.activations[i] if self.activations[i] is not None else torch.full((5,), NAN, device=self.device)
            has_trainable.append(bool(tensors))
            grad = ratio = mean = std = nan
            if tensors:
                grad = grad_norms[i] if grad_norms[i] is not None else nan
                delta = sum(squared_norm(p - b) for p, b in zip(tensors, before[i]))
                size = sum(squared_norm(b) for b in before[i])
                ratio = delta.sqrt() / (size.sqrt() + 1e-12)
            weights = self.weights[i]
            if weights:
                flat = weights[0].detach().reshape(-1) if len(weights) == 1 else torch.cat([w.detach().reshape(-1) for w in weights])
                mean, std = mean_and_std(flat.float())
            rows.append(torch.cat([activation.float(), torch.stack([grad, ratio, mean, std]).float()]))
        values = torch.stack(rows).tolist()
        stats = []
        for i, v in enumerate(values):
            meta = LAYERS[i]
            activation = {"mean": v[0], "std": v[1]}
            for key, value in (("zeroFraction", v[2]), ("saturatedFraction", v[3]), ("deadFraction", v[4])):
                if not math.isnan(value):
                    activation[key] = value
            entry = {"index": meta["index"], "name": meta["name"], "type": meta["type"], "activation": activation}
            if has_trainable[i]:
                entry["gradNorm"] = v[5]
                if not math.isnan(v[6]):
                    entry["updateRatio"] = v[6]
            if not math.isnan(v[7]):
                entry["weights"] = {"mean": v[7], "std": v[8]}
            stats.append(entry)
        self.activations = [None] * len(self.layers)
        return stats


def global_grad_norm(params):
    """L2 norm of all gradients together (before clipping), as the step event reports it."""
    grads = [p.grad.detach() for p in params if p.grad is not None]
    if not grads:
        return 0.0
    return torch.norm(torch.stack([torch.norm(g.float()) for g in grads])).item()
`;

export const DISTRIBUTED = String.raw`
# ---------------------------------------------------------------------------------------------
# One process, or torchrun: RANK / WORLD_SIZE / LOCAL_RANK in the environment select
# DistributedDataParallel (nccl on GPUs, gloo on CPUs). The config's batch size is the global
# batch, shared out between the processes, so the steps, learning rates and schedule stay those
# of the config (raise batchSize to use more processes for more throughput).
# ---------------------------------------------------------------------------------------------
def openblas():
    """The OpenBLAS mapped into this process (Linux), else None. torch.set_num_threads does not
    reach it: a pthreads OpenBLAS keeps one thread per core for every matrix product unless told."""
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line})
        return ctypes.CDLL(paths[0]) if paths else None
    except (OSError, IndexError):
        return None


def openblas_threads(count=None):
    """Sets (when count is given) and returns OpenBLAS's thread count; None without OpenBLAS."""
    library = openblas()
    if library is None or not hasattr(library, "openblas_get_num_threads"):
        return None
    if count is not None:
        library.openblas_set_num_threads(count)
    return library.openblas_get_num_threads()


class Cluster:
    def __init__(self, args):
        self.distributed = "RANK" in os.environ and "WORLD_SIZE" in os.environ
        use_cuda = torch.cuda.is_available() and args.device != "cpu"
        if self.distributed:
            self.rank = int(os.environ["RANK"])
            self.world = int(os.environ["WORLD_SIZE"])
            local_rank = int(os.environ.get("LOCAL_RANK", "0"))
            self.backend = "nccl" if use_cuda else "gloo"
            if use_cuda:
                torch.cuda.set_device(local_rank)
                self.device = torch.device("cuda", local_rank)
            else:
                self.device = torch.device("cpu")
            dist.init_process_group(self.backend)
        else:
            self.rank, self.world, self.backend = 0, 1, None
            self.device = torch.device("cuda" if use_cuda else "cpu")
        self.rank0 = self.rank == 0

    def sum(self, values):
        """Sums a list of numbers over all processes (one collective)."""
        if not self.distributed:
            return values
        t = torch.tensor(values, dtype=torch.float64, device=self.device if self.backend == "nccl" else "cpu")
        dist.all_reduce(t)
        return t.tolist()

    def detail(self):
        threads = torch.get_num_threads()
        where = "%s, %d process%s, %d thread%s" % (self.device.type, self.world, "" if self.world == 1 else "es", threads, "" if threads == 1 else "s")
        blas = openblas_threads()
        if blas is not None and blas != threads:
            where += " (OpenBLAS %d)" % blas
        if self.distributed:
            where += " (DistributedDataParallel, %s)" % self.backend
        return "PyTorch %s on %s" % (torch.__version__, where)

    def close(self):
        if self.distributed and dist.is_initialized():
            dist.destroy_process_group()
`;

export const TRAINING_LOOP = String.raw`
# ---------------------------------------------------------------------------------------------
# The run: the same loop as Training Doctor's engine (trainingSession.ts).
# ---------------------------------------------------------------------------------------------
class SetupError(Exception):
    pass


def fail_setup(message):
    raise SetupError(message)


def say(message):
    """Human output: stderr only (stdout carries the events with --events-jsonl)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


STOP = {"signal": None}


def request_stop(signum, frame):
    if STOP["signal"] is None:
        say("stopping after the current step (signal %d)" % signum)
    STOP["signal"] = signum


def evaluate(model, x, y, cluster, penalty):
    """Validation in inference mode, each process on its share, the sums added up: loss (with the
    regularization penalty, as Keras' val_loss) and metrics over the whole split."""
    if x.shape[0] == 0:
        return None
    model.eval()
    mine = torch.arange(cluster.rank, x.shape[0], cluster.world)
    totals = [0.0, 0.0] + [0.0] * len(METRIC_NAMES)
    with torch.no_grad():
        for start in range(0, mine.shape[0], EVALUATION_BATCH):
            rows = mine[start:start + EVALUATION_BATCH]
            xb = x[rows].view(-1, *INPUT_SHAPE).to(cluster.device)
            t = encode_targets(y[rows]).to(cluster.device)
            pred = model(xb)
            totals[0] += data_loss(pred, t).item() * rows.shape[0]
            totals[1] += rows.shape[0]
            for k, value in enumerate(metric_sums(pred, t).values()):
                totals[2 + k] += value.item()
    model.train()
    totals = cluster.sum(totals)
    return {"loss": totals[0] / totals[1] + penalty, "metrics": {name: totals[2 + k] / totals[1] for k, name in enumerate(METRIC_NAMES)}}


def epoch_logs(event):
    logs = {"loss": event["loss"], "val_loss": event.get("valLoss")}
    logs.update(event["metrics"])
    logs.update({"val_" + k: v for k, v in event["valMetrics"].items()})
    return logs


class Run:
    def __init__(self, args, cluster, events, started):
        self.args, self.cluster, self.events = args, cluster, events
        self.started = started
        self.step = 0
        self.epochs_completed = 0
        self.last_epoch = None
        self.train_seconds = 0.0
        self.timed_steps = 0

    def emit(self, event):
        self.events.emit(event)

    def log(self, level, message):
        self.emit({"type": "log", "level": level, "message": message})
        say("%s: %s" % (level, message))

    def run(self):
        args, cluster = self.args, self.cluster
        data = load_data(SEED, args)
        torch.manual_seed(SEED)
        model = Model().to(cluster.device)
        # Dropout masks differ between processes (as they would between the examples of one batch).
        torch.manual_seed(SEED + cluster.rank)
        instruments = None if args.plain else Instruments(model, keep_values=self.events.wants_histograms)
        net = nn.parallel.DistributedDataParallel(model) if cluster.distributed else model
        params = [p for p in model.parameters() if p.requires_grad]
        optimizer = make_optimizer(params)
        schedule = LearningRateSchedule(LR_SCHEDULE, LEARNING_RATE)
        epochs = args.epochs if args.epochs is not None else EPOCHS
        every = args.stats_every or STATS_EVERY
        train_x, train_y = torch.from_numpy(data["train_x"]), torch.from_numpy(data["train_y"])
        val_x, val_y = torch.from_numpy(data["val_x"]), torch.from_numpy(data["val_y"])
        n = train_x.shape[0]
        batch = min(BATCH_SIZE, n)
        local_batch = math.ceil(batch / cluster.world)
        if cluster.distributed:
            sampler = torch.utils.data.distributed.DistributedSampler(range(n), num_replicas=cluster.world, rank=cluster.rank, shuffle=True, seed=SEED)
            steps_per_epoch = math.ceil(len(sampler) / local_batch)
        else:
            sampler = None
            order = SeededRandom(derive_seed(SEED, "batch-order"))
            steps_per_epoch = math.ceil(n / batch)
        augment_batches = augmenting(data["image"])
        augment_rng = SeededRandom(derive_seed(SEED, "augment") + cluster.rank)
        noise = np.random.default_rng(derive_seed(SEED, "augment-noise") + cluster.rank)
        stopper = EarlyStopper(EARLY_STOPPING, val_x.shape[0] > 0) if EARLY_STOPPING else None
        best_state = None

        self.emit({
            "type": "run-started", "runId": self.events.run_id, **({"runDir": self.events.run_dir} if self.events.run_dir else {}),
            "configName": CONFIG_NAME, **({"configPath": CONFIG_PATH} if CONFIG_PATH else {}),
            "backend": EVENT_BACKEND, "backendDetail": cluster.detail(), "dataset": data["description"],
            "trainExamples": n, "validationExamples": val_x.shape[0], "epochs": epochs, "stepsPerEpoch": steps_per_epoch,
            "batchSize": batch, "statsEvery": every,
            "layers": [dict(meta, params=keras_param_count(layer)) for meta, layer in zip(LAYERS, model.layers)],
            "inputStats": data["input_stats"],
            "startedAt": datetime.datetime.fromtimestamp(self.started, datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        })
        if stopper and stopper.fell_back:
            self.log("warning", 'earlyStopping monitors "%s" but there is no validation split; monitoring the training value instead.' % EARLY_STOPPING["monitor"])

        learning_rate = LEARNING_RATE
        for epoch in range(epochs):
            epoch_start = time.time()
            if sampler is not None:
                sampler.set_epoch(epoch)
                indices = list(iter(sampler))
            else:
                indices = list(range(n))
                order.shuffle(indices)
            indices = torch.tensor(indices, dtype=torch.long)
            loss_sum, seen = 0.0, 0.0
            metric_totals = {name: 0.0 for name in METRIC_NAMES}
            for b in range(steps_per_epoch):
                step_start = time.process_time()
                rows = indices[b * local_batch:(b + 1) * local_batch]
                x = train_x[rows]
                if augment_batches:
                    x = torch.from_numpy(augment(x.numpy(), data["image"], augment_rng, data["background"], noise))
                x = x.view(-1, *INPUT_SHAPE).to(cluster.device)
                t = encode_targets(train_y[rows]).to(cluster.device)
                learning_rate = schedule.rate_at(self.step, steps_per_epoch, epochs)
                for group in optimizer.param_groups:
                    group["lr"] = learning_rate
                measure = instruments is not None and cluster.rank0 and self.step % every == 0
                if instruments is not None:
                    instruments.measuring = measure
                pred = net(x)
                if instruments is not None:
                    instruments.measuring = False
                loss = data_loss(pred, t) + model.penalty()
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                if args.plain:
                    optimizer.step()
                    loss.item()
                    self.step += 1
                    self.count_time(step_start)
                    continue
                sums = metric_sums(pred, t)
                grad_norm = global_grad_norm(params)
                count = x.shape[0]
                # One collective for what every process must agree on: the batch's loss and metrics, and whether to stop.
                totals = cluster.sum([loss.item() * count, float(count)] + [v.item() for v in sums.values()] + [1.0 if STOP["signal"] else 0.0])
                batch_loss = totals[0] / totals[1]
                batch_metrics = {name: totals[2 + k] / totals[1] for k, name in enumerate(METRIC_NAMES)}
                if not (math.isfinite(batch_loss) and math.isfinite(grad_norm)):
                    # Reported (its loss is the evidence) but never applied, as the engine does.
                    self.emit({"type": "step", "step": self.step, "epoch": epoch, "loss": batch_loss, "gradNorm": grad_norm,
                               "learningRate": learning_rate, "metrics": {}})
                    what = "The gradients" if math.isfinite(batch_loss) else "The loss"
                    kind = "NaN" if math.isnan(batch_loss) or math.isnan(grad_norm) else "infinite"
                    return "failed", ("%s became %s at step %d (epoch %d); training stopped before applying that update. "
                                      "Lower the learning rate or add gradient clipping." % (what, kind, self.step, epoch + 1)), None
                if measure:
                    grad_norms = instruments.gradient_norms()
                    before = instruments.snapshot()
                    if instruments.keep_values:
                        # Gradients before clipping; weights as they were before this step's update.
                        self.events.histograms(self.step, instruments.histogram_values())
                if CLIP_NORM is not None and grad_norm > CLIP_NORM:
                    scale = CLIP_NORM / (grad_norm + 1e-6)
                    for p in params:
                        if p.grad is not None:
                            p.grad.mul_(scale)
                optimizer.step()
                self.emit({"type": "step", "step": self.step, "epoch": epoch, "loss": batch_loss, "gradNorm": grad_norm,
                           "learningRate": learning_rate, "metrics": batch_metrics})
                if measure:
                    self.emit({"type": "layer-stats", "step": self.step, "epoch": epoch,
                               "layers": instruments.layer_stats(grad_norms, before), "gradNorm": grad_norm})
                loss_sum += totals[0]
                seen += totals[1]
                for name in METRIC_NAMES:
                    metric_totals[name] += batch_metrics[name] * totals[1]
                self.step += 1
                self.count_time(step_start)
                if totals[-1] > 0:
                    return "cancelled", "Cancelled by the user.", None
            if args.plain:
                continue
            validation = evaluate(model, val_x, val_y, cluster, float(model.penalty()))
            event = {"type": "epoch-end", "epoch": epoch, "step": self.step, "loss": loss_sum / max(1.0, seen),
                     "metrics": {name: v / max(1.0, seen) for name, v in metric_totals.items()},
                     "valMetrics": validation["metrics"] if validation else {}, "learningRate": learning_rate,
                     "durationMs": (time.time() - epoch_start) * 1000.0}
            if validation:
                event["valLoss"] = validation["loss"]
            self.last_epoch = event
            self.epochs_completed = epoch + 1
            self.emit(event)
            if cluster.rank0:
                say("epoch %d/%d: loss %.4f%s%s" % (epoch + 1, epochs, event["loss"],
                    "".join(" %s %.4f" % (k, v) for k, v in event["metrics"].items()),
                    (" val_loss %.4f" % event["valLoss"] + "".join(" val_%s %.4f" % (k, v) for k, v in event["valMetrics"].items())) if validation else ""))
                self.save_checkpoint(model, optimizer, epoch)
            logs = epoch_logs(event)
            if schedule.end_epoch(logs):
                self.log("info", "reduceOnPlateau: learning rate lowered after epoch %d." % (epoch + 1))
            if stopper:
                improved, stop = stopper.update(logs, epoch)
                if improved and stopper.restore_best_weights:
                    best_state = copy.deepcopy(model.state_dict())
                if stop:
                    if best_state is not None:
                        model.load_state_dict(best_state)
                    return "stopped-early", ("earlyStopping: %s did not improve for %d epoch(s); best was epoch %d%s." % (
                        stopper.monitor, stopper.patience, stopper.best_epoch + 1, " (its weights restored)" if best_state is not None else "")), stopper.best_epoch
        if best_state is not None:
            model.load_state_dict(best_state)
        return "completed", None, stopper.best_epoch if stopper else None

    WARM_UP_STEPS = 5

    def count_time(self, step_start):
        """CPU time of the step loop, for benchmarks: the first steps (one-off set-up) are left out."""
        if self.step > self.WARM_UP_STEPS:
            self.train_seconds += time.process_time() - step_start
            self.timed_steps += 1

    def save_checkpoint(self, model, optimizer, epoch):
        path = self.args.checkpoint or (self.events.folder.checkpoint_path() if self.events.folder else None)
        if path:
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch, "step": self.step}, path)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events-jsonl", action="store_true", help="print Training Doctor's training events on stdout, one JSON object per line")
    parser.add_argument("--logdir", help="write the run under this folder: TensorBoard event files when tensorboard is installed, else a Training Doctor run folder")
    parser.add_argument("--log-format", choices=["auto", "tensorboard", "jsonl"], default="auto", help="what --logdir writes (default: auto)")
    parser.add_argument("--epochs", type=int, help="override the config's epochs")
    parser.add_argument("--stats-every", type=int, help="take per-layer statistics every N steps (default: the config's diagnostics.every)")
    parser.add_argument("--checkpoint", help="save the model and optimizer here after every epoch (default: in the --logdir run folder)")
    parser.add_argument("--device", choices=["auto", "cpu"], default="auto", help="cpu: never use CUDA")
    parser.add_argument("--threads", type=int, help="threads for each process (torch's and OpenBLAS's)")
    parser.add_argument("--plain", action="store_true", help="train without any instrumentation or events (to measure what they cost)")
    parser.add_argument("--init-report", action="store_true", help="print the initialized model's per-layer parameter counts and weight statistics as JSON, and exit")
    add_data_arguments(parser)
    args = parser.parse_args()
    if args.stats_every is not None and args.stats_every < 1:
        parser.error("--stats-every must be at least 1")
    return args


def init_report():
    torch.manual_seed(SEED)
    model = Model()
    layers = []
    for meta, layer in zip(LAYERS, model.layers):
        entry = {"index": meta["index"], "name": meta["name"], "params": keras_param_count(layer), "weights": None}
        weights = main_weights(layer)
        if weights:
            flat = torch.cat([w.detach().reshape(-1) for w in weights])
            var, mean = torch.var_mean(flat, unbiased=False)
            entry["weights"] = {"mean": mean.item(), "std": var.sqrt().item()}
        layers.append(entry)
    # One forward pass of a small zero batch: every layer's output shape, as the config's (channels-last) shapes.
    shapes, x = [], torch.zeros(2, *INPUT_SHAPE)
    model.eval()
    with torch.no_grad():
        x = channels_first(x)
        for layer in model.layers:
            x = layer(x)
            shapes.append(list(channels_last(x).shape[1:]))
    for entry, shape in zip(layers, shapes):
        entry["outputShape"] = shape
    return {"config": CONFIG_NAME, "layers": layers}


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
        openblas_threads(args.threads)
    if args.init_report:
        print(json.dumps(init_report()))
        return 0
    started = time.time()
    cluster = Cluster(args)
    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    run = None
    status, reason, best_epoch = "failed", None, None
    events = Events(cluster.rank0, args, started)
    crashed = False
    try:
        events.open_logdir(args, started)
        run = Run(args, cluster, events, started)
        status, reason, best_epoch = run.run()
    except SetupError as error:
        status, reason, crashed = "failed", str(error), True
    except Exception as error:  # a crash still ends the run with a reason
        traceback.print_exc()
        status, reason, crashed = "failed", "%s: %s" % (type(error).__name__, error), True
    if crashed:
        events.emit({"type": "log", "level": "error", "message": reason})
    if reason:
        say(reason)
    last = run.last_epoch if run else None
    ended = {
        "type": "run-ended", "status": status, "epochsCompleted": run.epochs_completed if run else 0, "steps": run.step if run else 0,
        "durationMs": (time.time() - started) * 1000.0,
        "final": {"metrics": last["metrics"] if last else {}, "valMetrics": last["valMetrics"] if last else {}},
        "findings": [],
    }
    if reason:
        ended["reason"] = reason
    if best_epoch is not None:
        ended["bestEpoch"] = best_epoch
    if last:
        ended["final"]["loss"] = last["loss"]
        if "valLoss" in last:
            ended["final"]["valLoss"] = last["valLoss"]
    if not args.plain:
        events.emit(ended)
    events.close(ended)
    if cluster.rank0 and run:
        # The CPU time of the step loop after its first steps (this process), for benchmarks: steady under a loaded machine.
        say("td-timing: steps=%d train_seconds=%.6f" % (run.timed_steps, run.train_seconds))
    cluster.close()
    if status == "failed":
        return 1
    if status == "cancelled" and STOP["signal"] == signal.SIGINT:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
`;
