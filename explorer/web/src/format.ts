// SPDX-License-Identifier: Apache-2.0
import type { KeyView, ValueView } from '../../src/http/api-types';

const numberFormat = new Intl.NumberFormat('en-US');

export const formatNumber = (value: number) => numberFormat.format(value);

const dateTime = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function formatTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

/** "12 s ago", "5 min ago", "3 h ago", then the date. */
export function timeAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 0) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)} h ago`;
  return formatTime(iso);
}

export function shortHash(hash: string, head = 10, tail = 6): string {
  return hash.length <= head + tail + 1 ? hash : `${hash.slice(0, head)}…${hash.slice(-tail)}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400)
    return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86400)} d ${Math.floor((seconds % 86400) / 3600)} h`;
}

/** A key as a person reads it: `type · attr · attr` for composite keys, else the key. */
export function keyText(key: KeyView): string {
  if (key.objectType === undefined) return key.raw;
  return [key.objectType, ...(key.attributes ?? [])].join(' · ');
}

/** A value's full text: pretty JSON, the text itself, or base64 marked as such. */
export function valueText(value: ValueView): string {
  if (value.json !== undefined) return JSON.stringify(value.json, null, 2);
  if (value.text !== undefined) return value.text;
  return `base64:${value.base64 ?? ''}`;
}

/** A one-line preview of a value, for tables. */
export function valuePreview(value: ValueView, max = 120): string {
  const text = value.json !== undefined ? JSON.stringify(value.json) : valueText(value);
  const line = text.replace(/\s+/g, ' ');
  return line.length > max || value.truncated ? `${line.slice(0, max)}…` : line;
}

/** Stored form of the AssetContract key of an asset (`\0asset\0<id>\0`, escaped). */
export function assetKeyRaw(assetId: string): string {
  return `\\0asset\\0${assetId.replace(/\\/g, '\\\\')}\\0`;
}
