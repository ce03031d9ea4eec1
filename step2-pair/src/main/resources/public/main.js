// Step 2: the signaling server pairs two pages; the newcomer calls the one already waiting.
import { appendMessage, clearError, showError, showState } from '/common/ui.js';
import { connectSignaling } from '/common/signaling.js';

const $ = (id) => document.getElementById(id);
let peerId; // the other user's id, while there is one
let pc; // our RTCPeerConnection to them
let channel; // the chat data channel on it

const signaling = connectSignaling('/signal', {
  welcome: ({ id, peers }) => {
    $('my-id').textContent = id;
    if (peerId && peers.some((peer) => peer.id === peerId)) {
      setStatus('connected', `connected to ${peerId}`); // back after a drop, with the same id and peer
    } else if (peers.length > 0) {
      call(peers[0].id).catch(showError);
    } else if (channel?.readyState === 'open') {
      // The server restarted and forgot us both: keep chatting until the peer is back and calls again.
      setStatus('connected', 'connected; the signaling server restarted, waiting for your peer to return');
    } else {
      hangUp();
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
  error: ({ code, message }) => {
    showError(`${code}: ${message}`);
    if (code === 'room-full') {
      setStatus('room-full', 'room full');
      signaling.close(); // the server would close it in a moment anyway
    }
  },
}, ({ code }, delay) => {
  setStatus('reconnecting', `lost the signaling server (${code}); reconnecting in ${Math.round(delay / 1000)} s`
    + (channel?.readyState === 'open' ? '; the chat keeps working' : ''));
});

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
  pc = new RTCPeerConnection();
  pc.addEventListener('icecandidate', ({ candidate }) => signaling.signal(id, { candidate: candidate?.toJSON() ?? null }));
  pc.addEventListener('connectionstatechange', () => showState($('connection'), pc.connectionState));
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
    signaling.signal(id, { description: connection.localDescription });
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
        signaling.signal(from, { description: connection.localDescription });
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
