// Writes examples/data/shapes/: 600 synthetic colour pictures (circle, square, triangle; 64×64,
// half PNG, half JPEG) for examples/shapes-cnn.train.json, so that a fresh clone has an image
// folder to train on. Seeded: every run writes the same pictures. The folder is git-ignored.
//   npm run make-images
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeShapeFolder } from '../src/core/data/syntheticShapes';

// npm runs scripts from the repository root.
const folder = path.join(process.cwd(), 'examples', 'data', 'shapes');
fs.rmSync(folder, { recursive: true, force: true });
const written = writeShapeFolder(folder, { perClass: 200, size: 64, seed: 11 });
console.log(`Wrote ${written} pictures to ${path.relative(process.cwd(), folder)}/ (circle, square, triangle).`);
