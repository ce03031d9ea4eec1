// Who is at the other end of a peer connection: the fingerprint of the DTLS certificate it presented. A peer's
// claim to have a new id after a server restart is only believed with a proof for that certificate
// (recovery.js, docs/reliability.md).
import { sha256 } from './sha256.js';

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
  const digest = crypto.subtle ? hex(await crypto.subtle.digest('SHA-256', certificate)) : hashed(certificate);
  return `sha-256 ${digest.match(/../g).join(':').toUpperCase()}`;
}

/** "SHA-256 ab:cd" and "sha-256 AB:CD" are the same fingerprint. */
export function sameFingerprint(one, other) {
  return typeof one === 'string' && typeof other === 'string' && one.toUpperCase() === other.toUpperCase();
}

function hex(buffer) {
  return [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

function hashed(buffer) {
  const hash = sha256();
  hash.update(new Uint8Array(buffer));
  return hash.hex();
}
