// The fast pass over a document's text, run on every (debounced) change: parse and validate,
// then the static rules, with the data's statistics when they are already cached. It needs no
// file system and takes milliseconds, so it never waits for the data.

import { parseTrainConfig, type ParsedConfig } from '../../core/config/parseConfig';
import type { InputStatistics } from '../../core/data/dataset';
import { runStaticRules } from '../../core/diagnosis/diagnosisRegistry';
import type { Finding } from '../../core/diagnosis/finding';
import { TextPositions } from './textPositions';

export interface ConfigAnalysis {
  parsed: ParsedConfig;
  positions: TextPositions;
  /** Static findings (none when the config has errors). */
  findings: Finding[];
  /** The data statistics the findings were computed with, when known. */
  inputStats?: InputStatistics;
}

/** `inputStatsFor`: the data statistics for the parsed config when they are at hand (a cache lookup, never a load). */
export function analyzeConfig(text: string, fileName: string, inputStatsFor?: (parsed: ParsedConfig) => InputStatistics | undefined): ConfigAnalysis {
  const parsed = parseTrainConfig(text, fileName);
  const inputStats = parsed.config ? inputStatsFor?.(parsed) : undefined;
  const findings = parsed.config && parsed.shapes
    ? runStaticRules({ config: parsed.config, shapes: parsed.shapes, inputStats, tree: parsed.tree })
    : [];
  return { parsed, positions: new TextPositions(text), findings, inputStats };
}

/** The same analysis with the data's statistics: only the rules run again. */
export function withInputStats(analysis: ConfigAnalysis, inputStats: InputStatistics | undefined): ConfigAnalysis {
  const { parsed } = analysis;
  if (inputStats === analysis.inputStats || !parsed.config || !parsed.shapes) return analysis;
  const findings = runStaticRules({ config: parsed.config, shapes: parsed.shapes, inputStats, tree: parsed.tree });
  return { ...analysis, findings, inputStats };
}
