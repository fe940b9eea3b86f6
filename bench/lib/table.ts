/** A table of a scenario's results: one row per variant, cells already formatted or plain numbers. */
export interface Table {
  columns: string[];
  rows: Array<Array<string | number | null>>;
}

function cell(value: string | number | null): string {
  return value === null ? "-" : String(value);
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function formatTable(table: Table): string {
  const cells = [table.columns, ...table.rows.map((row) => row.map(cell))];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  const line = (row: readonly string[], raw?: ReadonlyArray<string | number | null>): string =>
    row
      .map((text, i) => (typeof raw?.[i] === "number" ? text.padStart(widths[i]!) : text.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [
    line(table.columns),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...table.rows.map((row) => line(row.map(cell), row)),
  ].join("\n");
}

export function markdownTable(table: Table): string {
  const row = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [
    row(table.columns),
    row(table.columns.map(() => "---")),
    ...table.rows.map((cells) => row(cells.map(cell))),
  ].join("\n");
}
