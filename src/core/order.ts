// The one string order of every generated and reported list: UTF-16 code units, as `<` compares
// (never localeCompare: a file must not change with the machine's locale).

/** `<` as a comparator: negative, zero for equal strings (a stable sort keeps their order), positive. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A comparator of items by one string of each: `.sort(byString((f) => f.path))`. */
export function byString<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => compareStrings(key(a), key(b));
}
