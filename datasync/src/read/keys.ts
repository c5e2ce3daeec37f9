// SPDX-License-Identifier: Apache-2.0
import { escapeKey } from '../decode/keys';

export type { CompositeKey } from '../decode/keys';
export { escapeKey, parseCompositeKey, unescapeKey } from '../decode/keys';

/** A composite key (U+0000 type U+0000 attr U+0000 ...) in the stored, escaped form. */
export function storedCompositeKey(objectType: string, attributes: string[]): string {
  return escapeKey(
    `\u0000${objectType}\u0000${attributes.map((part) => `${part}\u0000`).join('')}`,
  );
}

/** A LIKE pattern matching `text` anywhere, with `!` as the escape character. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (character) => `!${character}`)}%`;
}
