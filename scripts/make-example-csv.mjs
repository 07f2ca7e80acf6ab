// Regenerates examples/data/houses.csv: a synthetic regression table (made up, not real prices)
// with features on very different scales, so it shows what input normalization is for.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
let state = 12345;
const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
const normal = () => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform());

const rows = ['area_m2,rooms,age_years,distance_km,has_garden,price_k'];
for (let i = 0; i < 800; i++) {
  const area = Math.max(25, 95 + 35 * normal());
  const rooms = Math.max(1, Math.round(area / 28 + normal() * 0.7));
  const age = Math.max(0, Math.round(35 + 25 * normal()));
  const distance = Math.max(0.3, 8 * uniform() ** 1.5 * 3);
  const garden = uniform() < 0.4 ? 1 : 0;
  const price = 40 + 2.6 * area + 12 * rooms - 0.9 * age - 9 * distance + 35 * garden + 18 * normal();
  rows.push([area.toFixed(1), rooms, age, distance.toFixed(2), garden, price.toFixed(1)].join(','));
}
fs.mkdirSync(path.join(root, 'examples', 'data'), { recursive: true });
fs.writeFileSync(path.join(root, 'examples', 'data', 'houses.csv'), rows.join('\n') + '\n');
