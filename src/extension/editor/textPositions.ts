// Offsets into a document's text as VS Code positions (0-based line, UTF-16 character), so the
// editor models can be tested without VS Code and still produce the exact ranges it will show.
// Line breaks are \n, \r\n and a lone \r, as in VS Code's text model (the core's LineIndex).

import { LineIndex } from '../../core/config/parseConfig';

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
  private readonly lines: LineIndex;

  constructor(readonly text: string) {
    this.lines = new LineIndex(text);
  }

  positionAt(offset: number): TextPosition {
    return this.lines.position(Math.max(0, Math.min(offset, this.text.length)));
  }

  span(offset: number, length: number): TextSpan {
    const start = Math.max(0, Math.min(offset, this.text.length));
    const end = Math.max(start, Math.min(offset + length, this.text.length));
    return { offset: start, length: end - start, start: this.positionAt(start), end: this.positionAt(end) };
  }
}
