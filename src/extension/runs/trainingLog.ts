// A probe's report for the extension's output channel, in the same words the CLI uses.

import type { ProbeReport } from '../../core/engine/probe';
import { formatFinding, formatProbeTable, num } from '../../core/report/textFormat';

export function describeProbe(report: ProbeReport): string {
  const findings = report.findings.map((f) => `  ${formatFinding(f)}`).join('\n');
  return [
    `Probe of "${report.config}" at initialization on ${report.backend} (${report.backendDetail}); batch of ${report.batchSize}, loss ${num(report.loss)}`,
    formatProbeTable(report),
    report.findings.length === 0 ? 'Findings: none.' : `Findings (${report.findings.length}):\n${findings}`,
  ].join('\n');
}
