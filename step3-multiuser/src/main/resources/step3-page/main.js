// Step 3: everyone in a room sees everyone else. One RTCPeerConnection per pair, reused in both directions,
// negotiated with MDN's "perfect negotiation" (negotiation.js) so that two people clicking each other at once
// end up with one working connection.
import { showError, showState } from '/common/ui.js';
import { noRouteText, watchRoute } from '/common/route.js';
import { connectSignaling } from './signaling.js';
import { negotiate } from './negotiation.js';
import {
  addToList, removeFromList, showConnection, showNameAndTag, showOnline, showPresence, showSelected, showUnread,
} from './people.js';
import {
  endConversation, hasMessages, isTyping, markRead, messagesOf, openConversation, receiveChat, restoreMessages,
  sayTyping, sendChat,
} from './chat.js';
import { announceNewId, checkMoves, takeNewId } from './recovery.js';
import { offeredFingerprint } from './fingerprints.js';
import { endTransfers, FILE_LIMIT, formatBytes, receiveFile, releaseFiles, sendFile } from './files.js';
import { keepOnLeaving, keptConversations, takeResumeToken } from './session.js';

const $ = (id) => document.getElementById(id);
/**
 * Everyone this page knows, by id: { id, name, online, item, conversation, unread, pc, channel, receive, noRoute,
 * tryAgain, transfers }.
 */
const people = new Map();
/** Those of `people` who left and whose conversation we keep, oldest first: at most MAX_DEPARTED. */
const departed = [];
const MAX_DEPARTED = 20;
/** A name and a room may have this many characters, counted as the server counts them (an emoji is one). */
const MAX_CHARACTERS = { 'name-input': 32, 'room-input': 64 };
/** A chat frame longer than this is not from this page's code (which sends at most 4,000 characters): ignored unread. */
const MAX_FRAME_CHARS = 256 * 1024;
/** Where a phone's layout begins (step3.css has the same width). */
const PHONE = matchMedia('(max-width: 40rem)');
let myId;
let roomName;
let online = false; // whether we have our id from the server that is there now
let selected; // the person whose conversation is shown
let rtcConfiguration; // STUN and TURN servers, with our own TURN credentials, if the server has any (docs/turn.md)

const params = new URLSearchParams(location.search);
$('name-input').value = params.get('name') ?? '';
$('room-input').value = params.get('room') ?? '';
const join = new URLSearchParams();
for (const key of ['room', 'name']) {
  if (params.get(key)) join.set(key, params.get(key));
}
const requestedRoom = (params.get('room') ?? '').trim() || 'lobby';
const takenToken = takeResumeToken(requestedRoom);
$('file-hint').textContent = `Attach or drop files up to ${formatBytes(FILE_LIMIT)}: they go straight to them.`;
if (params.get('max-file-mib')) $('join').append(hiddenInput('max-file-mib', params.get('max-file-mib')));

const signaling = connectSignaling(`/signal?${join}`, {
  welcome,
  'peer-joined': ({ peer }) => addPerson(peer),
  'peer-left': ({ id }) => personLeft(id),
  signal: ({ from, data }) => {
    if ('fingerprint' in data) moves.proved(from, data.fingerprint); // proves a new id: never a connection
    else receiveSignal(from, data).catch(showError);
  },
  error: ({ code, message }) => {
    showError(`${code}: ${message}`);
    if (['room-full', 'server-full', 'bad-name', 'bad-room'].includes(code)) {
      document.body.dataset.state = 'refused';
      setStatus('refused', `not admitted (${code}): try another name or room above`);
      signaling.close();
    }
  },
}, ({ code }, delay) => {
  online = false;
  setStatus('reconnecting', `lost the signaling server (${code}); reconnecting in ${Math.round(delay / 1000)} s;`
    + ' open chats keep working');
}, takenToken);

// A reload keeps this page's id and its conversations (session.js). Before its first welcome the page has only
// the token it took: that goes back as it was, and what was kept of the conversations stays kept.
keepOnLeaving(() => (myId ? {
  room: roomName,
  myId,
  token: signaling.resumeToken(),
  conversations: [...people.values()].filter((person) => hasMessages(person.conversation) || hasOpenChat(person))
    .map((person) => ({ id: person.id, name: person.name, messages: messagesOf(person.conversation) })),
} : { room: requestedRoom, token: signaling.resumeToken() }));

// The first welcome, or a new one after the page reconnected (docs/reliability.md).
function welcome({ id, name, room, peers, rtcConfiguration: servers }) {
  rtcConfiguration = servers;
  for (const person of people.values()) renewCredentials(person.pc); // new ones come with every welcome
  const first = !myId;
  const restarted = myId && id !== myId;
  if (restarted) {
    announceNewId(people, id).forEach(forget); // the server restarted and gave us a new id
  }
  myId = id;
  roomName = room;
  online = true;
  $('my-name').textContent = name;
  $('my-id').textContent = id;
  $('room-name').textContent = room;
  setStatus('online', 'online');
  const present = new Set(peers.map((peer) => peer.id));
  for (const person of people.values()) {
    if (!present.has(person.id) && !hasOpenChat(person)) personLeft(person.id); // left while we were away
  }
  peers.forEach(addPerson);
  if (first) resumeConversations(keptConversations(room, id));
  if (restarted) moves.ourIdChanged();
}

/** This page was reloaded and got its id back: its conversations with those still here, which reconnect by themselves. */
function resumeConversations(kept) {
  for (const [id, { messages }] of kept) {
    const person = people.get(id);
    if (!person) continue; // they left meanwhile
    restoreMessages(person.conversation, messages);
    connectionFor(person);
  }
}

// A peer's new id, told over its chat channel, is believed only once proven (recovery.js).
const moves = checkMoves({
  signal: (to, data) => signaling.signal(to, data),
  isOnline: () => online,
  proven: movedPeer,
});

// --- The page's controls ------------------------------------------------------------------------------------

$('compose').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('text').value;
  if (!text.trim() || !canSend()) return;
  sendChat(selected.conversation, selected.channel, text);
  $('text').value = '';
});

// Files go on channels of their own (files.js), attached with the button or dropped on the conversation.
$('attach').addEventListener('click', () => $('file-input').click());
$('file-input').addEventListener('change', () => {
  sendFiles($('file-input').files);
  $('file-input').value = ''; // the same file may be sent again
});
const conversationPanel = document.querySelector('.conversation');
const carriesFiles = (event) => event.dataTransfer?.types.includes('Files');
conversationPanel.addEventListener('dragover', (event) => {
  if (!carriesFiles(event) || !canSend()) return;
  event.preventDefault(); // this is where files may be dropped
  event.dataTransfer.dropEffect = 'copy';
  conversationPanel.classList.add('dropping');
});
conversationPanel.addEventListener('dragleave', () => conversationPanel.classList.remove('dropping'));
conversationPanel.addEventListener('drop', (event) => {
  if (!carriesFiles(event)) return; // text dropped in the message box goes in as text
  event.preventDefault();
  conversationPanel.classList.remove('dropping');
  sendFiles(event.dataTransfer.files);
});
// Files dropped anywhere else are not opened in place of the page (and its conversations), and the page says why.
addEventListener('dragover', (event) => {
  if (carriesFiles(event)) event.preventDefault();
});
addEventListener('drop', (event) => {
  if (!carriesFiles(event) || event.defaultPrevented) return;
  event.preventDefault();
  showError('To send files, drop them on a conversation with someone connected.');
});

function sendFiles(files) {
  if (!canSend()) {
    showError('To send files, pick someone connected first.');
    return;
  }
  for (const file of files) sendFile(selected, file);
}

function canSend() {
  return Boolean(selected?.online) && hasOpenChat(selected);
}

$('text').addEventListener('input', () => {
  if (selected && $('text').value) sayTyping(selected.conversation, selected.channel);
});

for (const [id, max] of Object.entries(MAX_CHARACTERS)) {
  $(id).addEventListener('input', (event) => {
    if (event.isComposing) return; // an input method is still composing: wait for its text
    const characters = [...$(id).value];
    if (characters.length > max) $(id).value = characters.slice(0, max).join('');
  });
}

// Joining another room leaves this one now, rather than as a page that may come back.
$('join').addEventListener('submit', () => signaling.close());

// A page that goes away (closed, reloaded) hangs up its connections, so that its peers know now, not once ICE gives
// up on it: their files on the way end at once, and they see it reconnecting. (After keepOnLeaving's listener,
// added above, which keeps the conversations with an open chat.) A page kept in the back-forward cache keeps them.
addEventListener('pagehide', ({ persisted }) => {
  if (!persisted) people.forEach(hangUp);
});

// On a phone the list and a conversation take turns: Back (or Escape) returns to the list.
$('back').addEventListener('click', showPeople);
addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !event.isComposing && PHONE.matches && document.body.dataset.view === 'conversation') {
    showPeople();
  }
});
document.addEventListener('visibilitychange', () => {
  if (selected && onScreen(selected)) {
    markRead(selected.conversation, selected.channel);
    selected.unread = 0;
    showUnread(selected.item, 0);
  }
});

// --- People ---------------------------------------------------------------------------------------------

function addPerson({ id, name }) {
  if (people.has(id)) return;
  const person = { id, name, online: true, unread: 0, conversation: openConversation(id), transfers: new Set() };
  person.item = addToList({ id, name }, () => pick(person));
  people.set(id, person);
}

function pick(person) {
  select(person);
  document.body.dataset.view = 'conversation'; // on a phone, the conversation takes the screen
  // Ready to type. Once the conversation is drawn: on a phone it has just replaced the list, with the button clicked.
  requestAnimationFrame(() => {
    if (selected === person && !$('compose').hidden) $('text').focus();
  });
  if (!person.online) return;
  connectionFor(person);
  if (person.noRoute) { // try again: the network, or the TURN server, may be back
    person.noRoute = false;
    person.tryAgain();
    showConnection(person.item, 'connecting');
    updateConversation();
  }
}

/**
 * They left. Someone we never exchanged a message with disappears from the list; a conversation stays readable
 * (struck through), but only the last MAX_DEPARTED of them, so people coming and going cannot fill the page.
 */
function personLeft(id) {
  const person = people.get(id);
  if (!person?.online) return;
  person.online = false;
  endTransfers(person, `${person.name} left`);
  person.pc?.close();
  person.pc = person.channel = undefined;
  moves.drop(person);
  if (!hasMessages(person.conversation)) {
    forget(person);
    return;
  }
  showOnline(person.item, person.id, false);
  endConversation(person.conversation, person.name);
  updateConversation();
  departed.push(person);
  if (departed.length > MAX_DEPARTED) forget(departed[0]);
}

/** Removes a person's entry, conversation and connection from the page. */
function forget(person) {
  endTransfers(person, `${person.name} left`);
  releaseFiles(person.conversation);
  person.pc?.close();
  moves.drop(person);
  people.delete(person.id);
  if (departed.includes(person)) departed.splice(departed.indexOf(person), 1);
  removeFromList(person.item);
  person.conversation.log.remove();
  if (selected === person) {
    selected = undefined;
    $('conversation-title').textContent = 'Pick someone to chat with';
    showPeople();
    updateConversation();
    $('people').querySelector('button')?.focus(); // its entry, and the focus with it, is gone
  }
}

function select(person) {
  selected = person;
  for (const other of people.values()) {
    other.conversation.log.hidden = other !== person;
    showSelected(other.item, other === person);
  }
  person.unread = 0;
  showUnread(person.item, 0);
  markRead(person.conversation, person.channel);
  showNameAndTag($('conversation-title'), `Chat with ${person.name}`, person.id);
  updateConversation();
}

function showPeople() {
  document.body.dataset.view = 'people';
  selected?.item.querySelector('button').focus();
}

/** Whether their conversation is in front of the user now: then what they send is read as it arrives. */
function onScreen(person) {
  return person === selected && document.visibilityState === 'visible'
    && (document.body.dataset.view === 'conversation' || !PHONE.matches);
}

function updateConversation() {
  $('empty').hidden = Boolean(selected);
  $('compose').hidden = !selected?.online;
  $('file-hint').hidden = $('compose').hidden;
  if (!selected) {
    showState($('conversation-state'), '', '');
    showTyping();
    return;
  }
  if (selected.noRoute) {
    showState($('conversation-state'), 'no-route', noRouteText(selected.name, rtcConfiguration));
  } else {
    showState($('conversation-state'), selected.item.querySelector('.state').dataset.state);
  }
  $('text').disabled = !selected.online;
  $('send').disabled = !canSend();
  $('attach').disabled = !canSend();
  showTyping();
}

/** "Bob is typing…" while the selected person types, and gone TYPING_SHOWN_MS after their last sign of it. */
let typingTimer;
function showTyping() {
  clearTimeout(typingTimer);
  const typing = Boolean(selected) && isTyping(selected.conversation);
  $('typing').hidden = !typing;
  $('typing').textContent = typing ? `${selected.name} is typing…` : '';
  if (typing) typingTimer = setTimeout(showTyping, selected.conversation.typingUntil - Date.now() + 50);
}

function hasOpenChat(person) {
  return person.channel?.readyState === 'open';
}

// --- One connection per pair, created on first contact from either side -----------------------------------

function connectionFor(person) {
  if (person.pc) return person.pc;
  const pc = new RTCPeerConnection(rtcConfiguration);
  person.pc = pc;
  person.receive = negotiate(pc, {
    polite: myId > person.id, // the two sides of a pair always disagree, which is all it needs
    signal: (data) => signaling.signal(person.id, data),
    onError: showError,
  });
  // Both sides create the same pre-negotiated channel (id 0): one channel per pair, whoever calls first.
  useChannel(person, pc.createDataChannel('chat', { negotiated: true, id: 0 }));
  // Every other channel is a file they send, one channel per file (files.js).
  pc.addEventListener('datachannel', ({ channel }) => receiveFile(person, channel));
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'connected') {
      person.noRoute = false;
      showPresence(person.item, 'online');
    } else if (pc.connectionState === 'disconnected' && person.online) {
      showPresence(person.item, 'reconnecting'); // their page or their network went away: it may come back
    }
    endTransfersIfLost(person, pc);
    showConnection(person.item, person.noRoute ? 'no route' : pc.connectionState);
    updateConversation();
  });
  person.tryAgain = watchRoute(pc, () => {
    person.noRoute = true;
    showConnection(person.item, 'no route');
    updateConversation();
  });
  showConnection(person.item, 'connecting');
  return pc;
}

/**
 * Files on their way end when the connection fails, or stays disconnected for LOST_AFTER_MS: a blip passes, a page
 * that went without a word (a Chromium page closing, for Firefox) does not come back. A file ended so is sent again
 * by hand: a transfer does not go on over another connection.
 */
const LOST_AFTER_MS = 5000;
function endTransfersIfLost(person, pc) {
  const lost = () => {
    if (person.pc === pc && ['disconnected', 'failed'].includes(pc.connectionState)) {
      endTransfers(person, `the connection to ${person.name} was lost`);
    }
  };
  if (pc.connectionState === 'failed') lost();
  else if (pc.connectionState === 'disconnected') setTimeout(lost, LOST_AFTER_MS);
}

/** TURN credentials expire: a connection restarted later (say, after a network change) uses the newest ones. */
function renewCredentials(pc) {
  if (!pc || pc.connectionState === 'closed') return;
  try {
    pc.setConfiguration({ ...pc.getConfiguration(), iceServers: rtcConfiguration?.iceServers ?? [] });
  } catch (error) {
    console.warn('Could not renew the TURN credentials of a connection', error);
  }
}

async function receiveSignal(from, data) {
  const person = people.get(from);
  if (!person?.online) return;
  // Only an offer starts a connection. An answer or a candidate with no connection of ours to go to was meant for
  // this page before a reload (the server kept it for the id while the page was away): nothing to answer.
  if (!person.pc && !data.description) return;
  if (!person.pc && data.description.type !== 'offer') return;
  if (data.description?.type === 'offer' && isFromAnotherPage(person.pc, data.description)) {
    hangUp(person); // they reloaded their page: a new page, with a new connection
  }
  connectionFor(person);
  await person.receive(data);
}

/**
 * Whether an offer comes from another page than the one our connection reaches: same id (the server says so),
 * another certificate, and our connection to them is down. A page reloaded within the grace period keeps its id,
 * not its connections. A connection that is up keeps its certificate: an offer on it that names another is a
 * renegotiation, which DTLS settles (recovery.js checks the certificate it presents, not the one an SDP names).
 */
function isFromAnotherPage(pc, offer) {
  const known = offeredFingerprint(pc?.remoteDescription?.sdp);
  return known !== undefined && known !== offeredFingerprint(offer.sdp) && pc.connectionState !== 'connected';
}

/** Their page went away (reloaded, or closed): our connection to it is of no more use. */
function hangUp(person) {
  endTransfers(person, `the connection to ${person.name} closed`);
  person.pc?.close();
  person.pc = person.channel = undefined;
  person.noRoute = false;
  showConnection(person.item, 'not connected');
  updateConversation();
}

// --- What arrives on a chat channel: messages, receipts, typing, and a peer's new id after a restart -------

function useChannel(person, channel) {
  person.channel = channel;
  channel.addEventListener('open', () => {
    showPresence(person.item, 'online');
    updateConversation();
  });
  channel.addEventListener('close', () => {
    if (person.channel !== channel || !person.online || people.get(person.id) !== person) return;
    // Their page went away while they are still in the room: a reload comes back in a moment, a closed tab leaves.
    showPresence(person.item, 'reconnecting');
    hangUp(person);
  });
  channel.addEventListener('message', ({ data }) => {
    if (typeof data !== 'string' || data.length > MAX_FRAME_CHARS) return; // not from this page's code
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return; // not from this page's code: ignore it
    }
    if (message?.type === 'moved' && typeof message.id === 'string') {
      if (message.id !== myId) moves.claimed(person, message.id); // pending until proven
    } else if (receiveChat(person.conversation, channel, person.name, message ?? {}, onScreen(person))) {
      if (!onScreen(person)) {
        person.unread += 1;
        showUnread(person.item, person.unread);
      }
      updateConversation();
    } else if (message?.type === 'typing' && person === selected) {
      showTyping();
    }
  });
}

function movedPeer(person, newId) {
  takeNewId(people, person, newId, (twin) => {
    if (selected === twin) select(person);
    forget(twin);
  });
  person.online = true;
  person.conversation.log.dataset.peerId = newId;
  showOnline(person.item, newId, true);
  if (selected === person) select(person); // the heading shows the new id's tag
}

function hiddenInput(name, value) {
  const input = document.createElement('input');
  input.type = 'hidden';
  input.name = name;
  input.value = value;
  return input;
}

function setStatus(state, text) {
  showState($('status'), state);
  $('status').textContent = text;
}
