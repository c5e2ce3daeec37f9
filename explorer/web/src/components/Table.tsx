// SPDX-License-Identifier: Apache-2.0
import type { Key, ReactNode } from 'react';

import type { Page } from '../../../src/http/api-types';
import { Pager } from './ui';

/** A column: its header, which also labels its cells when a narrow screen stacks them. */
export interface Column<T> {
  label: string;
  cell: (row: T) => ReactNode;
  /** The body cells' class (e.g. `value-cell`); `number` right-aligns header and cells. */
  className?: string;
}

export interface TableProps<T> {
  /** Read by screen readers only. */
  caption?: ReactNode;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => Key;
  rowClass?: (row: T) => string | undefined;
  testId?: string;
}

/**
 * A table whose rows stack into labelled cells on narrow screens (`responsive`): each column's
 * label is its header and its cells' `data-label`, written once.
 */
export function Table<T>({ caption, columns, rows, rowKey, rowClass, testId }: TableProps<T>) {
  return (
    <table className="responsive" data-testid={testId}>
      {caption ? <caption className="sr-only">{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((column) => (
            <th
              key={column.label}
              scope="col"
              className={column.className === 'number' ? 'number' : undefined}
            >
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} className={rowClass?.(row)}>
            {columns.map((column) => (
              <td key={column.label} data-label={column.label} className={column.className}>
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * One page of a keyset-paged list: its table, a line when it is empty, and the links to the
 * other pages (Newer/Older for a list newest first, else Previous/Next).
 */
export function PagedTable<T>({
  page,
  empty,
  pagerLabel,
  newestFirst = false,
  ...table
}: Omit<TableProps<T>, 'rows'> & {
  page: Page<T>;
  empty?: string;
  pagerLabel: string;
  newestFirst?: boolean;
}) {
  return (
    <>
      <Table {...table} rows={page.items} />
      {empty !== undefined && page.items.length === 0 ? <p className="muted">{empty}</p> : null}
      <Pager
        label={pagerLabel}
        next={page.next}
        prev={page.prev}
        {...(newestFirst ? {} : { nextLabel: 'Next', prevLabel: 'Previous' })}
      />
    </>
  );
}
