// Benchmark: images decoded per second by the image-folder loader (read, decode with pngjs or
// jpeg-js, resize to 32×32×3), on the real photos of ../shared/data/images/flower_photos_small
// when they are there (200 JPEGs of 159–500 px), else on synthetic shapes it writes to a
// temporary folder. Figures, not pass/fail.
//   npm run bench -- imageDecodeRate      or      npx tsx scripts/bench/imageDecodeRate.ts [folder]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DATA_ANYWHERE } from '../../src/core/data/dataAccessPolicy';
import { forgetDecodedImages, loadImageFolderExamples } from '../../src/core/data/imageFolderDataset';
import { listImageFolder } from '../../src/core/data/imageFolderListing';
import { writeShapeFolder } from '../../src/core/data/syntheticShapes';

// npm run bench runs every script from the repository root.
const root = process.cwd();
const flowers = path.join(root, '..', 'shared', 'data', 'images', 'flower_photos_small');

(async () => {
  let folder = process.argv[2] ?? (fs.existsSync(flowers) ? flowers : undefined);
  if (folder === undefined) {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'td-decode-bench-'));
    writeShapeFolder(folder, { perClass: 100, size: 256, seed: 1 });
    console.log(`(${flowers} is absent: synthetic 256×256 shapes instead)`);
  }
  const config = { kind: 'images' as const, images: folder, size: [32, 32] as [number, number], channels: 3 as const };
  const listing = await listImageFolder(config, root, DATA_ANYWHERE);
  const bytes = listing.classes.flatMap((c) => c.files).reduce((sum, f) => sum + f.bytes, 0);
  console.log(`${folder}: ${listing.fileCount} images, ${(bytes / 1e6).toFixed(1)} MB`);
  for (let round = 1; round <= 3; round++) {
    forgetDecodedImages();
    const started = performance.now();
    const examples = await loadImageFolderExamples(config, root, 1, DATA_ANYWHERE);
    const seconds = (performance.now() - started) / 1000;
    console.log(`round ${round}: ${examples.examples.count} images in ${seconds.toFixed(2)} s = ${(examples.examples.count / seconds).toFixed(1)} images/s`);
  }
})();
