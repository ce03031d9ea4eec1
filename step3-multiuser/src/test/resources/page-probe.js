// Added to each test page before its own scripts: lets a test observe and steer what the page does.
(() => {
  const probe = {
    connections: 0, offers: 0, sockets: 0, tokensInUrls: 0, holding: false, held: [], dropReceipts: false, fingerprints: 0, certificateLookups: 0, pendingHashes: 0,
    peerConnections: [], channels: [], // in the order the page made them, for a test to act as a hostile peer
    remoteChannels: [], // those the page's peers opened to it
    loseNextFileChannel: false, lostChannels: [], // a file's channel the page never sees, as if lost on its way
    busyOnNextFileChannelMs: 0, // the page's main thread held up that long when a file's channel comes, as by other work
  };
  const peerConnections = probe.peerConnections;
  window.__probe = probe;

  // Count RTCPeerConnections, and offers (a setLocalDescription made from the stable state).
  const NativePeerConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(...args) {
      super(...args);
      probe.connections += 1;
      peerConnections.push(this);
      super.addEventListener('datachannel', (event) => { // before the page's own listener
        probe.remoteChannels.push(event.channel);
        if (probe.loseNextFileChannel && event.channel.label === 'file') {
          probe.loseNextFileChannel = false;
          probe.lostChannels.push(event.channel);
          event.stopImmediatePropagation();
        }
        if (probe.busyOnNextFileChannelMs > 0 && event.channel.label === 'file') {
          const until = performance.now() + probe.busyOnNextFileChannelMs;
          probe.busyOnNextFileChannelMs = 0;
          while (performance.now() < until) { /* a page busy with something else */ }
        }
      });
    }

    setLocalDescription(...args) {
      if (this.signalingState === 'stable') probe.offers += 1;
      return super.setLocalDescription(...args);
    }

    createDataChannel(...args) {
      const channel = super.createDataChannel(...args);
      probe.channels.push(channel);
      return channel;
    }
  };

  // Make every open connection report an ICE failure, as a network change would: only the state is faked.
  probe.failIce = () => {
    for (const pc of peerConnections.filter((each) => each.connectionState === 'connected')) {
      Object.defineProperty(pc, 'iceConnectionState', { get: () => 'failed', configurable: true });
      pc.dispatchEvent(new Event('iceconnectionstatechange'));
      delete pc.iceConnectionState; // the real state again, from the prototype
    }
  };

  // Count the checks of a peer's certificate: each looks the certificate up, then hashes it if there is one. When
  // a test sees a lookup and no hash pending, the check has run: the page resumes before the test's next look.
  const nativeLookup = window.RTCDtlsTransport?.prototype.getRemoteCertificates;
  if (nativeLookup && window.SubtleCrypto) { // neither in a page that is not a secure context
    RTCDtlsTransport.prototype.getRemoteCertificates = function getRemoteCertificates(...args) {
      const certificates = nativeLookup.apply(this, args);
      probe.certificateLookups += 1;
      if (certificates?.length > 0) probe.pendingHashes += 1;
      return certificates;
    };
    const nativeDigest = SubtleCrypto.prototype.digest;
    SubtleCrypto.prototype.digest = async function digest(...args) {
      try {
        return await nativeDigest.apply(this, args);
      } finally {
        probe.pendingHashes = Math.max(0, probe.pendingHashes - 1);
      }
    };
  }

  // Count signaling WebSockets opened; hold incoming signaling messages while probe.holding, to line up two offers for a collision.
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      probe.sockets += 1;
      if (new URL(args[0], location.href).searchParams.get('resume')) probe.tokensInUrls += 1;
      probe.socket = this; // the signaling connection, to send raw frames as a hostile page would
      // Count the proofs of a new id (signals with a fingerprint) that reach the page.
      super.addEventListener('message', ({ data }) => {
        if (String(data).includes('"fingerprint"')) probe.fingerprints += 1;
      });
    }

    addEventListener(type, listener, options) {
      if (type !== 'message') return super.addEventListener(type, listener, options);
      return super.addEventListener(type, (event) => {
        if (probe.holding || probe.held.length > 0) probe.held.push(() => listener.call(this, event));
        else listener.call(this, event);
      }, options);
    }
  };
  probe.release = () => {
    probe.holding = false;
    while (probe.held.length > 0) probe.held.shift()();
  };

  // Swallow delivery and read receipts, as if the page had gone before it could acknowledge.
  const nativeSend = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function send(data) {
    if (probe.dropReceipts && typeof data === 'string' && /"type":"(receipt|read)"/.test(data)) return;
    return nativeSend.call(this, data);
  };
})();
