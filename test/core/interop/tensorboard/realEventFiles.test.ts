// Every event file of ../shared/data/tfevents (real files written by PyTorch, Lightning, TF1,
// TF2 and Keras; see its README) parses without an issue, and holds what that README and a
// look at the bytes say it holds: its tags, their value kinds, counts and step ranges.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EventDecoder, type DecodedEvent } from '../../../../src/core/interop/tensorboard/eventDecoding';
import { EventFileTail } from '../../../../src/core/interop/tensorboard/eventFileTail';
import { discoverRuns } from '../../../../src/core/interop/tensorboard/logdirScan';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const dataDir = path.resolve(repoRoot, '..', 'shared', 'data', 'tfevents');
const missing = fs.existsSync(dataDir) ? undefined : `the shared TensorBoard files are not at ${dataDir} (../shared beside the repository)`;

interface FileContents {
  records: number;
  /** "tag kind" → number of values; kind is scalar, histogram or the kind of a value we skip. */
  values: Map<string, number>;
  /** Kinds of non-summary records (file-version, graph_def, session-log, ...) → count. */
  records_by_kind: Map<string, number>;
  steps?: [number, number];
  events: DecodedEvent[];
}

async function readFile(relative: string, decoder = new EventDecoder()): Promise<FileContents> {
  const tail = new EventFileTail(path.join(dataDir, relative), { decoder });
  const read = await tail.readNew();
  assert.deepEqual(read.issues, [], `${relative} reads without issues`);
  assert.equal(read.waitingForMore, false, `${relative} ends on a record boundary`);
  const values = new Map<string, number>();
  const kinds = new Map<string, number>();
  let steps: [number, number] | undefined;
  for (const event of read.events) {
    if (event.type !== 'summary') {
      const kind = event.type === 'other' ? event.kind : event.type;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      continue;
    }
    steps = steps ? [Math.min(steps[0], event.step), Math.max(steps[1], event.step)] : [event.step, event.step];
    for (const entry of event.entries) {
      const key = `${entry.tag} ${entry.type === 'other' ? entry.kind : entry.type}`;
      values.set(key, (values.get(key) ?? 0) + 1);
    }
  }
  return { records: read.events.length, values, records_by_kind: kinds, steps, events: read.events };
}

function scalarSeries(contents: FileContents, tag: string): [number, number][] {
  return contents.events.flatMap((e) => e.type === 'summary'
    ? e.entries.filter((v) => v.tag === tag && v.type === 'scalar').map((v) => [e.step, (v as { value: number }).value] as [number, number])
    : []);
}

function expectValues(contents: FileContents, expected: Record<string, number>): void {
  assert.deepEqual(Object.fromEntries([...contents.values].sort()), Object.fromEntries(Object.entries(expected).sort()));
}

describe('real TensorBoard event files (../shared/data/tfevents)', () => {
  it('every event file in the set parses without an issue, each starting with brain.Event:2', { skip: missing }, async () => {
    const runs = await discoverRuns(dataDir);
    const files = runs.flatMap((r) => r.sources.flatMap((s) => s.files));
    assert.equal(files.length, 30, 'the README lists 30 event files');
    for (const file of files) {
      const read = await new EventFileTail(file).readNew();
      assert.deepEqual(read.issues, [], file);
      assert.equal(read.waitingForMore, false, file);
      const first = read.events[0];
      assert.ok(first?.type === 'file-version' && first.version === 'brain.Event:2', `${file} starts with its file version`);
    }
  });

  it('finds the runs, grouping Keras train/validation, katib train/test and Estimator eval_* folders', { skip: missing }, async () => {
    const runs = await discoverRuns(dataDir);
    const byName = new Map(runs.map((r) => [r.name, r]));
    const keras = byName.get('keras-tf2-histograms/self-paced-labs/ai-platform-qwikstart/output/keras_tensorboard');
    assert.deepEqual(keras?.sources.map((s) => [path.basename(s.dir), s.split, s.files.length]), [['train', 'train', 2], ['validation', 'validation', 1]]);
    const katib = byName.get('tf2-summary-katib/test/unit/v1beta1/metricscollector/testdata/tfevent-metricscollector/logs');
    assert.deepEqual(katib?.sources.map((s) => [path.basename(s.dir), s.split]).sort(), [['test', 'validation'], ['train', 'train']]);
    const estimator = byName.get('tf1-estimator-tfx/tfx/components/testdata/trainer/current/Format-Serving');
    assert.deepEqual(estimator?.sources.map((s) => [path.basename(s.dir), s.split]), [['Format-Serving', 'train'], ['eval_chicago-taxi-eval', 'validation']]);
    const tutorial = byName.get('pytorch-tutorial/runs/fashion_mnist_experiment_1');
    // Ordered by the start time in their names.
    assert.deepEqual(tutorial?.sources[0].files.map((f) => path.basename(f).split('.')[3]), ['1655100151', '1655100445', '1655100995', '1655101228']);
    assert.equal(runs.length, 19);
  });

  it('pytorch-tbreducer strict: 100 simple_value scalars strict/foo at steps 0, 5, ..., 495', { skip: missing }, async () => {
    for (const run of ['run_1', 'run_2', 'run_3']) {
      const folder = `pytorch-tbreducer/tests/runs/strict/${run}`;
      const [file] = fs.readdirSync(path.join(dataDir, folder));
      const contents = await readFile(path.join(folder, file));
      assert.equal(contents.records, 101);
      expectValues(contents, { 'strict/foo scalar': 100 });
      assert.deepEqual(scalarSeries(contents, 'strict/foo').map(([step]) => step), Array.from({ length: 100 }, (_, i) => 5 * i));
    }
  });

  it('pytorch-tbreducer lax: three tags per run, different per run', { skip: missing }, async () => {
    const expected: Record<string, [number, string[], number]> = {
      run_1: [331, ['lax/foo', 'lax/bar_1', 'lax/bar_2'], 109],
      run_2: [361, ['lax/foo', 'lax/bar_2', 'lax/bar_3'], 119],
      run_3: [391, ['lax/foo', 'lax/bar_3', 'lax/bar_4'], 129],
    };
    for (const [run, [records, tags, lastStep]] of Object.entries(expected)) {
      const folder = `pytorch-tbreducer/tests/runs/lax/${run}`;
      const [file] = fs.readdirSync(path.join(dataDir, folder));
      const contents = await readFile(path.join(folder, file));
      assert.equal(contents.records, records);
      expectValues(contents, Object.fromEntries(tags.map((t) => [`${t} scalar`, lastStep + 1])));
      assert.deepEqual(contents.steps, [0, lastStep]);
    }
  });

  it('pytorch-tbreducer duplicate_steps: 210 values per tag over steps 0–199, steps 90–99 twice', { skip: missing }, async () => {
    const folder = 'pytorch-tbreducer/tests/runs/duplicate_steps/run_1';
    const [file] = fs.readdirSync(path.join(dataDir, folder));
    const contents = await readFile(path.join(folder, file));
    assert.equal(contents.records, 421);
    expectValues(contents, { 'dup_steps/foo scalar': 210, 'dup_steps/bar scalar': 210 });
    const steps = scalarSeries(contents, 'dup_steps/foo').map(([step]) => step);
    const twice = [...new Set(steps.filter((s, i) => steps.indexOf(s) !== i))].sort((a, b) => a - b);
    assert.deepEqual(twice, Array.from({ length: 10 }, (_, i) => 90 + i));
    assert.deepEqual(contents.steps, [0, 199]);
  });

  it('pytorch-tutorial: graph, images and pr-curves are recognised and set aside; header-only writer file', { skip: missing }, async () => {
    const folder = 'pytorch-tutorial/runs/fashion_mnist_experiment_1';
    const graph = await readFile(`${folder}/events.out.tfevents.1655100151.ziorathe.8535.0`);
    assert.equal(graph.records, 4);
    expectValues(graph, { 'four_fashion_mnist_images image': 1 });
    assert.deepEqual(Object.fromEntries(graph.records_by_kind), { 'file-version': 1, graph_def: 1, tagged_run_metadata: 1 });
    const empty = await readFile(`${folder}/events.out.tfevents.1655100445.ziorathe.8535.1`);
    assert.equal(empty.records, 1);
    assert.equal(empty.steps, undefined);
    const training = await readFile(`${folder}/events.out.tfevents.1655100995.ziorathe.9443.3`);
    assert.equal(training.records, 32);
    expectValues(training, { 'training loss scalar': 15, 'predictions vs. actuals image': 15, 'T-shirt/top tensor:pr_curves': 1 });
    assert.deepEqual(training.steps, [0, 14999]);
    const trouser = await readFile(`${folder}/events.out.tfevents.1655101228.ziorathe.9443.4`);
    expectValues(trouser, { 'Trouser tensor:pr_curves': 1 });
  });

  it('lightning-tblogger: train_loss, epoch and val_loss as simple_value', { skip: missing }, async () => {
    const contents = await readFile('lightning-tblogger/Part_17_Multi_Input_Multi_Output_pytorch/lightning_logs/mimo-predict/version_15/events.out.tfevents.1657110646.ziorathe.236609.0');
    assert.equal(contents.records, 417);
    expectValues(contents, { 'train_loss scalar': 200, 'epoch scalar': 208, 'val_loss scalar': 8 });
    assert.deepEqual(contents.steps, [49, 9999]);
  });

  it('tf2-summary-katib: TF2 tf.summary.scalar tensors (plugin scalars, DT_FLOAT, rank 0) in train/ and test/', { skip: missing }, async () => {
    const folder = 'tf2-summary-katib/test/unit/v1beta1/metricscollector/testdata/tfevent-metricscollector/logs';
    const train = await readFile(`${folder}/train/events.out.tfevents.1637681485.2d662933d616.19.0.v2`);
    assert.equal(train.records, 21);
    expectValues(train, { 'loss scalar': 10, 'accuracy scalar': 10 });
    assert.deepEqual(train.steps, [0, 9]);
    // The first loss's tensor_content is 14 b7 51 3e: the float32 0.20479995 (read off a hexdump).
    const [firstStep, firstLoss] = scalarSeries(train, 'loss')[0];
    assert.equal(firstStep, 0);
    assert.equal(firstLoss, Math.fround(0.20479995012283325));
    const test = await readFile(`${folder}/test/events.out.tfevents.1637681485.2d662933d616.19.1.v2`);
    expectValues(test, { 'loss scalar': 10, 'accuracy scalar': 10 });
  });

  it('keras-tf2-histograms: epoch scalars and HistogramProto weight histograms of 5 dense layers', { skip: missing }, async () => {
    const folder = 'keras-tf2-histograms/self-paced-labs/ai-platform-qwikstart/output/keras_tensorboard';
    const train = await readFile(`${folder}/train/events.out.tfevents.1621254456.ai-notebook.11882.214.v2`);
    assert.equal(train.records, 244);
    const layers = ['dense', 'dense_1', 'dense_2', 'dense_3', 'dense_4'];
    expectValues(train, {
      'keras tensor:graph_keras_model': 1, 'batch_2 tensor:graph_run_metadata_graph': 1,
      'epoch_loss scalar': 20, 'epoch_accuracy scalar': 20,
      ...Object.fromEntries(layers.flatMap((l) => [[`${l}/kernel_0 histogram`, 20], [`${l}/bias_0 histogram`, 20]])),
    });
    assert.deepEqual(train.steps, [0, 19]);
    // The histograms hold together: the bucket counts add up to num, and the buckets lie within [min, max].
    for (const event of train.events) {
      if (event.type !== 'summary') continue;
      for (const entry of event.entries) {
        if (entry.type !== 'histogram') continue;
        const { histogram } = entry;
        assert.ok(histogram.count > 0 && histogram.min <= histogram.max, entry.tag);
        assert.equal(histogram.buckets.reduce((s, b) => s + b.count, 0), histogram.count, entry.tag);
        for (const b of histogram.buckets) assert.ok(b.left >= histogram.min && b.right <= histogram.max && b.left <= b.right, entry.tag);
      }
    }
    const validation = await readFile(`${folder}/validation/events.out.tfevents.1621254461.ai-notebook.11882.1748.v2`);
    assert.equal(validation.records, 41);
    expectValues(validation, { 'epoch_loss scalar': 20, 'epoch_accuracy scalar': 20 });
    const empty = await readFile(`${folder}/train/events.out.tfevents.1621254460.ai-notebook.profile-empty`);
    assert.equal(empty.records, 1);
  });

  it('keras-tf20-mnist and keras-tf23-tfx-iris: Keras callback scalars, batch-level in the TFX run', { skip: missing }, async () => {
    const mnist = 'keras-tf20-mnist/courses/machine_learning/deepdive2/image_classification/solutions/mnist_linear';
    const mnistTrain = await readFile(`${mnist}/train/events.out.tfevents.1575064725.tf2.15721.216.v2`);
    assert.equal(mnistTrain.records, 24);
    expectValues(mnistTrain, { 'keras tensor:graph_keras_model': 1, 'batch_2 tensor:graph_run_metadata': 1, 'epoch_accuracy scalar': 10, 'epoch_loss scalar': 10 });
    assert.equal(mnistTrain.records_by_kind.get('graph_def'), 1);
    const mnistValidation = await readFile(`${mnist}/validation/events.out.tfevents.1575064734.tf2.15721.1401.v2`);
    expectValues(mnistValidation, { 'epoch_accuracy scalar': 10, 'epoch_loss scalar': 10 });
    assert.deepEqual(mnistValidation.steps, [0, 9]);

    const iris = 'keras-tf23-tfx-iris/tfx/examples/iris/iris_native_keras_custom_splits/Trainer/model_run/8';
    const irisTrain = await readFile(`${iris}/train/events.out.tfevents.1598485465.penguin.1486.6519.v2`);
    assert.equal(irisTrain.records, 244);
    expectValues(irisTrain, {
      'keras tensor:graph_keras_model': 1, 'batch_2 tensor:graph_run_metadata_graph': 1,
      'batch_loss scalar': 100, 'batch_sparse_categorical_accuracy scalar': 100, 'epoch_loss scalar': 20, 'epoch_sparse_categorical_accuracy scalar': 20,
    });
    assert.deepEqual(irisTrain.steps, [0, 100]);
    const irisValidation = await readFile(`${iris}/validation/events.out.tfevents.1598485465.penguin.1486.7304.v2`);
    assert.equal(irisValidation.records, 41);
    assert.deepEqual(irisValidation.steps, [0, 19]);
  });

  it('Keras on TF1 (guild, wandb): simple_value scalars beside graph_def and meta_graph_def', { skip: missing }, async () => {
    const guild = await readFile('keras2-tf1-guild/guild/tests/samples/projects/model-proxies/logs/events.out.tfevents.1548797801.omaha');
    assert.equal(guild.records, 83);
    expectValues(guild, { 'acc scalar': 20, 'loss scalar': 20, 'val_acc scalar': 20, 'val_loss scalar': 20 });
    assert.deepEqual(Object.fromEntries(guild.records_by_kind), { 'file-version': 1, graph_def: 1, meta_graph_def: 1 });
    assert.deepEqual(guild.steps, [0, 19]);
    const wandb = await readFile('tfkeras-tf1-wandb/tests/assets/events.out.tfevents.1585769947.cvp');
    assert.equal(wandb.records, 105);
    expectValues(wandb, Object.fromEntries(['batch_loss', 'batch_acc', 'epoch_acc', 'epoch_loss', 'epoch_val_acc', 'epoch_val_loss'].map((t) => [`${t} scalar`, 17])));
    assert.deepEqual(wandb.steps, [0, 16]);
  });

  it('tf1-estimator-tfx: activation HistogramProtos, session logs, an eval folder with a string tensor', { skip: missing }, async () => {
    const folder = 'tf1-estimator-tfx/tfx/components/testdata/trainer/current/Format-Serving';
    const train = await readFile(`${folder}/events.out.tfevents.1646034739.jiyongjung.c.googlers.com`);
    assert.equal(train.records, 28);
    const hidden = ['dnn/hiddenlayer_0', 'dnn/hiddenlayer_1', 'dnn/hiddenlayer_2', 'dnn/hiddenlayer_3', 'dnn/logits'];
    expectValues(train, {
      ...Object.fromEntries(hidden.flatMap((l) => [[`${l}/fraction_of_zero_values scalar`, 10], [`${l}/activation histogram`, 10]])),
      'bias scalar': 10, 'fraction_of_zero_weights scalar': 10, 'linear/fraction_of_zero_values scalar': 10, 'loss scalar': 10,
      'linear/activation histogram': 10, 'global_step/sec scalar': 9,
    });
    assert.deepEqual(Object.fromEntries(train.records_by_kind), { 'file-version': 1, graph_def: 2, meta_graph_def: 2, 'session-log': 4 });
    assert.deepEqual(train.steps, [1, 901]);
    const evaluation = await readFile(`${folder}/eval_chicago-taxi-eval/events.out.tfevents.1646034751.jiyongjung.c.googlers.com`);
    assert.equal(evaluation.records, 7);
    assert.equal(evaluation.values.get('checkpoint_path tensor:no-plugin'), 2);
    assert.equal(evaluation.values.get('average_loss scalar'), 2);
    assert.deepEqual(evaluation.steps, [999, 1000]);
  });

  it('r-tfevents-minimal: one scalar hello = 1 at step 0', { skip: missing }, async () => {
    const contents = await readFile('r-tfevents-minimal/src/__tests__/assets/events.out.tfevents.1687811641.v2');
    assert.equal(contents.records, 2);
    assert.deepEqual(scalarSeries(contents, 'hello'), [[0, 1]]);
  });
});
