// Whether a peer connection finds a route to the peer at all (docs/turn.md). Without this, a connection that
// cannot be made sits in "checking" for ever: Chromium never fails a connection that never had a candidate pair.

/** Not connected by then: no route, whatever the ICE state says. */
const NO_ROUTE_AFTER_MS = 30_000;

/**
 * Watches `pc` until it first connects, and calls `onNoRoute()` if it cannot: ICE failed, or this side gathered no
 * candidate at all (with iceTransportPolicy "relay": the TURN server refused the credentials or did not answer),
 * or nothing connected within NO_ROUTE_AFTER_MS. Returns `tryAgain()`, which restarts ICE and watches again.
 */
export function watchRoute(pc, onNoRoute) {
  let candidates = 0;
  let timer;
  let settled = false; // connected, or said there is no route
  const noRoute = () => {
    clearTimeout(timer);
    if (settled || pc.connectionState === 'closed') return;
    settled = true;
    onNoRoute();
  };
  const watch = () => {
    settled = false;
    clearTimeout(timer);
    timer = setTimeout(noRoute, NO_ROUTE_AFTER_MS);
  };
  pc.addEventListener('icecandidate', ({ candidate }) => {
    if (candidate?.candidate) candidates += 1;
  });
  pc.addEventListener('icegatheringstatechange', () => {
    if (pc.iceGatheringState === 'gathering') candidates = 0;
    if (pc.iceGatheringState === 'complete' && candidates === 0) noRoute();
  });
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'connected' || pc.connectionState === 'closed') {
      settled = true;
      clearTimeout(timer);
    }
    if (pc.connectionState === 'failed') noRoute();
  });
  watch();
  return function tryAgain() {
    watch();
    pc.restartIce();
  };
}

/** What to tell the user when there is no route to `name`; `rtcConfiguration` is the one the welcome gave. */
export function noRouteText(name, rtcConfiguration) {
  const relayed = rtcConfiguration?.iceServers?.some(({ urls }) => [urls].flat().some((url) => url.startsWith('turn')));
  return relayed
    ? `could not connect to ${name}: no route, even through the relay`
    : `could not connect to ${name}: no route between you, and this server offers no relay (docs/turn.md)`;
}
