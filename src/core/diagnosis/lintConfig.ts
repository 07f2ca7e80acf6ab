// Lint = validation problems + static findings. Static rules see the data's real statistics when
// the data can be loaded (it is cheap for the bundled datasets); when it cannot, the validation
// problems already say why and the data-dependent rules fall back to what the config says.

import type { LoadedConfigFile } from '../config/loadConfigFile';
import { memoryBudget } from '../config/memoryEstimate';
import { loadInputStatistics } from '../data/loadDataset';
import type { InputStatistics } from '../data/dataset';
import { runStaticRules } from './diagnosisRegistry';
import type { Finding } from './finding';

export interface LintResult {
  findings: Finding[];
  inputStats?: InputStatistics;
}

export async function lintFindings(file: LoadedConfigFile, options: { measureData?: boolean } = {}): Promise<LintResult> {
  if (!file.config || !file.shapes) return { findings: [] };
  let inputStats: InputStatistics | undefined;
  // Placeholder data is N(0, 1) by definition: generating it (150,000 numbers per 224×224×3 image) would tell nothing new.
  if (options.measureData !== false && file.config.data.dataset.kind !== 'placeholder') {
    try {
      inputStats = await loadInputStatistics(file.config.data, file.config.seed, file.baseDir, file.dataAccess, memoryBudget(file.config).dataBytes);
    } catch {
      // Reported as a validation problem where it matters; the rules run without statistics.
    }
  }
  return { findings: runStaticRules({ config: file.config, shapes: file.shapes, inputStats, tree: file.tree }), inputStats };
}
