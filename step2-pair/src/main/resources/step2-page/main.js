// Step 2: the signaling server pairs two pages; the newcomer calls the one already waiting.
import { appendMessage, clearError, showError, showState } from '/common/ui.js';
import { noRouteText, watchRoute } from '/common/route.js';

const $ = (id) => document.getElementById(id);
const ROOM_FULL = 4001; // the close code of a refused third user (docs/protocol.md)
let peerId; // the other user's id, while there is one
let pc; // our RTCPeerConnection to them
let channel; // the chat data channel on it
let rtcConfiguration; // STUN and TURN servers, with our own TURN credentials, if the server has any (docs/turn.md)

// The signaling connection: JSON messages, each with a type (docs/protocol.md); one handler per type.
const url = new URL('/signal', location.href);
url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
const socket = new WebSocket(url);

const handlers = {
  welcome: ({ id, peers, rtcConfiguration: servers }) => {
    rtcConfiguration = servers;
    $('my-id').textContent = id;
    if (peers.length > 0) {
      call(peers[0].id).catch(showError);
    } else {
      setStatus('waiting', 'waiting for a peer');
    }
  },
  'peer-joined': ({ peer }) => expectCall(peer.id),
  'peer-left': ({ id }) => {
    if (id === peerId) {
      hangUp();
      setStatus('peer-left', 'your peer left; waiting for the next one');
    }
  },
  signal: ({ from, data }) => receiveSignal(from, data).catch(showError),
  error: ({ code, message }) => showError(`${code}: ${message}`),
};

socket.addEventListener('message', ({ data }) => {
  const message = JSON.parse(data);
  handlers[message.type]?.(message);
});

socket.addEventListener('close', ({ code }) => {
  if (code === ROOM_FULL) {
    setStatus('room-full', 'room full: two people are already chatting here; try again later');
  } else if (channel?.readyState === 'open') {
    setStatus('server-gone', 'the signaling server is gone; this chat goes on without it (reload to meet someone new)');
  } else {
    hangUp();
    setStatus('server-gone', `the signaling server is gone (${code}); reload to try again`);
  }
});

function signal(to, data) {
  socket.send(JSON.stringify({ type: 'signal', to, data }));
}

$('compose').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('text').value;
  if (!text || channel?.readyState !== 'open') return;
  channel.send(text);
  appendMessage($('log'), 'You', text);
  $('text').value = '';
});

// Both sides: one RTCPeerConnection to the peer, whose ICE candidates travel through the server.
function connectTo(id) {
  hangUp();
  clearError();
  peerId = id;
  pc = new RTCPeerConnection(rtcConfiguration);
  const connection = pc;
  pc.addEventListener('icecandidate', ({ candidate }) => signal(id, { candidate: candidate?.toJSON() ?? null }));
  pc.addEventListener('connectionstatechange', () => showState($('connection'), pc.connectionState));
  watchRoute(pc, () => {
    if (connection === pc) setStatus('no-route', noRouteText(id, rtcConfiguration));
  });
  pc.addEventListener('datachannel', ({ channel }) => useChannel(channel));
  showState($('connection'), pc.connectionState);
  setStatus('connecting', `connecting to ${id}`);
  return pc;
}

// The newcomer makes the offer, and creates the data channel so the offer includes it.
async function call(id) {
  const connection = connectTo(id);
  useChannel(connection.createDataChannel('chat'));
  await whileCurrent(connection, async () => {
    await connection.setLocalDescription(); // creates the offer
    signal(id, { description: connection.localDescription });
  });
}

// The user who was waiting answers; its end of the data channel arrives in a 'datachannel' event.
function expectCall(id) {
  connectTo(id);
}

async function receiveSignal(from, { description, candidate }) {
  if (from !== peerId) return; // a late message from a peer that has left
  const connection = pc;
  await whileCurrent(connection, async () => {
    if (description) {
      await connection.setRemoteDescription(description);
      if (description.type === 'offer') {
        await connection.setLocalDescription(); // creates the answer
        signal(from, { description: connection.localDescription });
      }
    } else {
      await connection.addIceCandidate(candidate);
    }
  });
}

// If the peer leaves while a call awaits, hangUp() closes that connection and the call fails: no error then.
async function whileCurrent(connection, steps) {
  try {
    await steps();
  } catch (error) {
    if (connection === pc) throw error;
  }
}

function useChannel(dataChannel) {
  channel = dataChannel;
  const update = () => {
    const open = dataChannel === channel && dataChannel.readyState === 'open';
    $('send').disabled = !open;
    if (open) setStatus('connected', `connected to ${peerId}`);
  };
  dataChannel.addEventListener('open', update);
  dataChannel.addEventListener('close', update);
  dataChannel.addEventListener('message', ({ data }) => appendMessage($('log'), 'Peer', data));
}

function hangUp() {
  channel?.close();
  pc?.close();
  if (pc) showState($('connection'), 'closed');
  pc = channel = peerId = undefined;
  $('send').disabled = true;
}

function setStatus(state, text) {
  showState($('status'), state);
  $('status').textContent = text;
}
