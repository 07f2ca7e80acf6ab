// Composes a sequence of text edits, each made on the text as the previous ones left it, into
// edits against the ORIGINAL text. A fix can then work step by step (re-parsing after each change)
// and still hand an editor a minimal, non-overlapping edit list, as a WorkspaceEdit needs.

export interface TextEdit {
  offset: number;
  length: number;
  content: string;
}

export class EditLog {
  /** In original coordinates, sorted, pairwise disjoint and not touching. */
  private readonly edits: TextEdit[] = [];
  private current: string;

  constructor(readonly original: string) {
    this.current = original;
  }

  get text(): string {
    return this.current;
  }

  /** Edits of the original text that turn it into the current text. */
  toOriginalEdits(): TextEdit[] {
    return this.edits.map((e) => ({ ...e }));
  }

  /** Applies edits that were all computed on the current text (they must not overlap one another). */
  applyAll(edits: TextEdit[]): void {
    // From the end backwards, so each edit's offsets are still valid when it is applied.
    for (const edit of [...edits].sort((a, b) => b.offset - a.offset)) this.apply(edit);
  }

  /** Applies one edit given in current-text coordinates. */
  apply(edit: TextEdit): void {
    const start = edit.offset;
    const end = edit.offset + edit.length;
    let shift = 0; // current offset − original offset, left of the position being examined
    let first = -1;
    let last = -1;
    let shiftBeforeFirst = 0;
    let insertAt = this.edits.length;
    for (let i = 0; i < this.edits.length; i++) {
      const e = this.edits[i];
      const currentStart = e.offset + shift;
      const currentEnd = currentStart + e.content.length;
      if (currentEnd < start) {
        shift += e.content.length - e.length;
        continue;
      }
      if (currentStart > end) {
        insertAt = i;
        break;
      }
      // Overlapping or touching an earlier edit: the two become one.
      if (first < 0) {
        first = i;
        shiftBeforeFirst = shift;
      }
      last = i;
      shift += e.content.length - e.length;
    }
    if (first < 0) {
      this.edits.splice(insertAt, 0, { offset: start - shift, length: edit.length, content: edit.content });
    } else {
      const a = this.edits[first];
      const b = this.edits[last];
      const firstStart = a.offset + shiftBeforeFirst;
      const lastEnd = b.offset + b.length + shift;
      const from = Math.min(start, firstStart);
      const to = Math.max(end, lastEnd);
      const content = this.current.slice(from, start) + edit.content + this.current.slice(end, to);
      const originalFrom = from === firstStart ? a.offset : start - shiftBeforeFirst;
      const originalTo = to === lastEnd ? b.offset + b.length : end - shift;
      this.edits.splice(first, last - first + 1, { offset: originalFrom, length: originalTo - originalFrom, content });
    }
    this.current = this.current.slice(0, start) + edit.content + this.current.slice(end);
  }
}
