// The browser side of the signaling protocol (docs/protocol.md): one WebSocket to the server, JSON messages.

/**
 * Opens the signaling WebSocket. `handlers` maps a message type ("welcome", "signal", ...) to a function that
 * receives the message; `onClose` gets the CloseEvent when the connection ends.
 */
export function connectSignaling(path, handlers, onClose) {
  const url = new URL(path, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url);
  socket.addEventListener('message', ({ data }) => {
    const message = JSON.parse(data);
    const handle = handlers[message.type];
    if (handle) {
      handle(message);
    } else {
      console.warn('No handler for signaling message', message.type);
    }
  });
  socket.addEventListener('close', onClose);
  return {
    /** Asks the server to hand `data` ({description} or {candidate}) to the peer with id `to`. */
    signal(to, data) {
      if (socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: 'signal', to, data }));
      }
    },
    close() {
      socket.close();
    },
  };
}
