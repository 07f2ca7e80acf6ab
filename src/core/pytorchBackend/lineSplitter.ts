// Cuts a child's stdout into lines as it arrives, with a bound on a line's length: a script that
// prints a megabyte without a newline (a stray print of a tensor) costs one skipped line, never
// the memory of the host. UTF-8 characters split between chunks are joined again.

import { StringDecoder } from 'node:string_decoder';

export interface LineSink {
  line(text: string, lineNumber: number): void;
  /** A line longer than the bound was skipped (its first characters are kept for the message). */
  overlong(lineNumber: number, length: number, start: string): void;
}

/** Long enough for a layer-stats event of a few thousand layers. */
export const MAX_LINE_CHARACTERS = 4 * 1024 * 1024;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  /** Characters of the current line dropped because it is too long (0: not overlong). */
  private dropped = 0;
  private overlongStart = '';
  private lineNumber = 0;

  constructor(private readonly sink: LineSink, private readonly maxCharacters = MAX_LINE_CHARACTERS) {}

  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let from = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', from)) {
      this.take(text.slice(from, newline));
      this.endLine();
      from = newline + 1;
    }
    this.take(text.slice(from));
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    this.take(this.decoder.end());
    if (this.partial.length > 0 || this.dropped > 0) this.endLine();
  }

  private take(text: string): void {
    if (text.length === 0) return;
    if (this.dropped > 0) {
      this.dropped += text.length;
      return;
    }
    if (this.partial.length + text.length <= this.maxCharacters) {
      this.partial += text;
      return;
    }
    this.overlongStart = (this.partial + text).slice(0, 80);
    this.dropped = this.partial.length + text.length;
    this.partial = '';
  }

  private endLine(): void {
    this.lineNumber++;
    if (this.dropped > 0) {
      this.sink.overlong(this.lineNumber, this.dropped, this.overlongStart);
      this.dropped = 0;
      this.overlongStart = '';
      return;
    }
    const line = this.partial.endsWith('\r') ? this.partial.slice(0, -1) : this.partial;
    this.partial = '';
    this.sink.line(line, this.lineNumber);
  }
}
