// Where the exported script's rank 0 sends Training Doctor's training events: JSON lines on
// stdout (--events-jsonl, for the pytorch backend), and with --logdir either TensorBoard event
// files (SummaryWriter, tagged as our own TensorBoard writer tags them, see trainingEventLog.ts)
// or a run folder in Training Doctor's layout (see runFolder.ts), which `training-doctor watch`
// and the extension's run history read.

export const EVENT_SINKS = String.raw`
# ---------------------------------------------------------------------------------------------
# Training Doctor's training events (src/core/engine/trainingEvents.ts) and where they go.
# ---------------------------------------------------------------------------------------------
def json_ready(value):
    """NaN and ±Infinity become null, as JSON.stringify writes them (Training Doctor reads null as "blew up")."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    return value


def event_line(event):
    return json.dumps(json_ready(event), separators=(",", ":"), allow_nan=False)


def iso_now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class StdoutEvents:
    """--events-jsonl: one event per line on stdout, and nothing else there (people read stderr)."""
    def emit(self, event):
        sys.stdout.write(event_line(event) + "\n")
        sys.stdout.flush()

    def close(self):
        pass


def safe_name(name):
    return re.sub(r"^-+|-+$", "", re.sub(r"[^A-Za-z0-9._-]+", "-", name))[:60] or "run"


def new_run_dir(root, started):
    """<root>/<yyyymmdd-hhmmss>-<config name>[-n], as Training Doctor names its run folders."""
    try:
        os.makedirs(root, exist_ok=True)
    except OSError as error:
        fail_setup("cannot make the log folder %s (%s)." % (root, error.strerror or error))
    base = time.strftime("%Y%m%d-%H%M%S", time.localtime(started)) + "-" + safe_name(CONFIG_NAME)
    for n in range(1, 1000):
        run_id = base if n == 1 else "%s-%d" % (base, n)
        try:
            os.mkdir(os.path.join(root, run_id))
            return run_id, os.path.abspath(os.path.join(root, run_id))
        except FileExistsError:
            continue
        except OSError as error:
            fail_setup("cannot make a run folder in %s (%s)." % (root, error.strerror or error))
    fail_setup("no free run folder name under " + root)


def write_atomic(path, text):
    temporary = path + ".tmp-%d" % os.getpid()
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, path)


class RunFolder:
    """A run folder as Training Doctor writes one (src/core/engine/runFolder.ts): config.train.json,
    run.json (status, pid, host, heartbeatAt), a heartbeat file touched every 5 s, metrics.jsonl
    (one event per line, flushed at epoch ends, statistics samples and the end)."""
    HEARTBEAT_SECONDS = 5.0

    def __init__(self, run_id, run_dir, started):
        self.dir = run_dir
        self.pending = []
        self.record = {
            "id": run_id, "configName": CONFIG_NAME, "status": "running", "backend": "pytorch",
            "startedAt": iso_now(), "epochsCompleted": 0, "steps": 0, "pid": os.getpid(), "host": socket.gethostname(),
        }
        if CONFIG_PATH:
            self.record["configPath"] = CONFIG_PATH
        with open(os.path.join(run_dir, "config.train.json"), "w", encoding="utf-8") as f:
            f.write(CONFIG_TEXT)
        open(os.path.join(run_dir, "heartbeat"), "w").close()
        self.write_record()
        self.beating = threading.Event()
        threading.Thread(target=self.beat, daemon=True).start()

    def beat(self):
        while not self.beating.wait(self.HEARTBEAT_SECONDS):
            try:
                os.utime(os.path.join(self.dir, "heartbeat"))
            except OSError:
                pass

    def write_record(self):
        self.record["heartbeatAt"] = iso_now()
        write_atomic(os.path.join(self.dir, "run.json"), json.dumps(json_ready(self.record), indent=2))

    def update(self, **changes):
        self.record.update(changes)
        self.write_record()

    def emit(self, event):
        self.pending.append(event_line(event))
        if event["type"] in ("epoch-end", "layer-stats", "run-ended", "log"):
            with open(os.path.join(self.dir, "metrics.jsonl"), "a", encoding="utf-8") as f:
                f.write("\n".join(self.pending) + "\n")
            self.pending = []
        if event["type"] == "run-started":
            self.update(backendDetail=event["backendDetail"])
        elif event["type"] == "epoch-end":
            self.update(epochsCompleted=event["epoch"] + 1, steps=event["step"])

    def close(self, ended=None):
        self.beating.set()
        if ended is not None:
            if "reason" in ended:
                self.record["reason"] = ended["reason"]
            self.update(status=ended["status"], endedAt=iso_now(), durationMs=ended["durationMs"],
                        epochsCompleted=ended["epochsCompleted"], steps=ended["steps"], final=ended["final"], findingCount=0)

    def checkpoint_path(self):
        os.makedirs(os.path.join(self.dir, "model"), exist_ok=True)
        return os.path.join(self.dir, "model", "checkpoint.pt")


def layer_group(index, name):
    """03_dense: TensorBoard groups a layer's tags, in depth order."""
    return "%02d_%s" % (index, re.sub(r"[^A-Za-z0-9_.-]+", "_", name))


class TensorBoardEvents:
    """TensorBoard scalars, tagged as Training Doctor's own event files (trainingEventLog.ts), so
    TensorBoard and Training Doctor's TensorBoard reader both see the run."""
    def __init__(self, writer_class, run_dir):
        self.writer = writer_class(log_dir=run_dir)
        self.dir = run_dir

    def emit(self, event):
        kind, w = event["type"], self.writer
        if kind == "step":
            w.add_scalar("train/loss", event["loss"], event["step"])
            w.add_scalar("train/learning_rate", event["learningRate"], event["step"])
            if "gradNorm" in event:
                w.add_scalar("train/grad_norm", event["gradNorm"], event["step"])
            for name, value in event["metrics"].items():
                w.add_scalar("train/" + name, value, event["step"])
        elif kind == "layer-stats":
            for layer in event["layers"]:
                group = layer_group(layer["index"], layer["name"])
                a, weights = layer["activation"], layer.get("weights") or {}
                for tag, value in (("activation_mean", a.get("mean")), ("activation_std", a.get("std")),
                                   ("zero_fraction", a.get("zeroFraction")), ("dead_fraction", a.get("deadFraction")),
                                   ("saturated_fraction", a.get("saturatedFraction")), ("weight_mean", weights.get("mean")),
                                   ("weight_std", weights.get("std")), ("grad_norm", layer.get("gradNorm")),
                                   ("update_ratio", layer.get("updateRatio"))):
                    if value is not None:
                        w.add_scalar(group + "/" + tag, value, event["step"])
            w.flush()
        elif kind == "epoch-end":
            # Keras' habit: epoch scalars at the epoch's number.
            w.add_scalar("epoch/loss", event["loss"], event["epoch"])
            if "valLoss" in event:
                w.add_scalar("epoch/val_loss", event["valLoss"], event["epoch"])
            for name, value in event["metrics"].items():
                w.add_scalar("epoch/" + name, value, event["epoch"])
            for name, value in event["valMetrics"].items():
                w.add_scalar("epoch/val_" + name, value, event["epoch"])
            w.flush()

    wants_histograms = True

    def histograms(self, step, layers):
        """Per-layer histograms on statistics steps, named as Training Doctor's TensorBoard reader maps
        them (<layer>/activations, <layer>/weights, <layer>/gradients, as our own engine's event files), and TensorBoard shows them."""
        for index, name, values in layers:
            group = layer_group(index, name)
            for kind, tensor in values.items():
                if tensor is not None and tensor.numel() > 0:
                    self.writer.add_histogram(group + "/" + kind, tensor.detach().float().cpu(), step)

    def close(self, ended=None):
        self.writer.close()

    def checkpoint_path(self):
        return os.path.join(self.dir, "checkpoint.pt")


def summary_writer_class():
    """A SummaryWriter: torch.utils.tensorboard's when the tensorboard package is importable, else
    tensorboardX's (same interface), else None."""
    try:
        from torch.utils.tensorboard import SummaryWriter
        return SummaryWriter
    except ImportError:
        pass
    try:
        from tensorboardX import SummaryWriter
        return SummaryWriter
    except ImportError:
        return None


class Events:
    """Rank 0's sinks (other ranks emit nothing)."""
    def __init__(self, rank0, args, started):
        self.sinks = []
        self.run_id = "pytorch-" + time.strftime("%Y%m%d-%H%M%S", time.localtime(started))
        self.run_dir = None
        self.folder = None
        self.rank0 = rank0
        if rank0 and args.events_jsonl:
            self.sinks.append(StdoutEvents())

    def open_logdir(self, args, started):
        """The --logdir sink (apart, so that a log folder that cannot be made still ends the run on stdout)."""
        if self.rank0 and args.logdir:
            writer_class = summary_writer_class() if args.log_format != "jsonl" else None
            if args.log_format == "tensorboard" and writer_class is None:
                fail_setup("--log-format tensorboard needs the tensorboard package (pip install tensorboard) or tensorboardX.")
            self.run_id, self.run_dir = new_run_dir(args.logdir, started)
            self.folder = TensorBoardEvents(writer_class, self.run_dir) if writer_class else RunFolder(self.run_id, self.run_dir, started)
            self.sinks.append(self.folder)
            say("logging to %s (%s)" % (self.run_dir, "TensorBoard event files" if writer_class else "Training Doctor run folder"))

    def emit(self, event):
        for sink in self.sinks:
            sink.emit(event)

    @property
    def wants_histograms(self):
        return any(getattr(sink, "wants_histograms", False) for sink in self.sinks)

    def histograms(self, step, layers):
        for sink in self.sinks:
            if getattr(sink, "wants_histograms", False):
                sink.histograms(step, layers)

    def close(self, ended):
        for sink in self.sinks:
            sink.close(ended) if sink is self.folder else sink.close()
`;
