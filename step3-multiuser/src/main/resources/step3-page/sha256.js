// SHA-256 (FIPS 180-4) fed piece by piece. Web Crypto's digest() takes the whole input at once: for a file of
// gigabytes that means the whole file in memory, on both sides. This one hashes each 16 KiB chunk of a file as it
// goes by (files.js). And crypto.subtle exists only in secure contexts: a page opened over plain http on a LAN address
// has none, and fingerprints.js hashes certificates with this one there. Step3FileTest checks it against Web Crypto.

const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);

/** A new hash: `update(bytes)` as often as needed (a Uint8Array), then `hex()` once. */
export function sha256() {
  const state = Int32Array.of(
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  );
  const w = new Int32Array(64);
  const pending = new Uint8Array(64); // the start of a block that has not filled up yet
  let pendingLength = 0;
  let length = 0; // bytes hashed so far

  /** Hashes the 64-byte blocks of bytes[from, to). */
  function compress(bytes, from, to) {
    let [h0, h1, h2, h3, h4, h5, h6, h7] = state;
    for (let at = from; at < to; at += 64) {
      for (let i = 0, j = at; i < 16; i++, j += 4) {
        w[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
      }
      for (let i = 16; i < 64; i++) {
        const x = w[i - 15];
        const y = w[i - 2];
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[i] = (((w[i - 16] + s0) | 0) + ((w[i - 7] + s1) | 0)) | 0;
      }
      let a = h0; let b = h1; let c = h2; let d = h3; let e = h4; let f = h5; let g = h6; let h = h7;
      for (let i = 0; i < 64; i++) {
        const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const t1 = (((h + s1) | 0) + ((((e & f) ^ (~e & g)) + ((K[i] + w[i]) | 0)) | 0)) | 0;
        const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
    }
    state.set([h0, h1, h2, h3, h4, h5, h6, h7]);
  }

  function update(bytes) {
    length += bytes.length;
    let at = 0;
    if (pendingLength > 0) {
      at = Math.min(64 - pendingLength, bytes.length);
      pending.set(bytes.subarray(0, at), pendingLength);
      pendingLength += at;
      if (pendingLength < 64) return;
      compress(pending, 0, 64);
      pendingLength = 0;
    }
    const end = at + Math.floor((bytes.length - at) / 64) * 64;
    compress(bytes, at, end);
    at = end;
    pending.set(bytes.subarray(at), 0);
    pendingLength = bytes.length - at;
  }

  /** The digest as 64 hex digits. The padding: a 1 bit, zeros, and the length in bits as 64 bits. */
  function hex() {
    const bits = length * 8;
    const tail = new Uint8Array(pendingLength < 56 ? 64 : 128);
    tail.set(pending.subarray(0, pendingLength));
    tail[pendingLength] = 0x80;
    const view = new DataView(tail.buffer);
    view.setUint32(tail.length - 8, Math.floor(bits / 2 ** 32));
    view.setUint32(tail.length - 4, bits >>> 0);
    compress(tail, 0, tail.length);
    return [...state].map((word) => (word >>> 0).toString(16).padStart(8, '0')).join('');
  }

  return { update, hex };
}
