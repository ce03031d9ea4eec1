// One conversation per person: the messages, sent over that person's data channel as JSON, with receipts (a
// message is "sent", then "delivered" once the other page has it, "read" once that page has shown it, or "not
// delivered" if they leave first), and "typing…" while they type.

/** What a message may hold, counted in characters (code points); more from a peer is cut, and said so. */
export const MAX_CHARACTERS = 4000;
/** Messages a conversation shows and keeps: the newest. Older ones go, so a chatty peer cannot fill the page. */
const MAX_MESSAGES = 1000;
/** How long "typing…" stays up after the last sign of typing, and how often a typist says it. */
const TYPING_SHOWN_MS = 4000;
const TYPING_EVERY_MS = 2000;

let lastMessageNumber = 0;

/** A new conversation with `person` (for its name and id): its log in #conversations, and what waits for receipts. */
export function openConversation(id) {
  const log = document.createElement('ul');
  log.className = 'log';
  log.dataset.peerId = id;
  log.setAttribute('aria-live', 'polite'); // new messages are announced: the log alone is a live region,
  log.setAttribute('aria-relevant', 'additions'); // and a receipt that changes is not a new message
  log.hidden = true;
  document.getElementById('conversations').append(log);
  return { log, messages: [], files: 0, byNumber: new Map(), typingUntil: 0, lastTypingSent: 0 };
}

/** Sends `text` to the peer and shows it as ours, "sent" until its receipt comes. */
export function sendChat(conversation, channel, text) {
  const number = ++lastMessageNumber;
  channel.send(JSON.stringify({ type: 'chat', number, text }));
  conversation.lastTypingSent = 0; // the message ends "typing" on the other side: typing again says so at once
  show(conversation, { mine: true, text, at: Date.now(), number, receipt: 'sent' });
}

/**
 * A message from the peer `name` on `channel`: a chat message (shown, as text, and acknowledged), a receipt for one
 * of ours, or a sign of typing. `seen` says whether the conversation is on screen now. Returns true for a new chat
 * message.
 */
export function receiveChat(conversation, channel, name, message, seen) {
  if (message.type === 'chat' && typeof message.text === 'string') {
    const { text, cut } = cutToLimit(message.text);
    const number = Number.isSafeInteger(message.number) ? message.number : undefined;
    conversation.typingUntil = 0;
    show(conversation, { mine: false, name, text, cut, at: Date.now(), number, read: seen });
    sendReceipt(channel, seen ? 'read' : 'delivered', number);
    return true;
  }
  if ((message.type === 'receipt' || message.type === 'read') && Number.isSafeInteger(message.number)) {
    const ours = conversation.byNumber.get(message.number);
    if (ours?.mine && ours.receipt !== 'read') {
      showReceipt(ours, message.type === 'read' ? 'read' : 'delivered');
    }
  } else if (message.type === 'typing') {
    conversation.typingUntil = Date.now() + TYPING_SHOWN_MS;
  }
  return false;
}

/** The conversation is on screen: its peer's messages are read now; tells the peer which (once it can). */
export function markRead(conversation, channel) {
  if (channel?.readyState !== 'open') return;
  for (const message of conversation.messages) {
    if (!message.mine && !message.read) {
      message.read = true;
      sendReceipt(channel, 'read', message.number);
    }
  }
}

/** Says "typing" to the peer, at most every TYPING_EVERY_MS. */
export function sayTyping(conversation, channel) {
  if (channel?.readyState !== 'open' || Date.now() - conversation.lastTypingSent < TYPING_EVERY_MS) return;
  conversation.lastTypingSent = Date.now();
  channel.send(JSON.stringify({ type: 'typing' }));
}

/** Whether the peer typed a moment ago. */
export function isTyping(conversation) {
  return Date.now() < conversation.typingUntil;
}

/** Whether a message or a file went either way in this conversation (notes such as "left the room" do not count). */
export function hasMessages(conversation) {
  return conversation.messages.length > 0 || conversation.files > 0;
}

/** They left: what they never acknowledged was not delivered. */
export function endConversation(conversation, name) {
  for (const message of conversation.messages) {
    if (message.mine && message.receipt === 'sent' && !message.restored) {
      showReceipt(message, 'not-delivered');
    }
  }
  conversation.typingUntil = 0;
  const note = document.createElement('li');
  note.className = 'note';
  note.textContent = `${name} left the room.`;
  conversation.log.append(note);
}

/** The messages to keep over a reload: plain data, without the page's elements. */
export function messagesOf(conversation) {
  return conversation.messages.map(({ item, ...kept }) => kept);
}

/**
 * Shows messages kept from before a reload (what does not look like one is left out). Ours that were still "sent"
 * stay so: their receipts went to the page before the reload, so nobody can say now whether they arrived.
 */
export function restoreMessages(conversation, messages) {
  for (const message of messages) {
    if (typeof message?.text !== 'string' || typeof message.mine !== 'boolean' || !Number.isFinite(message.at)
        || (message.mine && !Number.isSafeInteger(message.number))) continue;
    const { text, cut } = cutToLimit(message.text);
    show(conversation, {
      mine: message.mine, name: String(message.name ?? ''), text, cut: cut || (Number.isSafeInteger(message.cut) ? message.cut : 0),
      at: message.at, number: Number.isSafeInteger(message.number) ? message.number : undefined, read: true,
      receipt: ['sent', 'delivered', 'read', 'not-delivered'].includes(message.receipt) ? message.receipt : 'sent', restored: true,
    });
  }
}

/** `text` cut to MAX_CHARACTERS code points, walking no further than that; and how many UTF-16 units were left out. */
function cutToLimit(text) {
  let units = 0;
  let characters = 0;
  for (const character of text) {
    if (characters === MAX_CHARACTERS) return { text: text.slice(0, units), cut: text.length - units };
    units += character.length;
    characters += 1;
  }
  return { text, cut: 0 };
}

function show(conversation, message) {
  conversation.messages.push(message);
  if (message.mine) conversation.byNumber.set(message.number, message);
  if (message.mine) lastMessageNumber = Math.max(lastMessageNumber, message.number);
  render(message);
  conversation.log.append(message.item);
  if (conversation.messages.length > MAX_MESSAGES) {
    const oldest = conversation.messages.shift();
    oldest.item.remove();
    conversation.byNumber.delete(oldest.number);
  }
  conversation.log.scrollTop = conversation.log.scrollHeight;
}

/** A receipt for one of ours: only its receipt changes (a screen reader does not hear the message again). */
function showReceipt(message, receipt) {
  message.receipt = receipt;
  message.restored = false;
  message.item.dataset.receipt = receipt;
  message.item.querySelector('.receipt').textContent = receipt === 'not-delivered' ? 'not delivered' : receipt;
}

/** Draws one message: who, the text (as text, never HTML), when, and for ours how far it got. */
function render(message) {
  message.item = document.createElement('li');
  const { item } = message;
  item.className = message.mine ? 'mine' : 'theirs';
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = `${message.mine ? 'You' : message.name}:`;
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = message.text;
  const meta = document.createElement('span');
  meta.className = 'meta';
  const time = document.createElement('time');
  time.dateTime = new Date(message.at).toISOString();
  time.textContent = new Date(message.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  meta.append(time);
  if (message.mine) {
    item.dataset.receipt = message.receipt;
    const receipt = document.createElement('span');
    receipt.className = 'receipt';
    receipt.textContent = message.receipt === 'not-delivered' ? 'not delivered' : message.receipt;
    meta.append(' ', receipt);
  }
  item.replaceChildren(who, text, meta);
  if (message.cut) {
    const note = document.createElement('span');
    note.className = 'cut';
    note.textContent = `(cut: ${message.cut} more characters were not shown)`;
    item.append(note);
  }
}

function sendReceipt(channel, kind, number) {
  if (Number.isInteger(number)) channel.send(JSON.stringify({ type: kind === 'read' ? 'read' : 'receipt', number }));
}
