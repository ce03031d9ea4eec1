// Who is at the other end of a peer connection: the fingerprint of the DTLS certificate it presented. A peer's
// claim to have a new id after a server restart is only believed with a proof for that certificate
// (recovery.js, docs/reliability.md).

/** Our own certificate on `pc`, as our local description gives it: "sha-256 AB:CD:...", or undefined. */
export function localFingerprint(pc) {
  return offeredFingerprint(pc?.localDescription?.sdp);
}

/** The certificate a session description names (its first `a=fingerprint`): "sha-256 AB:CD:...", or undefined. */
export function offeredFingerprint(sdp) {
  const match = sdp?.match(/^a=fingerprint:([a-z0-9-]+) ([0-9a-f:]+)\r?$/im);
  return match ? `${match[1].toLowerCase()} ${match[2].toUpperCase()}` : undefined;
}

/**
 * The certificate the other side presented in the DTLS handshake of `pc`, hashed with SHA-256 ("sha-256
 * AB:CD:..."), or undefined if the browser cannot tell. Not the remote description's `a=fingerprint`: a peer may
 * renegotiate with another certificate's fingerprint in its SDP while DTLS goes on with the first certificate.
 */
export async function remoteFingerprint(pc) {
  const certificate = pc?.sctp?.transport?.getRemoteCertificates?.()[0];
  if (!certificate) return undefined;
  // crypto.subtle exists only in secure contexts (https:, or http://127.0.0.1); a page opened over the LAN is not one.
  const digest = crypto.subtle ? new Uint8Array(await crypto.subtle.digest('SHA-256', certificate))
    : sha256(new Uint8Array(certificate));
  return `sha-256 ${[...digest].map((byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
}

/** "SHA-256 ab:cd" and "sha-256 AB:CD" are the same fingerprint. */
export function sameFingerprint(one, other) {
  return typeof one === 'string' && typeof other === 'string' && one.toUpperCase() === other.toUpperCase();
}

// SHA-256 (FIPS 180-4), for pages where crypto.subtle is missing; checked against crypto.subtle by Step3PageTest.
const K = Uint32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2);
const rotr = (x, n) => (x >>> n) | (x << (32 - n));
/** The SHA-256 digest of `bytes` (a Uint8Array), as 32 bytes. */
export function sha256(bytes) {
  const padded = new Uint8Array(Math.ceil((bytes.length + 9) / 64) * 64);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 4, bytes.length * 8); // the length in bits; a certificate is far below 512 MB
  const hash = Uint32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);
  const w = new Uint32Array(64); // Uint32Array wraps every sum to 32 bits
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 64; i++) {
      w[i] = i < 16 ? view.getUint32(block + 4 * i)
        : w[i - 16] + (rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3)) + w[i - 7]
          + (rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10));
    }
    let [a, b, c, d, e, f, g, h] = hash;
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      [h, g, f, e, d, c, b, a] = [g, f, e, (d + t1) >>> 0, c, b, a, (t1 + t2) >>> 0];
    }
    [a, b, c, d, e, f, g, h].forEach((value, i) => { hash[i] += value; });
  }
  const digest = new DataView(new ArrayBuffer(32));
  hash.forEach((value, i) => digest.setUint32(4 * i, value));
  return new Uint8Array(digest.buffer);
}
