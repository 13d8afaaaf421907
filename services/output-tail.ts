/** Keeps the last few KB of a child's output, so an error can show why the child failed. */
export class OutputTail {
  private text = '';

  constructor(private readonly maxChars = 16_384) {}

  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > this.maxChars) this.text = this.text.slice(-this.maxChars);
  }

  /** The last `lines` non-empty lines, indented for embedding in an error message. */
  lastLines(lines = 20): string {
    const kept = this.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .slice(-lines);
    return kept.length === 0 ? '    (no output)' : kept.map((line) => `    ${line}`).join('\n');
  }
}
