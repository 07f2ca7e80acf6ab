// What the editor knows about an image folder named in a config: a hover on the `images` value
// (its classes with their image counts, the image sizes and formats) and the completion of the
// path (folders under the config's folder, image folders first). Plain TypeScript without VS Code,
// so it is tested as it is; the folder is read under the same access rules as for training.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { findNodeAtOffset, getNodePath, parseTree, type Node as JsonNode } from 'jsonc-parser';
import { ConfigProblemError } from '../../core/config/configProblem';
import { defaultDataAccess, resolveDataFile, type DataAccess } from '../../core/data/dataAccessPolicy';
import { MAX_IMAGE_PIXELS, readImageHeader } from '../../core/data/imageDecoding';
import { listImageFolder } from '../../core/data/imageFolderListing';

/** The headers of at most this many images are read for a hover (their first bytes only). */
const MAX_HOVER_HEADERS = 300;
/** A JPEG's frame header follows its EXIF block, which cameras make up to 64 KB. */
const HEADER_BYTES = 96 * 1024;

/** The string value of data.dataset.images under `offset`: its text and where it stands. */
export function imagesValueAt(text: string, offset: number): { value: string; offset: number; length: number } | undefined {
  const tree = parseTree(text, [], { allowTrailingComma: true });
  if (!tree) return undefined;
  const node: JsonNode | undefined = findNodeAtOffset(tree, offset, true);
  if (!node || node.type !== 'string' || node.parent?.type !== 'property' || node.parent.children?.[1] !== node) return undefined;
  const where = getNodePath(node);
  if (where.join('/') !== 'data/dataset/images') return undefined;
  return { value: String(node.value), offset: node.offset, length: node.length };
}

export interface ImageFolderSummary {
  classes: { name: string; images: number }[];
  /** Over the images whose header was read. */
  headersRead: number;
  width?: [number, number];
  height?: [number, number];
  png: number;
  jpeg: number;
  grey: number;
  unreadable: number;
  /** Headers that claim more pixels than the loader decodes (it skips them): left out of the sizes. */
  overPixelCap: number;
}

/** The hover's facts, or the problem that stops the folder being read (as a sentence). */
/** `access`: where data may be read (inside the config's project when absent). */
export async function summarizeImageFolder(folder: string, baseDir: string, access?: DataAccess): Promise<ImageFolderSummary | { problem: string }> {
  let listing;
  try {
    listing = await listImageFolder({ kind: 'images', images: folder, size: [1, 1], channels: 3 }, baseDir, access);
  } catch (error) {
    if (error instanceof ConfigProblemError) return { problem: error.problems.map((p) => p.message).join(' ') };
    return { problem: (error as Error).message };
  }
  const summary: ImageFolderSummary = {
    classes: listing.classes.map((c) => ({ name: c.name, images: c.files.length })),
    headersRead: 0, png: 0, jpeg: 0, grey: 0, unreadable: 0, overPixelCap: 0,
  };
  const files = listing.classes.flatMap((c) => c.files).slice(0, MAX_HOVER_HEADERS);
  for (const file of files) {
    const header = await readHeader(file.path);
    if (!header) { summary.unreadable++; continue; }
    summary.headersRead++;
    if (header.width * header.height > MAX_IMAGE_PIXELS) { summary.overPixelCap++; continue; }
    summary[header.format]++;
    if (header.channels === 1) summary.grey++;
    summary.width = widen(summary.width, header.width);
    summary.height = widen(summary.height, header.height);
  }
  return summary;
}

async function readHeader(file: string) {
  try {
    const handle = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) return undefined;
      const buffer = Buffer.alloc(Math.min(HEADER_BYTES, stats.size));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      const header = readImageHeader(buffer.subarray(0, bytesRead));
      return 'reason' in header ? undefined : header;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

function widen(range: [number, number] | undefined, value: number): [number, number] {
  return range ? [Math.min(range[0], value), Math.max(range[1], value)] : [value, value];
}

/** The hover text (Markdown). */
export function imageFolderHoverText(folder: string, summary: ImageFolderSummary | { problem: string }): string {
  if ('problem' in summary) return `**Image folder \`${folder}\`**: ${summary.problem}`;
  const total = summary.classes.reduce((sum, c) => sum + c.images, 0);
  const counts = summary.classes.map((c) => c.images);
  const lines = [`**Image folder \`${folder}\`**: ${total} images in ${summary.classes.length} classes`, ''];
  for (const c of summary.classes.slice(0, 20)) lines.push(`- ${c.name}: ${c.images}`);
  if (summary.classes.length > 20) lines.push(`- … and ${summary.classes.length - 20} more classes`);
  lines.push('');
  if (summary.width && summary.height) {
    const span = ([low, high]: [number, number]) => (low === high ? `${low}` : `${low}–${high}`);
    const of = summary.headersRead < total ? ` (of the first ${summary.headersRead} read)` : '';
    lines.push(`Sizes: width ${span(summary.width)} px, height ${span(summary.height)} px${of}; ${summary.png} PNG, ${summary.jpeg} JPEG` +
      `${summary.grey > 0 ? `, ${summary.grey} grey` : ''}${summary.unreadable > 0 ? `, ${summary.unreadable} without a readable header` : ''}` +
      `${summary.overPixelCap > 0 ? `, ${summary.overPixelCap} over the ${MAX_IMAGE_PIXELS / 1e6}-megapixel cap on one image (skipped when the folder is loaded)` : ''}.`);
  }
  const smallest = Math.min(...counts);
  const largest = Math.max(...counts);
  if (counts.length > 1 && smallest > 0 && largest / smallest >= 10) {
    lines.push('', `The classes are heavily imbalanced: ${largest} images against ${smallest} (see data.class-imbalance).`);
  }
  return lines.join('\n');
}

/**
 * Folders under the config's folder (`baseDir`) that the typed prefix may continue to, each with
 * whether it looks like an image folder (it has a sub-folder holding a PNG or JPEG), those first.
 */
export function imageFolderCompletions(baseDir: string, typed: string, access: DataAccess = defaultDataAccess(baseDir)): { path: string; imageFolder: boolean }[] {
  const slash = typed.lastIndexOf('/');
  const parent = slash >= 0 ? typed.slice(0, slash + 1) : '';
  // The same access rules as training and the hover: no listing of folders data may not come from.
  const listed = resolveDataFile(baseDir, parent || '.', access);
  if (listed.type === 'refused') return [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(listed.path, { withFileTypes: true });
  } catch {
    return [];
  }
  const found = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
    .slice(0, 200)
    .map((e) => ({ path: `${parent}${e.name}`, imageFolder: looksLikeImageFolder(path.join(listed.path, e.name)) }));
  return found.sort((a, b) => Number(b.imageFolder) - Number(a.imageFolder) || (a.path < b.path ? -1 : 1));
}

function looksLikeImageFolder(folder: string): boolean {
  try {
    const classes = fs.readdirSync(folder, { withFileTypes: true }).filter((e) => e.isDirectory()).slice(0, 20);
    return classes.some((c) => fs.readdirSync(path.join(folder, c.name)).slice(0, 50).some((name) => /\.(png|jpe?g)$/i.test(name)));
  } catch {
    return false;
  }
}
