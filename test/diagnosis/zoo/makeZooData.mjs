// Regenerates the small CSV stand-ins under test/diagnosis/zoo/data/ for the real-world zoo: public
// datasets (auto-mpg, iris, Pima, sonar, Boston housing, ...) cannot be shipped here, so each file is
// made-up data with the same columns, roughly the same scales and class balance, and a learnable
// relation. Deterministic (a fixed LCG seed per file); run `node test/diagnosis/zoo/makeZooData.mjs`.
import * as fs from 'node:fs';
import * as path from 'node:path';

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), 'data');

function generator(seed) {
  let state = seed >>> 0;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  const normal = () => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform());
  const pick = (weights) => { let r = uniform() * weights.reduce((a, b) => a + b, 0); for (const [i, w] of weights.entries()) { if ((r -= w) < 0) return i; } return weights.length - 1; };
  return { uniform, normal, pick };
}

const round = (v, places) => Number(v.toFixed(places));
const sigmoid = (z) => 1 / (1 + Math.exp(-z));

function writeTable(name, header, rows) {
  fs.writeFileSync(path.join(dir, name), [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
}

/** Fisher-Yates with the file's own generator, for the shuffled-target stand-in. */
function shuffled(values, rng) {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) { const j = Math.floor(rng.uniform() * (i + 1)); [out[i], out[j]] = [out[j], out[i]]; }
  return out;
}

// auto-mpg (UCI; TensorFlow's "Basic regression" tutorial, TheDeepChecker's regrNN): 9 inputs once
// the origin is one-hot encoded, miles per gallon as the target.
function autoMpg() {
  const rng = generator(20251201);
  const header = ['cylinders', 'displacement', 'horsepower', 'weight', 'acceleration', 'model_year', 'origin_usa', 'origin_europe', 'origin_japan'];
  const rows = [];
  for (let i = 0; i < 392; i++) {
    const cylinders = [4, 6, 8, 3, 5][rng.pick([51, 21, 26, 1, 1])];
    const displacement = Math.max(68, { 3: 75, 4: 110, 5: 140, 6: 220, 8: 345 }[cylinders] + 22 * rng.normal());
    const horsepower = Math.max(46, 0.33 * displacement + 40 + 12 * rng.normal());
    const weight = Math.max(1600, 1750 + 6.8 * displacement + 250 * rng.normal());
    const acceleration = Math.max(8, 21 - 0.045 * horsepower + 1.8 * rng.normal());
    const year = 70 + Math.floor(rng.uniform() * 13);
    const origin = cylinders === 8 ? 0 : rng.pick([50, 25, 25]);
    const mpg = Math.min(46.6, Math.max(9, 44 - 0.0062 * weight - 0.03 * horsepower + 0.78 * (year - 76) + 1.2 * (origin > 0 ? 1 : 0) + 2.6 * rng.normal() + 6));
    rows.push({ x: [cylinders, round(displacement, 0), round(horsepower, 0), round(weight, 0), round(acceleration, 1), year, origin === 0 ? 1 : 0, origin === 1 ? 1 : 0, origin === 2 ? 1 : 0], mpg });
  }
  const mean = rows.reduce((s, r) => s + r.mpg, 0) / rows.length;
  const std = Math.sqrt(rows.reduce((s, r) => s + (r.mpg - mean) ** 2, 0) / rows.length);
  const z = rows.map((r) => round((r.mpg - mean) / std, 4));
  writeTable('autompg.csv', [...header, 'mpg'], rows.map((r) => [...r.x, round(r.mpg, 1)]));
  // TheDeepChecker's loader standardizes the regression target too (its over_scaled_outputs fault turns that off).
  writeTable('autompg-ztarget.csv', [...header, 'mpg_z'], rows.map((r, i) => [...r.x, z[i]]));
  // Its double_normalization fault: (x - min) / range, divided by the range once more.
  const mins = header.map((_, c) => Math.min(...rows.map((r) => r.x[c])));
  const ranges = header.map((_, c) => Math.max(...rows.map((r) => r.x[c])) - mins[c] || 1);
  writeTable('autompg-double-normalized.csv', [...header, 'mpg_z'], rows.map((r, i) => [...r.x.map((v, c) => Number(((v - mins[c]) / ranges[c] / ranges[c]).toPrecision(4))), z[i]]));
  // Its wrong_labels fault: the features are shuffled without their targets.
  const shuffledTargets = shuffled(z, rng);
  writeTable('autompg-shuffled-target.csv', [...header, 'mpg_z'], rows.map((r, i) => [...r.x, shuffledTargets[i]]));
}

// Fisher's iris: per-species means and standard deviations of the real measurements.
function iris() {
  const rng = generator(20251202);
  const species = [
    ['setosa', [5.01, 3.43, 1.46, 0.25], [0.35, 0.38, 0.17, 0.11]],
    ['versicolor', [5.94, 2.77, 4.26, 1.33], [0.52, 0.31, 0.47, 0.2]],
    ['virginica', [6.59, 2.97, 5.55, 2.03], [0.64, 0.32, 0.55, 0.27]],
  ];
  const rows = [];
  for (let i = 0; i < 150; i++) {
    const [name, means, stds] = species[i % 3];
    rows.push([...means.map((m, j) => round(Math.max(0.1, m + stds[j] * rng.normal()), 1)), name]);
  }
  writeTable('iris.csv', ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'], rows);
}

// Pima Indians diabetes (768 rows, 35% positive), raw clinical units.
function pima() {
  const rng = generator(20251203);
  const rows = [];
  for (let i = 0; i < 768; i++) {
    const pregnancies = Math.min(17, Math.floor(Math.abs(3.8 + 3.4 * rng.normal())));
    const glucose = Math.max(44, 121 + 31 * rng.normal());
    const pressure = Math.max(24, 72 + 12 * rng.normal());
    const skin = Math.max(0, 21 + 15 * rng.normal());
    const insulin = Math.max(0, 80 + 110 * rng.normal());
    const bmi = Math.max(18, 32 + 7 * rng.normal());
    const pedigree = Math.max(0.08, 0.47 + 0.33 * rng.normal());
    const age = Math.min(81, 21 + Math.floor(Math.abs(12 * rng.normal() + 6)));
    const risk = -0.85 + 0.035 * (glucose - 121) + 0.08 * (bmi - 32) + 0.9 * (pedigree - 0.47) + 0.025 * (age - 33) + 0.6 * rng.normal();
    rows.push([pregnancies, round(glucose, 0), round(pressure, 0), round(skin, 0), round(insulin, 0), round(bmi, 1), round(pedigree, 3), age, risk > 0 ? 1 : 0]);
  }
  writeTable('pima.csv', ['pregnancies', 'glucose', 'blood_pressure', 'skin_thickness', 'insulin', 'bmi', 'pedigree', 'age', 'outcome'], rows);
}

// Sonar (Gorman & Sejnowski): 60 band energies in [0, 1], rocks vs mines.
function sonar() {
  const rng = generator(20251204);
  const rows = [];
  for (let i = 0; i < 208; i++) {
    const mine = i % 2 === 1;
    const bands = [];
    for (let b = 0; b < 60; b++) {
      const base = 0.05 + 0.5 * Math.exp(-(((b - 22) / 14) ** 2));
      const bump = mine ? 0.18 * Math.exp(-(((b - 35) / 6) ** 2)) : 0.15 * Math.exp(-(((b - 12) / 5) ** 2));
      bands.push(round(Math.min(1, Math.max(0.001, base + bump + 0.09 * rng.normal())), 4));
    }
    rows.push([...bands, mine ? 'M' : 'R']);
  }
  writeTable('sonar.csv', [...Array.from({ length: 60 }, (_, b) => `band_${b + 1}`), 'kind'], rows);
}

// Cleveland heart disease as keras-io's "structured data classification" uses it (303 rows, ~27% positive).
function heart() {
  const rng = generator(20251205);
  const rows = [];
  for (let i = 0; i < 303; i++) {
    const age = Math.round(54 + 9 * rng.normal());
    const sex = rng.uniform() < 0.68 ? 1 : 0;
    const cp = rng.pick([47, 17, 28, 8]);
    const trestbps = Math.round(131 + 17 * rng.normal());
    const chol = Math.round(246 + 51 * rng.normal());
    const fbs = rng.uniform() < 0.15 ? 1 : 0;
    const restecg = rng.pick([50, 2, 48]);
    const thalach = Math.round(150 - 0.9 * (age - 54) + 20 * rng.normal());
    const exang = rng.uniform() < 0.33 ? 1 : 0;
    const oldpeak = round(Math.max(0, 1 + 1.1 * rng.normal()), 1);
    const slope = rng.pick([7, 47, 46]);
    const ca = rng.pick([58, 22, 13, 7]);
    const thal = rng.pick([55, 6, 39]);
    const risk = -2.9 + 0.7 * sex + 0.8 * exang + 0.55 * oldpeak + 0.6 * ca - 0.025 * (thalach - 150) + 0.6 * (cp === 0 ? 1 : 0) + 0.5 * (thal === 2 ? 1 : 0) + 0.5 * rng.normal();
    rows.push([age, sex, cp, trestbps, chol, fbs, restecg, thalach, exang, oldpeak, slope, ca, thal, risk > 0 ? 1 : 0]);
  }
  writeTable('heart.csv', ['age', 'sex', 'cp', 'trestbps', 'chol', 'fbs', 'restecg', 'thalach', 'exang', 'oldpeak', 'slope', 'ca', 'thal', 'target'], rows);
}

// Boston housing (506 rows, 13 features, median value in k$).
function boston() {
  const rng = generator(20251206);
  const rows = [];
  for (let i = 0; i < 506; i++) {
    const crim = round(Math.exp(-1 + 1.7 * rng.normal()), 3);
    const zn = rng.uniform() < 0.73 ? 0 : round(12.5 + 25 * rng.uniform() * 3, 1);
    const indus = round(Math.max(0.5, 11 + 7 * rng.normal()), 2);
    const chas = rng.uniform() < 0.07 ? 1 : 0;
    const nox = round(Math.min(0.87, Math.max(0.38, 0.55 + 0.12 * rng.normal())), 3);
    const rm = round(6.28 + 0.7 * rng.normal(), 3);
    const age = round(Math.min(100, Math.max(3, 68 + 28 * rng.normal())), 1);
    const dis = round(Math.max(1.1, 3.8 + 2.1 * rng.normal()), 3);
    const rad = [1, 2, 3, 4, 5, 6, 7, 8, 24][rng.pick([4, 5, 8, 22, 23, 5, 3, 5, 26])];
    const tax = Math.round(Math.max(187, 408 + 168 * rng.normal()));
    const ptratio = round(Math.min(22, Math.max(12.6, 18.5 + 2.2 * rng.normal())), 1);
    const b = round(Math.min(396.9, 357 + 91 * rng.normal()), 2);
    const lstat = round(Math.max(1.7, 12.6 + 7 * rng.normal()), 2);
    const medv = Math.min(50, Math.max(5, 22.5 + 8.5 * (rm - 6.28) - 0.6 * (lstat - 12.6) - 0.8 * (ptratio - 18.5) - 0.1 * crim - 1.2 * (dis - 3.8) * 0.5 + 2.5 * rng.normal()));
    rows.push([crim, zn, indus, chas, nox, rm, age, dis, rad, tax, ptratio, b, lstat, round(medv, 1)]);
  }
  writeTable('boston.csv', ['crim', 'zn', 'indus', 'chas', 'nox', 'rm', 'age', 'dis', 'rad', 'tax', 'ptratio', 'b', 'lstat', 'medv'], rows);
}

// Website phishing (UCI, tfjs-examples/website-phishing): 30 features in {-1, 0, 1}.
function phishing() {
  const rng = generator(20251207);
  const weights = Array.from({ length: 30 }, () => rng.normal());
  const rows = [];
  for (let i = 0; i < 2000; i++) {
    const x = Array.from({ length: 30 }, () => [-1, 0, 1][rng.pick([40, 15, 45])]);
    const score = x.reduce((s, v, j) => s + v * weights[j], 0) * 0.5 + 0.8 * rng.normal();
    rows.push([...x, score > 0.3 ? 1 : 0]);
  }
  writeTable('phishing.csv', [...Array.from({ length: 30 }, (_, j) => `f${j + 1}`), 'phishing'], rows);
}

// make_circles-style rings (AUTOTRAINER's "circle" data, TensorFlow Playground's default "circle").
function circles() {
  const rng = generator(20251208);
  const rows = [];
  for (let i = 0; i < 1000; i++) {
    const inner = i % 2;
    const angle = 2 * Math.PI * rng.uniform();
    const radius = inner ? 0.5 : 1;
    rows.push([round(radius * Math.cos(angle) + 0.08 * rng.normal(), 4), round(radius * Math.sin(angle) + 0.08 * rng.normal(), 4), inner]);
  }
  writeTable('circles.csv', ['x1', 'x2', 'inner'], rows);
}

// TensorFlow Playground's "circle" data as its dataset.ts makes it (noise 0, 500 points): radius 5,
// the positive half at r ~ U(0, 2.5), the negative half at r ~ U(3.5, 5), raw coordinates in [-5, 5],
// labels ±1 as the Playground's tanh output is trained on them with square loss.
function playgroundCircle() {
  const rng = generator(20251221);
  const rows = [];
  for (let i = 0; i < 500; i++) {
    const inner = i < 250;
    const radius = inner ? 2.5 * rng.uniform() : 3.5 + 1.5 * rng.uniform();
    const angle = 2 * Math.PI * rng.uniform();
    rows.push([round(radius * Math.sin(angle), 4), round(radius * Math.cos(angle), 4), inner ? 1 : -1]);
  }
  writeTable('playground-circle.csv', ['x1', 'x2', 'label'], shuffled(rows, rng));
}

// Stack Overflow 52800582: y = x⁴ for x in [-100, 100].
function fourthPower() {
  const rng = generator(20251209);
  const rows = [];
  for (let i = 0; i < 1000; i++) { const x = -100 + 200 * rng.uniform(); rows.push([round(x, 3), round(x ** 4, 0)]); }
  writeTable('fourth-power.csv', ['x', 'y'], rows);
}

// Cross Validated 418955: x = 0..99, y = x² + 3 (the inputs get standardized, the target does not).
function square() {
  const rows = [];
  for (let x = 0; x < 100; x++) rows.push([x, x * x + 3]);
  writeTable('square.csv', ['x', 'y'], rows);
}

// Stack Overflow 436673 (as mirrored by techfeed): y = ln(x) for x in (0, 1].
function logarithm() {
  const rng = generator(20251210);
  const rows = [];
  for (let i = 0; i < 1000; i++) { const x = 0.001 + 0.999 * rng.uniform(); rows.push([round(x, 5), round(Math.log(x), 5)]); }
  writeTable('logarithm.csv', ['x', 'y'], rows);
}

// AI Stack Exchange 16557: binary vectors mapped to real values.
function binaryVectors() {
  const rng = generator(20251211);
  const weights = Array.from({ length: 20 }, () => rng.normal());
  const rows = [];
  for (let i = 0; i < 1000; i++) {
    const x = Array.from({ length: 20 }, () => (rng.uniform() < 0.5 ? 0 : 1));
    const y = x.reduce((s, v, j) => s + v * weights[j], 0) + 1.5 * x[0] * x[1] - 1.2 * x[2] * x[3] + 0.2 * rng.normal();
    rows.push([...x, round(y, 4)]);
  }
  writeTable('binary-vectors.csv', [...Array.from({ length: 20 }, (_, j) => `b${j + 1}`), 'value'], rows);
}

// TheDeepChecker's unbalanced_data: classes 0–5 keep 1–5% of their examples (class 0 like class 1),
// classes 6–9 keep all. 8×8 digit-like images in [0, 1] stand in for MNIST.
function digitsUnbalanced() {
  const rng = generator(20251212);
  const prototypes = Array.from({ length: 10 }, () => Array.from({ length: 64 }, () => (rng.uniform() < 0.35 ? 1 : 0)));
  const full = 300;
  const counts = [3, 3, 6, 9, 12, 15, full, full, full, full];
  const rows = [];
  for (const [digit, count] of counts.entries()) {
    for (let i = 0; i < count; i++) rows.push([...prototypes[digit].map((p) => round(Math.min(1, Math.max(0, 0.8 * p + 0.25 * rng.normal())), 2)), digit]);
  }
  writeTable('digits-unbalanced.csv', [...Array.from({ length: 64 }, (_, j) => `px${j}`), 'digit'], shuffled(rows, rng));
}

// keras-io "Imbalanced classification: credit card fraud detection": 30 features, 0.2% frauds.
function creditCard() {
  const rng = generator(20251213);
  const rows = [];
  for (let i = 0; i < 1500; i++) {
    const fraud = i % 500 === 250;
    const v = Array.from({ length: 28 }, (_, j) => round(rng.normal() + (fraud && j < 6 ? -3 : 0), 2));
    rows.push([Math.round(172792 * rng.uniform()), ...v, round(Math.exp(3.5 + 1.4 * rng.normal()), 2), fraud ? 1 : 0]);
  }
  writeTable('creditcard.csv', ['time', ...Array.from({ length: 28 }, (_, j) => `v${j + 1}`), 'amount', 'class'], rows);
}

// pytorch/examples regression/main.py: features x, x², x³, x⁴ of x ~ N(0, 1), a random degree-4 polynomial.
function polynomial() {
  const rng = generator(20251214);
  const w = [rng.normal() * 5, rng.normal() * 5, rng.normal() * 5, rng.normal() * 5];
  const b = rng.normal() * 5;
  const rows = [];
  for (let i = 0; i < 1000; i++) {
    const x = rng.normal();
    const features = [x, x ** 2, x ** 3, x ** 4];
    rows.push([...features.map((f) => round(f, 5)), round(features.reduce((s, f, j) => s + f * w[j], b), 5)]);
  }
  writeTable('polynomial.csv', ['x', 'x2', 'x3', 'x4', 'y'], rows);
}

// tfjs-examples polynomial-regression-core: y = -0.8x³ - 0.2x² + 0.9x + 0.5 + N(0, 0.04²) on x in [-1, 1],
// y rescaled to [0, 1] as the example does; the powers of x are given as features.
function cubic() {
  const rng = generator(20251215);
  const xs = Array.from({ length: 100 }, () => -1 + 2 * rng.uniform());
  const ys = xs.map((x) => -0.8 * x ** 3 - 0.2 * x ** 2 + 0.9 * x + 0.5 + 0.04 * rng.normal());
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  writeTable('cubic.csv', ['x', 'x2', 'x3', 'y'], xs.map((x, i) => [round(x, 5), round(x ** 2, 5), round(x ** 3, 5), round((ys[i] - lo) / (hi - lo), 5)]));
}

// Cross Validated 284189 ("Simple linear regression in Keras"): sales from a TV advertising budget.
function advertising() {
  const rng = generator(20251216);
  const rows = [];
  for (let i = 0; i < 200; i++) { const tv = 0.7 + 295 * rng.uniform(); rows.push([round(tv, 1), round(7 + 0.0475 * tv + 2.3 * rng.normal(), 1)]); }
  writeTable('advertising.csv', ['tv', 'sales'], rows);
}

fs.mkdirSync(dir, { recursive: true });
polynomial(); cubic(); advertising();
autoMpg(); iris(); pima(); sonar(); heart(); boston(); phishing(); circles(); playgroundCircle();
fourthPower(); square(); logarithm(); binaryVectors(); digitsUnbalanced(); creditCard();
