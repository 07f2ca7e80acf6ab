// Loads an image-folder data set (see imageFolderListing for the layout and access rules): reads
// and decodes every image, converts it to the config's channel count, resizes it to its size
// (imageResize) and keeps the pixels in 0–255. A file that cannot be read or decoded (truncated,
// damaged, over the size caps) is skipped and counted, never fatal; the notes say which. The data
// set is checked against the memory budget before anything is decoded.
//
// The decoded pixels of the last folder loaded stay in memory, keyed by every file's path, size
// and time of change: lint, probe and train in one process (and the editor's data worker, which
// asks for statistics and checks in turn) decode a folder once.

import { problem, type ConfigProblem, type JsonPath } from '../config/configProblem';
import { DEFAULT_DATA_BUDGET_GIB, formatBytes, GIB } from '../config/memoryEstimate';
import { deriveSeed, SeededRandom } from '../random';
import { readRegularFileBytes } from './boundedFileRead';
import { defaultDataAccess, type DataAccess } from './dataAccessPolicy';
import { shuffledCopy, type DatasetExamples, type Split } from './dataset';
import { decodeImage, type DecodedImage } from './imageDecoding';
import { IMAGES_PATH, imagesProblem, listImageFolder, listShort, type ImageFolderConfig, type ImageFolderListing } from './imageFolderListing';
import { resizeImage } from './imageResize';

/** The largest image file read (32 MB); a bigger one is skipped. */
export const MAX_IMAGE_FILE_BYTES = 32 * 1024 * 1024;
const FLOAT = 4;
const SIZE_PATH: JsonPath = ['data', 'dataset', 'size'];

/** What loading found besides the pixels: said in the run's data description and, by lint, as warnings. */
export interface ImageFolderNotes {
  skipped: { shown: string; reason: string }[];
  /** Images whose channel count was not the config's, converted. */
  converted: { shown: string; from: 1 | 3 }[];
}

interface DecodedFolder {
  key: string;
  examples: Split;
  classNames: string[];
  notes: ImageFolderNotes;
}

let lastDecoded: DecodedFolder | undefined;

export interface ImageFolderExamples extends DatasetExamples {
  imageNotes: ImageFolderNotes;
}

/**
 * `dataBudgetBytes`: the data-set memory budget (memoryBudget(config).dataBytes); the default
 * budget when absent.
 */
export async function loadImageFolderExamples(
  config: ImageFolderConfig, baseDir: string, seed: number,
  access: DataAccess = defaultDataAccess(baseDir), dataBudgetBytes = DEFAULT_DATA_BUDGET_GIB * GIB,
): Promise<ImageFolderExamples> {
  const listing = await listImageFolder(config, baseDir, access);
  const [height, width] = config.size;
  const featureSize = height * width * config.channels;
  checkBudget(config, listing.fileCount, featureSize, dataBudgetBytes);
  const decoded = await decodeFolder(config, listing, featureSize);
  const kept = decoded.examples.count;
  const examples = shuffledCopy(decoded.examples, featureSize, new SeededRandom(deriveSeed(seed, 'images-order')));
  return {
    task: 'classification',
    inputShape: [height, width, config.channels],
    featureSize,
    numClasses: decoded.classNames.length,
    classNames: decoded.classNames,
    image: { height, width, channels: config.channels },
    examples,
    description: `image folder ${config.images} (${kept} images in ${decoded.classNames.length} classes, resized to ${height}×${width}×${config.channels}${noteSummary(decoded.notes)})`,
    imageNotes: decoded.notes,
  };
}

/** The examples held (a decoded copy, the shuffled copy, the split copies), refused before decoding. */
function checkBudget(config: ImageFolderConfig, files: number, featureSize: number, budget: number): void {
  const needed = 3 * files * (featureSize + 1) * FLOAT;
  if (needed <= budget) return;
  const [height, width] = config.size;
  throw imagesProblem('memory.data-over-budget',
    `The image folder "${config.images}" has ${files} images; at ${height}×${width}×${config.channels} they need about ${formatBytes(needed)} in memory, ` +
    `over the ${formatBytes(budget)} budget (every image is held in memory as 32-bit floats). Use a smaller size, fewer images, ` +
    'or raise "memoryBudget" if the machine has the memory.', SIZE_PATH);
}

async function decodeFolder(config: ImageFolderConfig, listing: ImageFolderListing, featureSize: number): Promise<DecodedFolder> {
  const key = JSON.stringify([listing.root, config.size, config.channels, listing.classes.map((c) => [c.name, c.files.map((f) => [f.path, f.bytes, f.modified])])]);
  if (lastDecoded?.key === key) return lastDecoded;
  // Let the previous folder's pixels go before allocating the next one's.
  lastDecoded = undefined;

  const [height, width] = config.size;
  const x = new Float32Array(listing.fileCount * featureSize);
  const y = new Float32Array(listing.fileCount);
  const notes: ImageFolderNotes = { skipped: [], converted: [] };
  const emptied: string[] = [];
  let row = 0;
  for (const [label, imageClass] of listing.classes.entries()) {
    const rowsBefore = row;
    for (const file of imageClass.files) {
      const image = await readImage(file.path, file.shown, notes);
      if (!image) continue;
      if (image.channels !== config.channels) notes.converted.push({ shown: file.shown, from: image.channels });
      const pixels = convertChannels(image, config.channels);
      x.set(resizeImage(pixels, image.height, image.width, config.channels, height, width), row * featureSize);
      y[row] = label;
      row++;
    }
    if (row === rowsBefore) emptied.push(imageClass.name);
  }
  if (emptied.length > 0) {
    const skipped = notes.skipped.filter((s) => emptied.includes(s.shown.split('/')[0]));
    throw imagesProblem('data.images-empty-class',
      `No image of class${emptied.length === 1 ? '' : 'es'} ${listShort(emptied.map((name) => `"${name}"`))} in "${config.images}" could be read: ` +
      `${listShort(skipped.map((s) => `${s.shown} (${s.reason})`))}. A class needs examples.`);
  }
  const examples = { x: row === listing.fileCount ? x : x.slice(0, row * featureSize), y: y.slice(0, row), count: row };
  lastDecoded = { key, examples, classNames: listing.classes.map((c) => c.name), notes };
  return lastDecoded;
}

async function readImage(file: string, shown: string, notes: ImageFolderNotes): Promise<DecodedImage | undefined> {
  const skip = (reason: string) => { notes.skipped.push({ shown, reason }); return undefined; };
  let read;
  try {
    read = await readRegularFileBytes(file, MAX_IMAGE_FILE_BYTES);
  } catch (error) {
    return skip(`cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  switch (read.type) {
    case 'bytes': {
      const decoded = decodeImage(read.bytes);
      return decoded.type === 'image' ? decoded.image : skip(decoded.reason);
    }
    case 'missing': return skip('it no longer exists (or is a broken link)');
    case 'directory': return skip('it is a folder');
    case 'not-a-file': return skip(`it is ${read.kind}`);
    case 'too-large': return skip(`larger than the ${read.limit / (1024 * 1024)} MB cap on one image file`);
  }
}

/** Grey repeated into R, G and B; colour to grey by luma (ITU-R BT.601 weights). */
export function convertChannels(image: DecodedImage, channels: 1 | 3): Uint8Array | Float32Array {
  if (image.channels === channels) return image.pixels;
  const pixelCount = image.width * image.height;
  const out = new Float32Array(pixelCount * channels);
  for (let p = 0; p < pixelCount; p++) {
    if (channels === 3) {
      const grey = image.pixels[p];
      out[p * 3] = grey;
      out[p * 3 + 1] = grey;
      out[p * 3 + 2] = grey;
    } else {
      out[p] = 0.299 * image.pixels[p * 3] + 0.587 * image.pixels[p * 3 + 1] + 0.114 * image.pixels[p * 3 + 2];
    }
  }
  return out;
}

/** The notes as lint warnings: data.images-skipped and data.images-converted (none when there is nothing to say). */
export function imageNoteProblems(config: ImageFolderConfig, notes: ImageFolderNotes): ConfigProblem[] {
  const sentences: ConfigProblem[] = [];
  if (notes.skipped.length > 0) {
    const count = notes.skipped.length;
    sentences.push(problem('data.images-skipped', IMAGES_PATH, `${count} image${count === 1 ? '' : 's'} in "${config.images}" could not be used and ${count === 1 ? 'was' : 'were'} skipped: ` +
      `${listShort(notes.skipped.map((s) => `${s.shown} (${s.reason})`))}.`, 'warning'));
  }
  if (notes.converted.length > 0) {
    const count = notes.converted.length;
    const how = config.channels === 3 ? 'grey, and repeated into R, G and B' : 'in colour, and turned grey by luma (0.299 R + 0.587 G + 0.114 B)';
    sentences.push(problem('data.images-converted', IMAGES_PATH, `${count} image${count === 1 ? '' : 's'} in "${config.images}" ${count === 1 ? 'is' : 'are'} ${how} to match "channels": ${config.channels}: ` +
      `${listShort(notes.converted.map((c) => c.shown))}.`, 'warning'));
  }
  return sentences;
}

function noteSummary(notes: ImageFolderNotes): string {
  const parts: string[] = [];
  if (notes.skipped.length > 0) parts.push(`${notes.skipped.length} skipped as unreadable`);
  if (notes.converted.length > 0) parts.push(`${notes.converted.length} converted to the channel count`);
  return parts.length > 0 ? `; ${parts.join(', ')}` : '';
}

/** Forgets the decoded pixels kept for the next load (tests; a caller done with the data). */
export function forgetDecodedImages(): void {
  lastDecoded = undefined;
}
