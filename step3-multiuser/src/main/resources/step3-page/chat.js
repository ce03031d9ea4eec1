// One conversation per person: the messages, sent over that person's data channel as JSON, and delivery
// receipts: a message is "delivered" once the other page acknowledges it, "not delivered" if they leave first.
import { appendMessage } from '/common/ui.js';

let lastMessageNumber = 0;

/** A new conversation's log, in the page's #conversations, and the messages that wait for a receipt. */
export function openConversation(id) {
  const log = document.createElement('ul');
  log.className = 'log';
  log.dataset.peerId = id;
  log.hidden = true;
  document.getElementById('conversations').append(log);
  return { log, awaitingReceipt: new Map() };
}

export function sendChat(conversation, channel, text) {
  const number = ++lastMessageNumber;
  channel.send(JSON.stringify({ type: 'chat', number, text }));
  const item = appendMessage(conversation.log, 'You', text);
  item.dataset.receipt = 'sent';
  conversation.awaitingReceipt.set(number, item);
}

/** A chat message or a receipt from the peer `name`; true if it was a new message. */
export function receiveChat(conversation, channel, name, message) {
  if (message.type === 'chat' && typeof message.text === 'string') {
    appendMessage(conversation.log, name, message.text);
    channel.send(JSON.stringify({ type: 'receipt', number: message.number }));
    return true;
  }
  if (message.type === 'receipt') {
    const item = conversation.awaitingReceipt.get(message.number);
    if (item) item.dataset.receipt = 'delivered';
    conversation.awaitingReceipt.delete(message.number);
  }
  return false;
}

/** Whether a message went either way in this conversation (notes such as "left the room" do not count). */
export function hasMessages(conversation) {
  return conversation.log.querySelector('li:not(.note)') !== null;
}

/** They left: what they never acknowledged was not delivered. */
export function endConversation(conversation, name) {
  for (const item of conversation.awaitingReceipt.values()) item.dataset.receipt = 'not-delivered';
  conversation.awaitingReceipt.clear();
  const note = document.createElement('li');
  note.className = 'note';
  note.textContent = `${name} left the room.`;
  conversation.log.append(note);
}
