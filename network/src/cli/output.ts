// SPDX-License-Identifier: Apache-2.0
/** Human-facing output of the CLI: progress to stderr, results to stdout. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Renders rows as an aligned text table with a header row. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
    '\n',
  );
}
