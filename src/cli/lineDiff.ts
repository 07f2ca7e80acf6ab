// A unified diff of two small texts (config files), for `training-doctor fix` to show exactly
// what it changed. Longest-common-subsequence over lines: configs are small, so O(n·m) is fine.

export function unifiedDiff(before: string, after: string, label: string, context = 2): string {
  // A final newline ends the last line; it does not start an extra (empty) one.
  const bothEndInNewline = before.endsWith('\n') && after.endsWith('\n');
  const a = (bothEndInNewline ? before.slice(0, -1) : before).split('\n');
  const b = (bothEndInNewline ? after.slice(0, -1) : after).split('\n');
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = length of the LCS of a[i..] and b[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  type Line = { kind: ' ' | '-' | '+'; text: string; aLine: number; bLine: number };
  const lines: Line[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) lines.push({ kind: ' ', text: a[i++], aLine: i, bLine: ++j });
    // Deletions before insertions, as diff and git print a replaced line.
    else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) lines.push({ kind: '-', text: a[i++], aLine: i, bLine: j });
    else lines.push({ kind: '+', text: b[j++], aLine: i, bLine: j });
  }
  const changed = lines.map((l, k) => (l.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return '';
  const out = [`--- ${label}`, `+++ ${label} (fixed)`];
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k] - context);
    let end = Math.min(lines.length - 1, changed[k] + context);
    while (k + 1 < changed.length && changed[k + 1] - context <= end + 1) {
      k++;
      end = Math.min(lines.length - 1, changed[k] + context);
    }
    k++;
    const hunk = lines.slice(start, end + 1);
    const aStart = hunk[0].kind === '+' ? hunk[0].aLine + 1 : hunk[0].aLine;
    const bStart = hunk[0].kind === '-' ? hunk[0].bLine + 1 : hunk[0].bLine;
    const aCount = hunk.filter((l) => l.kind !== '+').length;
    const bCount = hunk.filter((l) => l.kind !== '-').length;
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`);
    for (const l of hunk) out.push(`${l.kind}${l.text}`);
  }
  return out.join('\n') + '\n';
}
