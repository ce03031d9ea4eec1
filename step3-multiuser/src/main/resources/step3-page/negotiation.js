// MDN's "perfect negotiation" (https://developer.mozilla.org/en-US/docs/Web/API/WebRTC_API/Perfect_negotiation):
// either side may (re)negotiate at any time, even both at once, and the pair still agrees on one session. When
// two offers cross, the impolite side ignores the one it receives and the polite side rolls its own back.

/**
 * Negotiates `pc` with one peer. `polite` must be the opposite on the other side (compare the two ids); it is
 * decided once, with the connection. `signal(data)` sends {description} or {candidate} to that peer. Returns
 * the function that takes what the peer sends.
 */
export function negotiate(pc, { polite, signal, onError }) {
  let makingOffer = false;
  let ignoreOffer = false;

  pc.addEventListener('negotiationneeded', async () => {
    try {
      makingOffer = true;
      await pc.setLocalDescription(); // creates the offer
      signal({ description: pc.localDescription });
    } catch (error) {
      onError(error);
    } finally {
      makingOffer = false;
    }
  });

  pc.addEventListener('icecandidate', ({ candidate }) => signal({ candidate: candidate?.toJSON() ?? null }));

  // A network change under an open connection: restart ICE; the renegotiation goes through negotiationneeded.
  // (A connection that never connected has no route: restarting it would fail again. The page says so.)
  let connected = false;
  pc.addEventListener('iceconnectionstatechange', () => {
    if (pc.iceConnectionState === 'connected') connected = true;
    if (pc.iceConnectionState === 'failed' && connected) pc.restartIce();
  });

  return async function receive({ description, candidate }) {
    if (description) {
      const offerCollision = description.type === 'offer' && (makingOffer || pc.signalingState !== 'stable');
      ignoreOffer = !polite && offerCollision;
      if (ignoreOffer) return; // the impolite side keeps its own offer; the polite side will answer it
      await pc.setRemoteDescription(description); // on a collision, the polite side rolls its offer back here
      if (description.type === 'offer') {
        await pc.setLocalDescription(); // creates the answer
        signal({ description: pc.localDescription });
      }
    } else {
      try {
        await pc.addIceCandidate(candidate);
      } catch (error) {
        // The candidates of an offer we ignored belong to no description we have: failing them is expected.
        if (!ignoreOffer) throw error;
      }
    }
  };
}
