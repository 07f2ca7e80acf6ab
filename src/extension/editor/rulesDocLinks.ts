// Links from a diagnostic's code to its rule's section of docs/rules.md. VS Code opens a file
// link at a line when the fragment is `L<line>`, not at an HTML anchor, so the anchors'
// line numbers are read once from the shipped document.

const ANCHOR = /<a id="([^"]+)"><\/a>/;

/** 1-based line of each `<a id="…"></a>` anchor. */
export function anchorLines(markdown: string): Map<string, number> {
  const lines = new Map<string, number>();
  markdown.split('\n').forEach((line, i) => {
    const match = ANCHOR.exec(line);
    // The heading follows the anchor: land on it.
    if (match) lines.set(match[1], i + 2);
  });
  return lines;
}

/** The fragment to open the docs at: the anchor's line when known, else the anchor itself. */
export function docsFragment(anchor: string, lines: Map<string, number>): string {
  const line = lines.get(anchor);
  return line !== undefined ? `L${line}` : anchor;
}
