// Regenerates the small CSV tables under test/diagnosis/cases/data/ that the evaluation cases
// train on: made-up data, deterministic (a fixed LCG seed per file), run with
// `node test/diagnosis/makeCaseData.mjs`.
//   flats.csv   regression: rent from features on very different scales (m², metres, years).
//   sales.csv   regression: the same flats sold, the target in euros (~10⁵–10⁶): an unscaled target.
//   energy.csv  regression: a household's yearly energy use in MWh (~2–12) from four features.
//   sensors.csv classification: machine state (ok / worn / faulty) from six sensor readings in
//               their own units (°C, rpm, kPa, ...).
//   claims.csv  classification: insurance claims, 4% of them fraudulent (an imbalanced binary label).
//   defects.csv classification: inspected parts (ok / scratch / dent / crack), cracks rare (4%).
import * as fs from 'node:fs';
import * as path from 'node:path';

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), 'cases', 'data');

function generator(seed) {
  let state = seed >>> 0;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  const normal = () => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

function flat(rng) {
  const area = Math.max(20, 70 + 25 * rng.normal());
  const floor = Math.floor(rng.uniform() * 9);
  const built = Math.round(Math.min(2023, Math.max(1890, 1975 + 28 * rng.normal())));
  const distance = Math.round(300 + 14000 * rng.uniform() ** 1.7);
  const balcony = rng.uniform() < 0.5 ? 1 : 0;
  return { area, floor, built, distance, balcony };
}

function writeTable(name, header, rows) {
  fs.writeFileSync(path.join(dir, name), [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
}

function flats() {
  const rng = generator(20240601);
  const rows = [];
  for (let i = 0; i < 700; i++) {
    const f = flat(rng);
    const rent = 180 + 11.5 * f.area + 14 * f.floor + 1.1 * (f.built - 1975) - 0.035 * f.distance + 60 * f.balcony + 45 * rng.normal();
    rows.push([f.area.toFixed(1), f.floor, f.built, f.distance, f.balcony, rent.toFixed(0)]);
  }
  writeTable('flats.csv', ['area_m2', 'floor', 'year_built', 'distance_m', 'balcony', 'rent_eur'], rows);
}

function sales() {
  const rng = generator(20240602);
  const rows = [];
  for (let i = 0; i < 700; i++) {
    const f = flat(rng);
    const price = 40000 + 4200 * f.area + 3000 * f.floor + 900 * (f.built - 1975) - 14 * f.distance + 15000 * f.balcony + 20000 * rng.normal();
    rows.push([f.area.toFixed(1), f.floor, f.built, f.distance, f.balcony, Math.max(30000, price).toFixed(0)]);
  }
  writeTable('sales.csv', ['area_m2', 'floor', 'year_built', 'distance_m', 'balcony', 'price_eur'], rows);
}

function sensors() {
  const rng = generator(20240603);
  const states = ['ok', 'worn', 'faulty'];
  const rows = [];
  for (let i = 0; i < 900; i++) {
    const k = i % 3;
    const temperature = 55 + 6 * k + 5 * rng.normal();
    const vibration = 1.5 + 1.6 * k + 0.9 * rng.normal();
    const rpm = 2400 - 150 * k + 120 * rng.normal();
    const current = 11 + 0.8 * k + 1.2 * rng.normal();
    const pressure = 310 - 12 * k + 15 * rng.normal();
    const hours = Math.round(5000 + 9000 * rng.uniform() + 2500 * k);
    rows.push([temperature.toFixed(1), vibration.toFixed(2), rpm.toFixed(0), current.toFixed(2), pressure.toFixed(1), hours, states[k]]);
  }
  writeTable('sensors.csv', ['temperature_c', 'vibration_mm_s', 'rpm', 'current_a', 'pressure_kpa', 'hours_run', 'state'], rows);
}

function energy() {
  const rng = generator(20240604);
  const rows = [];
  for (let i = 0; i < 800; i++) {
    const temperature = 10 + 6 * rng.normal();
    const area = Math.max(40, 140 + 50 * rng.normal());
    const occupants = 1 + Math.floor(rng.uniform() * 5);
    const insulation = Math.floor(rng.uniform() * 4);
    const mwh = 1.5 + 0.035 * area + 0.6 * occupants - 0.18 * (temperature - 10) - 0.7 * insulation + 0.5 * rng.normal();
    rows.push([temperature.toFixed(1), area.toFixed(0), occupants, insulation, Math.max(0.5, mwh).toFixed(2)]);
  }
  writeTable('energy.csv', ['mean_temperature_c', 'floor_area_m2', 'occupants', 'insulation_class', 'energy_mwh'], rows);
}

function claims() {
  const rng = generator(20240605);
  const rows = [];
  for (let i = 0; i < 1000; i++) {
    const fraud = i % 25 === 7 ? 1 : 0;
    const amount = Math.max(50, 1800 + 900 * rng.normal() + 2500 * fraud);
    const daysToReport = Math.max(0, Math.round(6 + 4 * rng.normal() + 10 * fraud));
    const priorClaims = Math.floor(rng.uniform() * 3 + 2 * fraud * rng.uniform());
    const policyYears = Math.max(0, 7 + 4 * rng.normal() - 3 * fraud);
    rows.push([amount.toFixed(0), daysToReport, priorClaims, policyYears.toFixed(1), fraud ? 'yes' : 'no']);
  }
  writeTable('claims.csv', ['amount_eur', 'days_to_report', 'prior_claims', 'policy_years', 'fraud'], rows);
}

function defects() {
  const rng = generator(20240606);
  const kinds = ['ok', 'scratch', 'dent', 'crack'];
  const rows = [];
  for (let i = 0; i < 1000; i++) {
    const slot = i % 25;
    const k = slot < 18 ? 0 : slot < 21 ? 1 : slot < 24 ? 2 : 3;
    const reflectance = 0.8 - 0.15 * (k === 1 ? 1 : 0) + 0.05 * rng.normal();
    const depth = 0.02 + 0.3 * (k === 2 ? 1 : 0) + 0.05 * rng.normal();
    const edges = 3 + 4 * (k === 3 ? 1 : 0) + 1.5 * rng.normal();
    const weight = 120 + 2 * rng.normal();
    rows.push([reflectance.toFixed(3), depth.toFixed(3), edges.toFixed(2), weight.toFixed(1), kinds[k]]);
  }
  writeTable('defects.csv', ['reflectance', 'depth_mm', 'edge_count', 'weight_g', 'kind'], rows);
}

fs.mkdirSync(dir, { recursive: true });
flats();
sales();
energy();
sensors();
claims();
defects();
