// SPDX-License-Identifier: Apache-2.0
// fabric-contract-api's @Property only knows primitives, arrays, maps and
// @Object classes. Free-form JSON objects (asset attributes, private details)
// need a plain `{"type":"object"}` schema, which this decorator records in the
// same metadata slot that @Property writes.
import 'reflect-metadata';

const PROPERTIES_KEY = 'fabric:object-properties';

export function JsonObjectProperty(name: string) {
  return (target: object, _propertyKey: string | symbol): void => {
    const existing = Reflect.getOwnMetadata(PROPERTIES_KEY, target) as
      Record<string, unknown> | undefined;
    const properties = { ...existing, [name]: { type: 'object' } };
    Reflect.defineMetadata(PROPERTIES_KEY, properties, target);
  };
}
