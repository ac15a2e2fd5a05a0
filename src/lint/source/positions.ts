/** Maps character offsets of a text to 1-based line and column numbers. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];
  private readonly text: string;
  private byteToChar: Map<number, number> | undefined;

  constructor(text: string) {
    this.text = text;
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  /** 1-based line and column of a character offset. */
  position(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low]! + 1 };
  }

  /** Character offset of a UTF-8 byte offset (libpg_query reports byte offsets). */
  charOffset(byteOffset: number): number {
    if (!this.byteToChar) {
      this.byteToChar = new Map();
      let bytes = 0;
      for (let i = 0; i <= this.text.length; i++) {
        this.byteToChar.set(bytes, i);
        const code = this.text.codePointAt(i);
        if (code === undefined) break;
        const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
        bytes += width;
        if (code >= 0x10000) i++;
      }
    }
    return this.byteToChar.get(byteOffset) ?? this.text.length;
  }
}
