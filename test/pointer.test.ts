// RFC 6901 pointers name where a diagnostic points: '~' is written ~0 and '/' ~1 (in that order,
// so a key "~1" is "~01", not "/"), and parsePointer reads back exactly the path written.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePointer, toPointer } from '../src/core/diagnostic.js';

describe('JSON pointers', () => {
  it('escapes ~ and / per RFC 6901', () => {
    expect(toPointer([])).toBe('');
    expect(toPointer(['models', 'mlx-a', 'endpoint'])).toBe('/models/mlx-a/endpoint');
    expect(toPointer([3, 'members', 0])).toBe('/3/members/0');
    expect(toPointer(['hosts', '../../etc'])).toBe('/hosts/..~1..~1etc');
    expect(toPointer(['a~b', '~1', '/'])).toBe('/a~0b/~01/~1');
    expect(toPointer([''])).toBe('/');
  });

  it('parsePointer reads back every path toPointer writes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom('~', '/', '~0', '~1', '/~', 'a/b~c'))), (path) => {
        expect(parsePointer(toPointer(path))).toEqual(path);
      }),
      { numRuns: 2000, seed: 20261123 },
    );
  });
});
