// Step 3: everyone in a room sees everyone else. One RTCPeerConnection per pair, reused in both directions,
// negotiated with MDN's "perfect negotiation" so that two people clicking each other at once end up with
// one working connection.
import { appendMessage, showError, showState } from '/common/ui.js';
import { connectSignaling } from './signaling.js';

const $ = (id) => document.getElementById(id);
const people = new Map(); // peer id -> what this page knows about that person (see addPerson)
let myId;
let selected; // the person whose conversation is shown
let lastMessageNumber = 0;

const params = new URLSearchParams(location.search);
$('name-input').value = params.get('name') ?? '';
$('room-input').value = params.get('room') ?? '';
const join = new URLSearchParams();
for (const key of ['room', 'name']) {
  if (params.get(key)) join.set(key, params.get(key));
}

const signaling = connectSignaling(`/signal?${join}`, {
  welcome,
  'peer-joined': ({ peer }) => addPerson(peer),
  'peer-left': ({ id }) => personLeft(id),
  signal: ({ from, data }) => receiveSignal(from, data).catch(showError),
  error: ({ code, message }) => {
    showError(`${code}: ${message}`);
    if (['room-full', 'server-full', 'bad-name', 'bad-room'].includes(code)) {
      setStatus('refused', `not admitted (${code})`);
      signaling.close();
    }
  },
}, ({ code }, delay) => {
  setStatus('reconnecting', `lost the signaling server (${code}); reconnecting in ${Math.round(delay / 1000)} s;`
    + ' open chats keep working');
});

// The first welcome, or a new one after the page reconnected (docs/reliability.md).
function welcome({ id, name, room, peers }) {
  if (myId && id !== myId) {
    movedTo(id); // the server restarted and gave us a new id
  }
  myId = id;
  for (const person of people.values()) person.polite = myId > person.id;
  $('my-name').textContent = name;
  $('my-id').textContent = id;
  $('room-name').textContent = room;
  setStatus('online', 'online');
  const present = new Set(peers.map((peer) => peer.id));
  for (const person of people.values()) {
    if (!present.has(person.id) && !hasOpenChat(person)) personLeft(person.id); // left while we were away
  }
  peers.forEach(addPerson);
}

/**
 * After a server restart everyone has a new id. Open chats go on over their peer connections; each side tells
 * the other its new id over the chat channel, so that the person keeps one entry (see movedPeer). Entries
 * without an open chat are dropped: the new welcome and peer-joined messages list who is there now.
 */
function movedTo(newId) {
  for (const person of people.values()) {
    if (hasOpenChat(person)) {
      person.channel.send(JSON.stringify({ type: 'moved', id: newId }));
    } else {
      forget(person);
    }
  }
}

function hasOpenChat(person) {
  return person.channel?.readyState === 'open';
}

$('compose').addEventListener('submit', (event) => {
  event.preventDefault();
  sendChat(selected, $('text').value);
});

// --- People -------------------------------------------------------------------------------------------

function addPerson({ id, name }) {
  if (people.has(id)) return;
  const item = document.createElement('li');
  item.dataset.peerId = id;
  item.dataset.online = 'true';
  const button = document.createElement('button');
  button.type = 'button';
  const label = document.createElement('span');
  label.className = 'name';
  label.textContent = name;
  const state = document.createElement('span');
  state.className = 'state';
  const badge = document.createElement('span');
  badge.className = 'badge';
  badge.hidden = true;
  button.append(label, state, badge);
  item.append(button);
  $('people').append(item);

  const log = document.createElement('ul');
  log.className = 'log';
  log.dataset.peerId = id;
  log.hidden = true;
  $('conversations').append(log);

  const person = {
    id, name, item, state, badge, log,
    online: true,
    polite: myId > id, // the two sides of a pair always disagree, which is all perfect negotiation needs
    makingOffer: false,
    ignoreOffer: false,
    pc: undefined,
    channel: undefined,
    unread: 0,
    awaitingReceipt: new Map(), // message number -> its <li>, until the peer's page acknowledges it
  };
  people.set(id, person);
  showState(state, 'not connected');
  button.addEventListener('click', () => {
    select(person);
    if (person.online) connectionFor(person);
  });
  $('alone').hidden = true;
}

function personLeft(id) {
  const person = people.get(id);
  if (!person?.online) return;
  person.online = false;
  person.item.dataset.online = 'false';
  person.pc?.close();
  person.pc = undefined;
  person.channel = undefined;
  for (const item of person.awaitingReceipt.values()) item.dataset.receipt = 'not-delivered';
  person.awaitingReceipt.clear();
  showState(person.state, 'offline');
  appendNote(person.log, `${person.name} left the room.`);
  $('alone').hidden = [...people.values()].some((other) => other.online);
  updateConversation();
}

/** A peer we chat with has a new id after a server restart: the same person, under its new id. */
function movedPeer(person, newId) {
  const twin = people.get(newId); // its entry from the new presence list, if that came first
  if (twin && twin !== person) {
    if (selected === twin) select(person);
    forget(twin);
  }
  people.delete(person.id);
  person.id = newId;
  person.polite = myId > newId;
  person.online = true;
  person.item.dataset.peerId = newId;
  person.item.dataset.online = 'true';
  person.log.dataset.peerId = newId;
  people.set(newId, person);
}

/** Removes a person's entry, conversation and connection from the page. */
function forget(person) {
  person.pc?.close();
  people.delete(person.id);
  person.item.remove();
  person.log.remove();
  if (selected === person) selected = undefined;
}

function select(person) {
  selected = person;
  for (const other of people.values()) {
    other.log.hidden = other !== person;
    other.item.classList.toggle('selected', other === person);
  }
  person.unread = 0;
  person.badge.hidden = true;
  $('conversation-title').textContent = `Chat with ${person.name}`;
  updateConversation();
}

function updateConversation() {
  if (!selected) return;
  showState($('conversation-state'), selected.state.dataset.state);
  const open = selected.online && selected.channel?.readyState === 'open';
  $('text').disabled = !open;
  $('send').disabled = !open;
}

// --- One connection per pair, perfect negotiation --------------------------------------------------------

function connectionFor(person) {
  if (person.pc) return person.pc;
  const pc = new RTCPeerConnection(); // one per pair, created on first contact, reused both ways
  person.pc = pc;
  // Both sides create the same pre-negotiated channel (id 0): one channel per pair, whoever calls first.
  useChannel(person, pc.createDataChannel('chat', { negotiated: true, id: 0 }));

  pc.addEventListener('negotiationneeded', async () => {
    try {
      person.makingOffer = true;
      await pc.setLocalDescription(); // creates the offer
      signaling.signal(person.id, { description: pc.localDescription });
    } catch (error) {
      showError(error);
    } finally {
      person.makingOffer = false;
    }
  });
  pc.addEventListener('icecandidate', ({ candidate }) => {
    signaling.signal(person.id, { candidate: candidate?.toJSON() ?? null });
  });
  pc.addEventListener('connectionstatechange', () => {
    showState(person.state, pc.connectionState);
    updateConversation();
  });
  pc.addEventListener('iceconnectionstatechange', () => {
    if (pc.iceConnectionState === 'failed') pc.restartIce();
  });
  showState(person.state, 'connecting');
  return pc;
}

async function receiveSignal(from, { description, candidate }) {
  const person = people.get(from);
  if (!person?.online) return;
  const pc = connectionFor(person);
  if (description) {
    const offerCollision = description.type === 'offer' && (person.makingOffer || pc.signalingState !== 'stable');
    person.ignoreOffer = !person.polite && offerCollision;
    if (person.ignoreOffer) return; // the impolite side keeps its own offer; the polite side will answer it
    await pc.setRemoteDescription(description); // on a collision, the polite side rolls back its offer here
    if (description.type === 'offer') {
      await pc.setLocalDescription(); // creates the answer
      signaling.signal(from, { description: pc.localDescription });
    }
  } else {
    try {
      await pc.addIceCandidate(candidate);
    } catch (error) {
      if (!person.ignoreOffer) throw error; // candidates of an ignored offer may fail
    }
  }
}

// --- Chat messages and delivery receipts, over the data channel --------------------------------------------

function useChannel(person, channel) {
  person.channel = channel;
  channel.addEventListener('open', updateConversation);
  channel.addEventListener('close', updateConversation);
  channel.addEventListener('message', ({ data }) => receiveChat(person, data));
}

function sendChat(person, text) {
  if (!text || !person?.online || person.channel?.readyState !== 'open') return;
  const number = ++lastMessageNumber;
  person.channel.send(JSON.stringify({ type: 'chat', number, text }));
  const item = appendMessage(person.log, 'You', text);
  item.dataset.receipt = 'sent';
  person.awaitingReceipt.set(number, item);
  $('text').value = '';
}

function receiveChat(person, data) {
  let message;
  try {
    message = JSON.parse(data);
  } catch {
    return; // not from this page's code: ignore it
  }
  if (message.type === 'chat' && typeof message.text === 'string') {
    appendMessage(person.log, person.name, message.text);
    person.channel.send(JSON.stringify({ type: 'receipt', number: message.number }));
    if (person !== selected) {
      person.unread += 1;
      person.badge.textContent = String(person.unread);
      person.badge.hidden = false;
    }
  } else if (message.type === 'moved' && typeof message.id === 'string') {
    movedPeer(person, message.id);
  } else if (message.type === 'receipt') {
    const item = person.awaitingReceipt.get(message.number);
    if (item) item.dataset.receipt = 'delivered';
    person.awaitingReceipt.delete(message.number);
  }
}

function appendNote(log, text) {
  const item = document.createElement('li');
  item.className = 'note';
  item.textContent = text;
  log.append(item);
}

function setStatus(state, text) {
  showState($('status'), state);
  $('status').textContent = text;
}
