import { deflateRawSync, type ZlibOptions } from 'node:zlib';

/**
 * Raw DEFLATE with a window sized to the input. A codec value is mostly a few hundred bytes: zlib's
 * default 32 KB window and 128 KB hash table cost more to set up (zeroed memory, per call) than
 * compressing takes, and level 9 finds nothing more than level 6 there (it does on large values).
 * A smaller window only shortens how far back a match may point, so the output stays plain DEFLATE
 * that any inflater (default window) reads; past 32 KB it is the default.
 */
export function deflateSmall(input: Buffer, options: Pick<ZlibOptions, 'dictionary'> = {}): Buffer {
  const dictionary = options.dictionary;
  const reach = input.length + (dictionary?.byteLength ?? 0) + 262;
  // zlib refuses a raw window of 8 bits; 9 is its smallest.
  const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(reach))));
  const level = input.length > 4096 ? 9 : 6;
  const memLevel = Math.max(1, Math.min(9, windowBits - 6));
  // Output buffers sized to the value (zlib allocates a 16 KB one per call by default); a value
  // that compresses badly just takes a second buffer.
  const chunkSize = Math.min(16_384, Math.max(512, 2 ** Math.ceil(Math.log2(input.length + 64))));
  // Options written out, not spread: zlib reads a spread object's properties markedly slower
  // (about 5 µs a call, a third of compressing a few hundred bytes).
  return dictionary ? deflateRawSync(input, { dictionary, level, windowBits, memLevel, chunkSize }) : deflateRawSync(input, { level, windowBits, memLevel, chunkSize });
}
