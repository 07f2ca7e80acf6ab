// Finds the images of an image-folder data set without decoding any: <folder>/<class>/<file>,
// the layout of Keras's image_dataset_from_directory and torchvision's ImageFolder. The folder
// obeys the same access rules as a CSV path (dataAccessPolicy), and every class folder and file
// is checked too, since a symbolic link inside may lead outside. Plain files at the top (a
// LICENSE.txt), hidden entries and files that are not .png/.jpg/.jpeg are ignored; class folders
// are not searched below their first level.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigProblemError, problem, type ConfigProblem, type JsonPath } from '../config/configProblem';
import type { DatasetConfig } from '../config/trainConfig';
import { defaultDataAccess, resolveDataFile, type DataAccess } from './dataAccessPolicy';

export type ImageFolderConfig = Extract<DatasetConfig, { kind: 'images' }>;

export const IMAGES_PATH: JsonPath = ['data', 'dataset', 'images'];
/** More files than this is a data set for a streaming loader, not for one held in memory. */
export const MAX_IMAGE_FILES = 50_000;
/** At most this many class names or files are listed in one message. */
const MAX_LISTED = 8;

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

export interface ImageFile {
  /** The real path (symbolic links resolved), to read. */
  path: string;
  /** `<class>/<file name>`, to show. */
  shown: string;
  bytes: number;
  modified: number;
}

export interface ImageClass {
  name: string;
  files: ImageFile[];
}

export interface ImageFolderListing {
  /** The folder's real path. */
  root: string;
  /** Sorted by name: a class's index is its position here. */
  classes: ImageClass[];
  fileCount: number;
  /** Entries passed over: files at the top, hidden entries, files with other extensions. */
  ignored: number;
}

/** Lists the folder, or throws a ConfigProblemError located at data.dataset.images. */
export async function listImageFolder(config: ImageFolderConfig, baseDir: string, access: DataAccess = defaultDataAccess(baseDir), maxFiles = MAX_IMAGE_FILES): Promise<ImageFolderListing> {
  const folder = config.images;
  const decision = resolveDataFile(baseDir, folder, access);
  if (decision.type === 'refused') throw imagesProblem('data.outside-workspace', decision.message.replace('The data file', 'The image folder'));
  const root = decision.path;
  const entries = await readFolder(root, folder);
  let ignored = 0;
  let fileCount = 0;
  const looseImages: string[] = [];
  // Names first, in every class folder: the file count is checked before any file is resolved, so
  // a folder of 60,000 files is refused in a moment rather than after 60,000 link resolutions.
  const named: { name: string; images: string[] }[] = [];
  for (const entry of sortedByName(entries)) {
    if (entry.name.startsWith('.')) { ignored++; continue; }
    const entryPath = path.join(folder, entry.name);
    const isFolder = entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(path.join(root, entry.name)));
    if (!isFolder) {
      if (IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) looseImages.push(entry.name);
      ignored++;
      continue;
    }
    const classDecision = resolveDataFile(baseDir, entryPath, access);
    if (classDecision.type === 'refused') throw imagesProblem('data.outside-workspace', classDecision.message.replace('The data file', 'The class folder'));
    const classEntries = await readFolder(classDecision.path, entryPath);
    const images = sortedByName(classEntries).filter(isImageEntry).map((e) => e.name);
    ignored += classEntries.length - images.length;
    fileCount += images.length;
    if (fileCount > maxFiles) {
      throw imagesProblem('data.images-too-many',
        `The image folder "${folder}" has more than ${maxFiles.toLocaleString('en-US')} images (${fileCount.toLocaleString('en-US')} in its class folders up to "${entryPath}", which holds ${images.length.toLocaleString('en-US')}), the most one data set held in memory may have; use a sample of them.`);
    }
    named.push({ name: entry.name, images });
  }
  const classes: ImageClass[] = [];
  for (const { name, images } of named) classes.push({ name, files: await classFiles(name, images, folder, baseDir, access) });
  const problems = folderProblems(folder, classes, looseImages);
  if (problems.length > 0) throw new ConfigProblemError(problems);
  return { root, classes, fileCount, ignored };
}

async function readFolder(root: string, folder: string): Promise<fs.Dirent[]> {
  try {
    return await fs.promises.readdir(root, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw imagesProblem('data.file-not-found', `The image folder "${folder}" does not exist (looked at ${root}; relative paths start from the config file's folder).`);
    if (code === 'ENOTDIR') throw imagesProblem('data.images-not-a-folder', `"${folder}" (${root}) is a file, not a folder: "images" names a folder with one sub-folder of images per class.`);
    throw imagesProblem('data.unreadable', `The image folder "${folder}" cannot be read (${code ?? (error as Error).message}; looked at ${root}).`);
  }
}

function isImageEntry(entry: fs.Dirent): boolean {
  return !entry.name.startsWith('.') && IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase()) && !entry.isDirectory();
}

/** A class's images, each checked against the access rules (a link may lead outside) and stat'ed. */
async function classFiles(className: string, images: string[], folder: string, baseDir: string, access: DataAccess): Promise<ImageFile[]> {
  const files: ImageFile[] = [];
  for (const name of images) {
    const decision = resolveDataFile(baseDir, path.join(folder, className, name), access);
    if (decision.type === 'refused') throw imagesProblem('data.outside-workspace', decision.message.replace('The data file', 'The image'));
    let stats: fs.Stats;
    try {
      stats = await fs.promises.stat(decision.path);
    } catch {
      // A dangling link: reported by the reader as unreadable, with the others.
      files.push({ path: decision.path, shown: `${className}/${name}`, bytes: 0, modified: 0 });
      continue;
    }
    files.push({ path: decision.path, shown: `${className}/${name}`, bytes: stats.size, modified: stats.mtimeMs });
  }
  return files;
}

function folderProblems(folder: string, classes: ImageClass[], looseImages: string[]): ConfigProblem[] {
  if (classes.length === 0) {
    const loose = looseImages.length > 0 ? ` It holds ${looseImages.length} image${looseImages.length === 1 ? '' : 's'} directly (${listShort(looseImages)}); move them into class folders.` : '';
    return [problem('data.images-no-classes', IMAGES_PATH,
      `The image folder "${folder}" has no class sub-folders: put the images of each class in a sub-folder named after it, e.g. ${folder}/cat/1.jpg and ${folder}/dog/1.jpg.${loose}`)];
  }
  const problems = classes.filter((c) => c.files.length === 0).map((c) => problem('data.images-empty-class', IMAGES_PATH,
    `The class folder "${folder}/${c.name}" holds no .png, .jpg or .jpeg file: a class needs examples. Add images or remove the folder.`));
  if (problems.length === 0 && classes.length === 1) {
    problems.push(problem('data.images-one-class', IMAGES_PATH,
      `The image folder "${folder}" has a single class folder ("${classes[0].name}"), so there is nothing to classify: add a sub-folder per class.`));
  }
  return problems;
}

export function listShort(items: string[]): string {
  const shown = items.slice(0, MAX_LISTED).join(', ');
  return items.length > MAX_LISTED ? `${shown} and ${items.length - MAX_LISTED} more` : shown;
}

export function imagesProblem(code: string, message: string, where: JsonPath = IMAGES_PATH): ConfigProblemError {
  return new ConfigProblemError([problem(code, where, message)]);
}

/** Byte order, not locale order, so that the class indices are the same on every machine. */
function sortedByName(entries: fs.Dirent[]): fs.Dirent[] {
  return [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}
