import { stringify as yamlStringify } from 'yaml';
import { formatTable } from '../format-table';
import { jsonSafe } from './json-safe';
import type { OutputFormat } from './output-format';

export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * Where a command's results go: text and aligned tables for people (`table`), or exactly one document on stdout for
 * scripts (`json`: pretty JSON, an array for lists; `ndjson`: a compact line per item; `yaml`).
 */
export class Output {
  constructor(
    readonly format: OutputFormat,
    private readonly out: (text: string) => void,
    private readonly err: (text: string) => void,
  ) {}

  /** One result: `text` for people, `doc` for scripts. */
  document(doc: unknown, text: () => readonly string[]): void {
    if (this.format === 'table') return this.lines(text());
    this.out(this.serialize(jsonSafe(doc), this.format));
  }

  /** Many results: an aligned table (or `empty` when there are none) for people; an array or a line each for scripts. */
  list(items: readonly unknown[], table: () => Table, empty: string): void {
    if (this.format === 'table') {
      if (items.length === 0) return this.lines([empty]);
      const { columns, rows } = table();
      return this.lines([formatTable(columns, rows)]);
    }
    if (this.format === 'ndjson') {
      for (const item of items) this.out(`${JSON.stringify(jsonSafe(item))}\n`);
      return;
    }
    this.out(this.serialize(items.map(jsonSafe), this.format));
  }

  /**
   * A line for the person running the command (what to pass for the next page, what else to run): under the table,
   * or on stderr in the machine formats so that stdout stays one document.
   */
  note(line: string): void {
    if (this.format === 'table') this.out(`${line}\n`);
    else this.err(`xcom: ${line}\n`);
  }

  private lines(lines: readonly string[]): void {
    for (const line of lines) this.out(`${line}\n`);
  }

  private serialize(data: unknown, format: 'json' | 'ndjson' | 'yaml'): string {
    if (format === 'yaml') return yamlStringify(data, { lineWidth: 0 });
    return `${JSON.stringify(data, null, format === 'json' ? 2 : undefined)}\n`;
  }
}
