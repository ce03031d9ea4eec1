// The browser side of the signaling protocol (docs/protocol.md): one WebSocket to the server, JSON messages,
// and reconnecting after a drop or a server restart (docs/reliability.md).

/** The first retry waits about this long; each next one twice as long, up to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10_000;
/** Signals sent while the server is away wait for it, up to this many. */
const MAX_WAITING_SIGNALS = 200;

/**
 * Opens the signaling WebSocket, and opens it again whenever it closes until `close()` is called. `handlers`
 * maps a message type ("welcome", "signal", ...) to a function that receives the message. `onReconnecting`
 * gets the CloseEvent and the delay before the next try.
 *
 * After a drop the page comes back with the welcome's resume token (each works once; every welcome brings a
 * new one): within the server's grace period it gets the same id again (its peers see nothing), after a server
 * restart a new one. Either way the page gets a new welcome with who is there now. `resumeToken` is a token
 * this page had before it was reloaded (session.js), if any: the first connection comes back with it.
 */
export function connectSignaling(path, handlers, onReconnecting, resumeToken) {
  let socket;
  let id;
  let failedTries = 0;
  let retry;
  let closed = false;
  let waitingSignals = [];

  function open() {
    const url = new URL(path, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    // The token goes in the first message, not in the URL: proxies keep URLs in their logs.
    if (resumeToken) url.searchParams.set('resume', '');
    const token = resumeToken;
    socket = new WebSocket(url);
    if (token) socket.addEventListener('open', ({ target }) => target.send(JSON.stringify({ type: 'resume', token })));
    socket.addEventListener('message', ({ data }) => receive(JSON.parse(data)));
    socket.addEventListener('close', (event) => {
      if (closed) return;
      const delay = backoff(failedTries++);
      retry = setTimeout(open, delay);
      onReconnecting(event, delay);
    });
  }

  function receive(message) {
    if (message.type === 'welcome') {
      failedTries = 0;
      resumeToken = message.resume;
      const resumed = message.id === id;
      id = message.id;
      // Signals queued while away were for this id's peers; after a restart, those ids mean nothing.
      const queued = resumed ? waitingSignals : [];
      waitingSignals = [];
      handle(message);
      queued.forEach((text) => socket.send(text));
      return;
    }
    handle(message);
  }

  function handle(message) {
    const handler = handlers[message.type];
    if (handler) {
      handler(message);
    } else {
      console.warn('No handler for signaling message', message.type);
    }
  }

  open();
  return {
    /** Asks the server to hand `data` ({description} or {candidate}) to the peer with id `to`. */
    signal(to, data) {
      const text = JSON.stringify({ type: 'signal', to, data });
      if (socket.readyState === WebSocket.OPEN) {
        socket.send(text);
      } else if (waitingSignals.length < MAX_WAITING_SIGNALS) {
        waitingSignals.push(text);
      }
    },
    /** The token a new connection would resume with (session.js keeps it over a reload); none once closed. */
    resumeToken() {
      return closed ? undefined : resumeToken;
    },
    /** Closes the connection for good (the server refused this page, or the user leaves for another room). */
    close() {
      closed = true;
      clearTimeout(retry);
      socket.close();
    },
  };
}

/**
 * Exponential backoff with jitter: a random delay between half and all of RETRY_FIRST_MS * 2^tries (at most
 * RETRY_MAX_MS), so that after a server restart its thousands of pages do not all come back at once.
 */
function backoff(tries) {
  const ceiling = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** tries);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
