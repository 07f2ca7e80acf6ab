// The per-layer hints of a *.train.json document: after each layer, the activation std the
// variance model predicts at initialization (σ≈0.64), marked ⚠ where the vanishing/exploding
// thresholds of the static rules are crossed, with a tooltip that shows where the number comes
// from (var(z) = fan_in·var(w)·E[x²], then the activation).

import { findNodeAtLocation, type Node as JsonNode } from 'jsonc-parser';
import type { ParsedConfig } from '../../core/config/parseConfig';
import type { InitializerConfig, LayerConfig, TrainConfig } from '../../core/config/trainConfig';
import type { InputStatistics } from '../../core/data/dataset';
import { layerPath } from '../../core/config/shapeInference';
import { layerAt } from '../../core/diagnosis/fixes/layerTargets';
import { shapeAt } from '../../core/diagnosis/staticRules/layerSites';
import { estimateRawInputs, initializerMoments, predictVariance, type LayerVariance, type Moments, type RawInputEstimate } from '../../core/diagnosis/varianceModel';
import { layerScaleFlags, type LayerScaleFlag } from './layerScaleFlags';
import type { TextPositions, TextPosition } from './textPositions';
import { isWeightedLayer } from '../../core/config/trainConfig';

export interface LayerHint {
  indexPath: number[];
  /** Where the hint goes: after a one-line layer object, else after its "type" value (and a comma that follows). */
  offset: number;
  position: TextPosition;
  /** "σ≈0.64", or "⚠ σ≈0.069" when flagged. */
  label: string;
  std: number;
  flag?: LayerScaleFlag;
  /** Markdown. */
  tooltip: string;
}

/** Two significant digits, like the seeds' tables (0.64, 0.069, 4.4); exponents only for extremes. */
export function formatStd(value: number): string {
  if (Number.isNaN(value)) return '?';
  if (!Number.isFinite(value)) return '∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e4) return String(Number(value.toPrecision(2)));
  return value.toExponential(1).replace('.0e', 'e').replace('e+', 'e');
}

/** Three significant digits for the tooltip's arithmetic. */
function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e5) return String(Number(value.toPrecision(3)));
  return value.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

function afterComma(text: string, offset: number): number {
  let k = offset;
  while (k < text.length && (text[k] === ' ' || text[k] === '\t')) k++;
  return text[k] === ',' ? k + 1 : offset;
}

/** Where a layer object's hint goes. */
function hintOffset(node: JsonNode, positions: TextPositions): number {
  const end = node.offset + node.length;
  if (positions.positionAt(node.offset).line === positions.positionAt(end).line) return afterComma(positions.text, end);
  const typeProperty = node.children?.find((p) => p.children?.[0]?.value === 'type');
  const value = typeProperty?.children?.[1];
  return value ? afterComma(positions.text, value.offset + value.length) : node.offset + 1;
}

function describeInitializer(init: InitializerConfig): string {
  switch (init.type) {
    case 'randomNormal':
    case 'truncatedNormal': return `${init.type}(mean ${fmt(init.mean)}, stddev ${fmt(init.stddev)})`;
    case 'randomUniform': return `randomUniform(${fmt(init.minval)}, ${fmt(init.maxval)})`;
    case 'constant': return `constant(${fmt(init.value)})`;
    case 'orthogonal': return `orthogonal(gain ${fmt(init.gain)})`;
    default: return init.type;
  }
}

function describeLayer(layer: LayerConfig): string {
  switch (layer.type) {
    case 'dense': return `dense, ${layer.units} units, ${layer.activation}`;
    case 'conv2d': return `conv2d, ${layer.filters} filters, ${layer.activation}`;
    case 'activation': return `activation, ${layer.activation}`;
    case 'dropout': return `dropout, rate ${layer.rate}`;
    default: return layer.type;
  }
}

function inputSource(raw: RawInputEstimate): string {
  switch (raw.source) {
    case 'measured': return 'the training split, measured';
    case 'config': return 'the synthetic dataset\'s settings (measured once the data is loaded)';
    case 'typical': return 'typical MNIST pixel statistics (measured once the data is loaded)';
    case 'unknown': return 'assumed standardized (the CSV is not loaded yet)';
  }
}

/** How the layer turns its input's moments into its output's. */
function explanation(layer: LayerConfig, prediction: LayerVariance, x: Moments, config: TrainConfig, parsed: ParsedConfig): string[] {
  const lines: string[] = [];
  if (isWeightedLayer(layer)) {
    const shape = parsed.shapes ? shapeAt(parsed.shapes, prediction.indexPath) : undefined;
    if (shape) {
      const fans = shape.initializerFans ?? shape;
      const w = initializerMoments(layer.kernelInitializer, fans.fanIn, fans.fanOut, shape.outputShape[shape.outputShape.length - 1]);
      const main = shape.fanIn * w.variance * x.secondMoment;
      lines.push(`var(z) = fan_in·var(w)·E[x²] = ${shape.fanIn} · ${fmt(w.variance)} · ${fmt(x.secondMoment)} = ${fmt(main)}  ` +
        `(var(w) of ${describeInitializer(layer.kernelInitializer)}, E[x²] of the layer's input)`);
      const pre = prediction.preActivation;
      if (pre && Math.abs(pre.std ** 2 - main) > 0.01 * Math.max(main, 1e-12)) {
        lines.push(`with the bias and the weights' mean: z has mean ${fmt(pre.mean)} and std ${fmt(pre.std)}`);
      } else if (pre) {
        lines.push(`so z has std ${fmt(pre.std)}`);
      }
    }
    if (layer.activation !== 'linear') lines.push(`after ${layer.activation}: mean ${fmt(prediction.mean)}, std ${fmt(prediction.std)}`);
  } else if (layer.type === 'activation') {
    lines.push(`${layer.activation} of an input with mean ${fmt(x.mean)} and std ${fmt(x.std)} (taken as Gaussian)`);
  } else if (layer.type === 'batchNormalization') {
    lines.push('BatchNorm resets the scale: var(y) = gamma²·var(x)/(var(x) + ε), mean beta');
  } else if (layer.type === 'dropout') {
    lines.push(`dropout in training: E[y²] = E[x²]/(1 − rate) = ${fmt(x.secondMoment)}/${fmt(1 - layer.rate)}`);
  } else if (layer.type === 'residual' && prediction.skip) {
    const branch = prediction.branch?.[prediction.branch.length - 1];
    if (branch) lines.push(`var(x + F(x)) = var(x) + var(F(x)) = ${fmt(prediction.skip.std ** 2)} + ${fmt(branch.std ** 2)}`);
  } else if (layer.type === 'maxPooling2d' || layer.type === 'averagePooling2d' || layer.type === 'globalAveragePooling2d') {
    lines.push('pooling over neighbouring positions, assumed partly correlated');
  }
  if (Number.isFinite(prediction.gain) && layer.type !== 'flatten') lines.push(`the layer scales its input's RMS by ${fmt(prediction.gain)}`);
  return lines;
}

function flagText(flag: LayerScaleFlag): string {
  const vanishing = flag.direction === 'vanishing';
  const against = flag.check === 'level' ? 'the stack input' : 'the stack\'s first layer';
  return `⚠ **${flag.direction}**: ${fmt(flag.value)}× ${against}, ${vanishing ? 'below' : 'above'} the ${fmt(flag.threshold)}× threshold ` +
    `(\`${flag.rule}\`, \`${flag.thresholdName}\`; a stack starts at the input or at a BatchNorm).`;
}

interface Site {
  layer: LayerConfig;
  prediction: LayerVariance;
  /** The moments entering the layer. */
  input: Moments;
}

function sites(config: TrainConfig, input: Moments, predictions: LayerVariance[]): Site[] {
  const found: Site[] = [];
  let x = input;
  predictions.forEach((prediction) => {
    const layer = layerAt(config, prediction.indexPath);
    if (!layer) return;
    found.push({ layer, prediction, input: x });
    let inner = x;
    for (const branch of prediction.branch ?? []) {
      const branchLayer = layerAt(config, branch.indexPath);
      if (branchLayer) found.push({ layer: branchLayer, prediction: branch, input: inner });
      inner = branch;
    }
    x = prediction;
  });
  return found;
}

/** The hints of a valid config (none while it has errors: there is nothing to predict from). */
export function layerHints(parsed: ParsedConfig, positions: TextPositions, inputStats?: InputStatistics): LayerHint[] {
  const { config, shapes, tree } = parsed;
  if (!config || !shapes || !tree) return [];
  const variance = predictVariance(config, shapes, inputStats);
  const flags = layerScaleFlags(config, variance.layers);
  const raw = estimateRawInputs(config, inputStats);
  const inputLine = `Inputs from ${inputSource(raw)}; after preprocessing: mean ${fmt(variance.input.mean)}, std ${fmt(variance.input.std)}.`;
  const hints: LayerHint[] = [];
  for (const { layer, prediction, input } of sites(config, variance.input, variance.layers)) {
    const node = findNodeAtLocation(tree, layerPath(prediction.indexPath));
    if (!node || node.type !== 'object') continue;
    const flag = flags.get(prediction.indexPath.join('.'));
    const offset = hintOffset(node, positions);
    const tooltip = [
      `**Layer ${prediction.indexPath.join('.')}** (${describeLayer(layer)}): predicted activation std at initialization **${fmt(prediction.std)}** (mean ${fmt(prediction.mean)}).`,
      ...(flag ? [flagText(flag)] : []),
      explanation(layer, prediction, input, config, parsed).map((line) => `- ${line}`).join('\n'),
      inputLine,
    ].filter((part) => part.length > 0).join('\n\n');
    hints.push({
      indexPath: prediction.indexPath,
      offset,
      position: positions.positionAt(offset),
      label: `${flag ? '⚠ ' : ''}σ≈${formatStd(prediction.std)}`,
      std: prediction.std,
      flag,
      tooltip,
    });
  }
  return hints;
}
