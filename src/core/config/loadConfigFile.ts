// Reads a config file and checks everything that can be checked without training: the text
// (parseTrainConfig) and the data it points at (a CSV file exists, has the label column, is
// numeric, and fits the model's input and output). Used by `lint`, `probe` and `train` alike.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCsvExamples } from '../data/csvDataset';
import { imageNoteProblems, loadImageFolderExamples } from '../data/imageFolderDataset';
import type { ImageFolderConfig } from '../data/imageFolderListing';
import { defaultDataAccess, type DataAccess } from '../data/dataAccessPolicy';
import { decodeConfigBytes } from './configEncoding';
import { ConfigProblemError, problem, type ConfigProblem } from './configProblem';
import { sizeRefusal } from './configTextChecks';
import { memoryBudget } from './memoryEstimate';
import { locateProblems, parseTrainConfig, type ParsedConfig } from './parseConfig';
import { checkModelAgainstData } from './shapeInference';

export interface LoadedConfigFile extends ParsedConfig {
  filePath: string;
  baseDir: string;
  /** Where its data files may be: what the caller allowed, for every later load of the data too. */
  dataAccess: DataAccess;
}

/**
 * `text`: the editor's (possibly unsaved) content; read from disk when absent. `dataAccess`: where
 * data files may be (see dataAccessPolicy); by default inside the config's project.
 */
export async function loadConfigFile(filePath: string, text?: string, dataAccess?: DataAccess): Promise<LoadedConfigFile> {
  const absolute = path.resolve(filePath);
  const baseDir = path.dirname(absolute);
  const access = dataAccess ?? defaultDataAccess(baseDir);
  const refused = (code: string, message: string): LoadedConfigFile =>
    ({ filePath: absolute, baseDir, dataAccess: access, text: '', problems: [{ ...problem(code, [], message), range: { offset: 0, length: 0, line: 1, column: 1 } }] });
  if (text === undefined) {
    const read = readConfigText(absolute);
    if ('problem' in read) return refused(read.problem.code, read.problem.message);
    text = read.text;
  }
  const parsed = parseTrainConfig(text, absolute);
  const result: LoadedConfigFile = { ...parsed, filePath: absolute, baseDir, dataAccess: access };
  if (!parsed.config) return result;
  const dataProblems = await checkDataSource(parsed, baseDir, access);
  if (dataProblems.length === 0) return result;
  const located = locateProblems(dataProblems, parsed.tree, text);
  const problems = [...parsed.problems, ...located];
  return { ...result, problems, config: problems.some((p) => p.severity === 'error') ? undefined : parsed.config };
}

/** The file's text, or why it cannot be a config: missing, not a regular file (a FIFO would block), too large, UTF-16. */
function readConfigText(absolute: string): { text: string } | { problem: { code: string; message: string } } {
  try {
    const stat = fs.statSync(absolute);
    if (!stat.isFile()) return { problem: { code: 'file.unreadable', message: `${absolute} is not a regular file.` } };
    const tooLarge = sizeRefusal(stat.size);
    if (tooLarge) return { problem: tooLarge };
    return decodeConfigBytes(fs.readFileSync(absolute));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? `No such file: ${absolute}` : `Cannot read ${absolute}: ${(error as Error).message}`;
    return { problem: { code: 'file.unreadable', message } };
  }
}

/** Data checks that need the file system: the CSV file or the image folder (MNIST and synthetic data are known statically). */
export async function checkDataSource(parsed: ParsedConfig, baseDir: string, dataAccess?: DataAccess): Promise<ConfigProblem[]> {
  const config = parsed.config;
  if (config?.data.dataset.kind === 'images') return checkImageFolder(parsed, config.data.dataset, memoryBudget(config).dataBytes, baseDir, dataAccess);
  if (!config || config.data.dataset.kind !== 'csv') return [];
  try {
    const examples = await loadCsvExamples(config.data.dataset, baseDir, config.seed, dataAccess);
    // A single class is reported as data.csv-one-class below; checking the model against it would
    // add a misleading "the last layer should have 1 unit".
    const classes = examples.task === 'classification' && examples.numClasses >= 2 ? examples.numClasses : undefined;
    const problems = checkModelAgainstData(config, parsed.shapes?.outputShape, examples.inputShape, classes);
    if (examples.task === 'classification' && examples.numClasses < 2) {
      problems.push(problem('data.csv-one-class', ['data', 'dataset', 'label'],
        `The label column "${config.data.dataset.label}" holds a single value, so there is nothing to classify. ` +
        'Check the column, or use "task": "regression" for numeric targets.'));
    }
    return problems;
  } catch (error) {
    if (error instanceof ConfigProblemError) return error.problems;
    return [problem('data.unreadable', ['data', 'dataset'], `Cannot read the data: ${(error as Error).message}`)];
  }
}

/**
 * The image folder read as training will read it (decoded once: the pixels are kept for the
 * statistics and the run): its class count against the model, and its skipped or converted
 * images as warnings.
 */
async function checkImageFolder(parsed: ParsedConfig, dataset: ImageFolderConfig, dataBudgetBytes: number, baseDir: string, dataAccess?: DataAccess): Promise<ConfigProblem[]> {
  try {
    const examples = await loadImageFolderExamples(dataset, baseDir, parsed.config!.seed, dataAccess, dataBudgetBytes);
    const problems = checkModelAgainstData(parsed.config!, parsed.shapes?.outputShape, examples.inputShape, examples.numClasses);
    return [...problems, ...imageNoteProblems(dataset, examples.imageNotes)];
  } catch (error) {
    if (error instanceof ConfigProblemError) return error.problems;
    return [problem('data.unreadable', ['data', 'dataset'], `Cannot read the data: ${(error as Error).message}`)];
  }
}
