/** Orders strings by UTF-16 code units, which matches Go's byte-wise sort for the ASCII names kubectl sorts. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
