import { deflateRawSync, type ZlibOptions } from 'node:zlib';

/**
 * Raw DEFLATE with a window sized to the input. A codec value is mostly a few hundred bytes: zlib's
 * default 32 KB window and 128 KB hash table cost more to set up (zeroed memory, per call) than
 * compressing takes, and level 9 finds nothing more than level 6 there (it does on large values).
 * A smaller window only shortens how far back a match may point, so the output stays plain DEFLATE
 * that any inflater (default window) reads; past 32 KB it is the default.
 */
export function deflateSmall(input: Buffer, options: Pick<ZlibOptions, 'dictionary'> = {}): Buffer {
  const reach = input.length + (options.dictionary?.byteLength ?? 0) + 262;
  // zlib refuses a raw window of 8 bits; 9 is its smallest.
  const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(reach))));
  return deflateRawSync(input, { ...options, level: input.length > 4096 ? 9 : 6, windowBits, memLevel: Math.max(1, Math.min(9, windowBits - 6)) });
}
