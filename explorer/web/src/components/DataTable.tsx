// SPDX-License-Identifier: Apache-2.0
/** A chart's numbers as a table, folded away under the chart for screen readers and the curious. */
export function DataTable({
  caption,
  rows,
  columns,
}: {
  caption: string;
  rows: (string | number)[][];
  columns: string[];
}) {
  return (
    <details className="chart-data">
      <summary>Show the numbers</summary>
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>
              {row.map((cell, cellIndex) => (
                <td key={cellIndex}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
