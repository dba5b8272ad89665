import type { RandomBytes } from './trail';

// getRandomValues costs ~10 µs a call whatever its size (WebCrypto's checks dominate), and every
// event takes two 16-byte draws (id, salt): drawing 4 KB at once and handing out slices makes that
// ~0.1 µs. Same CSPRNG, each byte handed out once.
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let offset = 0;

/** Random bytes from the platform CSPRNG, drawn in 4 KB blocks; every call gets fresh bytes of its own. */
export const pooledRandomBytes: RandomBytes = (length) => {
  if (length > POOL_BYTES / 4) return globalThis.crypto.getRandomValues(new Uint8Array(length));
  if (offset + length > pool.length) {
    // A new block each time: slices already handed out are never overwritten.
    pool = globalThis.crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  const bytes = pool.slice(offset, offset + length);
  offset += length;
  return bytes;
};
