// Offsets into a document's text as VS Code positions (0-based line, UTF-16 character), so the
// editor models can be tested without VS Code and still produce the exact ranges it will show.
// Line breaks are \n, \r\n and a lone \r, as in VS Code's text model.

export interface TextPosition {
  line: number;
  character: number;
}

/** A stretch of text, both as offsets (for edits) and as positions (for the editor). */
export interface TextSpan {
  offset: number;
  length: number;
  start: TextPosition;
  end: TextPosition;
}

export class TextPositions {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.lineStarts.push(i + 1);
      } else if (c === 10 /* \n */) {
        this.lineStarts.push(i + 1);
      }
    }
  }

  positionAt(offset: number): TextPosition {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: clamped - this.lineStarts[lo] };
  }

  span(offset: number, length: number): TextSpan {
    const start = Math.max(0, Math.min(offset, this.text.length));
    const end = Math.max(start, Math.min(offset + length, this.text.length));
    return { offset: start, length: end - start, start: this.positionAt(start), end: this.positionAt(end) };
  }
}
