// Files, peer to peer (docs/files.md). Each file gets a data channel of its own on the pair's connection:
// createDataChannel on a connection that is up announces the channel to the other side in-band, with no offer and
// no server. So a file never waits in the chat channel's queue, and a chat message never waits behind a file.
//
// On a file's channel the sender sends a header {type: 'file', name, size, mime} (JSON text), the file in binary
// chunks of at most 16 KiB, then {type: 'end', sha256}. The receiver answers {type: 'received'} once the SHA-256
// of what came matches, or {type: 'damaged'}; or {type: 'refused', limit} if the file is over its page's limit.
// Either side may send {type: 'cancel'}. Whoever sends the last word closes the channel once it is sent.
import { sha256 } from './sha256.js';

/** Bytes in one message: Chromium and Firefox both deliver a message this size whole, to each other too. */
export const CHUNK_BYTES = 16 * 1024;
/** The most a sender queues on a file's channel (its bufferedAmount), whatever the file's size. */
export const MOST_QUEUED = 1024 * 1024;
/** The sender reads the file this much at a time, once the channel has room for it under MOST_QUEUED; */
const READ_BYTES = 256 * 1024;
/** when it has not, it waits until the channel has sent all but LOW_WATER (the bufferedamountlow event). */
const LOW_WATER = 256 * 1024;
/** The receiver folds the chunks that came into a Blob every FOLD_BYTES (a browser may keep a large Blob on disk). */
const FOLD_BYTES = 8 * 1024 * 1024;
/** The largest file a page sends or takes, unless its address says ?max-file-mib=N. */
const DEFAULT_LIMIT = 2 * 1024 ** 3;
/** Files one person may be sending us at once; more are refused. */
const MAX_INCOMING = 8;
/** Text messages on a file's channel are short; a longer one is not from this page's code. */
const MAX_CONTROL_CHARS = 4096;
const MAX_NAME_CHARACTERS = 255;
const MAX_TYPE_CHARACTERS = 100;
/** How often a progress bar moves. */
const PROGRESS_EVERY_MS = 100;

/** The largest file this page sends or takes: 2 GiB, or `max-file-mib` MiB from the page's address. */
export function fileLimit(params) {
  const mib = Number(params.get('max-file-mib'));
  return Number.isSafeInteger(mib) && mib > 0 ? mib * 1024 ** 2 : DEFAULT_LIMIT;
}

/**
 * Sends `file` to `peer` ({ name, pc, conversation, transfers }, whose chat channel is open) on a channel of its
 * own, and shows how far it got in their conversation.
 */
export function sendFile(peer, file, limit) {
  const transfer = newTransfer(peer, { mine: true, name: file.name, size: file.size, mime: file.type });
  if (file.size > limit) {
    transfer.end('refused', `not sent: this page sends files up to ${formatBytes(limit)}`);
    return;
  }
  const channel = peer.pc.createDataChannel('file'); // reliable and ordered, like the chat channel
  channel.binaryType = 'arraybuffer';
  channel.bufferedAmountLowThreshold = LOW_WATER;
  transfer.channel = channel;
  transfer.show('waiting', `waiting for ${peer.name}…`);

  let wake = () => {}; // the sender waits for one of these: the queue is low again, or the channel closed
  channel.addEventListener('bufferedamountlow', () => wake());
  /** Backpressure: waits until the channel has room for `bytes` more. False if the transfer ended meanwhile. */
  async function roomFor(bytes) {
    while (channel.bufferedAmount + bytes > MOST_QUEUED) {
      transfer.progress(queued - channel.bufferedAmount);
      await new Promise((resolve) => { wake = resolve; });
      if (transfer.ended) return false;
    }
    return true;
  }
  let queued = 0; // bytes handed to the channel (the header and the last word aside): bufferedAmount are not sent yet

  channel.addEventListener('open', async () => {
    if (transfer.ended) return; // cancelled before the channel opened
    const hash = sha256();
    try {
      const header = { type: 'file', name: cut(file.name, MAX_NAME_CHARACTERS), size: file.size, mime: cut(file.type, MAX_TYPE_CHARACTERS) };
      channel.send(JSON.stringify(header));
      transfer.progress(0, 'sending');
      while (queued < file.size) {
        if (!await roomFor(READ_BYTES)) return;
        const block = new Uint8Array(await file.slice(queued, queued + READ_BYTES).arrayBuffer());
        if (transfer.ended) return;
        if (block.length === 0) throw new Error('the file got shorter while it was being sent');
        for (let at = 0; at < block.length; at += CHUNK_BYTES) {
          const chunk = block.subarray(at, at + CHUNK_BYTES);
          hash.update(chunk);
          channel.send(chunk);
        }
        queued += block.length;
        transfer.progress(queued - channel.bufferedAmount);
      }
      const end = JSON.stringify({ type: 'end', sha256: hash.hex() });
      if (!await roomFor(end.length)) return;
      channel.send(end);
      transfer.progress(queued - channel.bufferedAmount, 'checking', `sent; ${peer.name} is checking it…`);
    } catch (error) {
      if (!transfer.ended) transfer.end('failed', `not sent: ${error.message}`);
    }
  });

  channel.addEventListener('message', ({ data }) => {
    const message = control(data);
    if (message?.type === 'received') {
      transfer.end('done', `delivered to ${peer.name}, checked`);
    } else if (message?.type === 'damaged') {
      transfer.end('failed', `arrived damaged at ${peer.name}'s page, which did not keep it`);
    } else if (message?.type === 'refused') {
      const theirs = Number.isSafeInteger(message.limit) ? ` up to ${formatBytes(message.limit)}` : '';
      transfer.end('refused', `not sent: ${peer.name}'s page takes files${theirs}`);
    } else if (message?.type === 'cancel') {
      transfer.end('cancelled', `${peer.name} cancelled it`);
    }
  });
  channel.addEventListener('close', () => {
    transfer.end('interrupted', `not sent: the connection to ${peer.name} closed`);
    wake();
  });
}

/** A channel `peer` opened to us: a file they send, taken if it is within `limit`; anything else is closed. */
export function receiveFile(peer, channel, limit) {
  if (channel.label !== 'file') {
    channel.close(); // this page opens no other kind
    return;
  }
  channel.binaryType = 'arraybuffer';
  const hash = sha256();
  let transfer;
  let received = 0;
  let parts = []; // chunks since the last fold
  let partsBytes = 0;
  const folded = [];
  let refused = false; // before it was shown: not from this page's code, or too many at once

  channel.addEventListener('message', ({ data }) => {
    if (refused || transfer?.ended) return;
    if (!transfer) {
      start(control(data));
    } else if (data instanceof ArrayBuffer) {
      take(data);
    } else {
      const message = control(data);
      if (message?.type === 'end' && typeof message.sha256 === 'string') finish(message.sha256);
      else if (message?.type === 'cancel') transfer.end('cancelled', `${peer.name} cancelled it`);
    }
  });
  channel.addEventListener('close', () => {
    transfer?.end('interrupted', `the connection to ${peer.name} closed before the whole file came`);
  });

  function start(header) {
    if (header?.type !== 'file' || typeof header.name !== 'string' || !Number.isSafeInteger(header.size)
        || header.size < 0) {
      refused = true;
      channel.close(); // not from this page's code
      return;
    }
    const incoming = [...peer.transfers].filter((each) => !each.mine).length;
    if (incoming >= MAX_INCOMING) {
      console.warn(`Refused a file from ${peer.name}: ${MAX_INCOMING} are coming already`);
      refused = true;
      sayLast(channel, { type: 'refused' });
      return;
    }
    transfer = newTransfer(peer, {
      mine: false, name: cut(header.name, MAX_NAME_CHARACTERS), size: header.size,
      mime: typeof header.mime === 'string' ? cut(header.mime, MAX_TYPE_CHARACTERS) : '',
    });
    transfer.channel = channel;
    if (header.size > limit) {
      transfer.sayLast({ type: 'refused', limit });
      transfer.end('refused', `refused: this page takes files up to ${formatBytes(limit)}`);
      return;
    }
    transfer.progress(0, 'receiving');
  }

  function take(chunk) {
    if (chunk.byteLength > CHUNK_BYTES || received + chunk.byteLength > transfer.size) {
      transfer.sayLast({ type: 'damaged' });
      transfer.end('failed', `not kept: ${peer.name}'s page sent more than it said`);
      return;
    }
    received += chunk.byteLength;
    hash.update(new Uint8Array(chunk));
    parts.push(chunk);
    partsBytes += chunk.byteLength;
    if (partsBytes >= FOLD_BYTES) {
      folded.push(new Blob(parts));
      parts = [];
      partsBytes = 0;
    }
    transfer.progress(received, 'receiving');
  }

  function finish(theirHash) {
    const ours = hash.hex();
    if (received !== transfer.size || ours !== theirHash.toLowerCase()) {
      transfer.sayLast({ type: 'damaged' });
      transfer.end('failed', received !== transfer.size
        ? `not kept: ${formatBytes(received)} of ${formatBytes(transfer.size)} came`
        : 'not kept: it arrived damaged (its SHA-256 is not the one sent)');
      return;
    }
    // Saved as bytes whatever type the sender claims: a page of theirs opened from our origin would run as ours.
    const file = new Blob([...folded, ...parts], { type: 'application/octet-stream' });
    parts = [];
    transfer.sayLast({ type: 'received' });
    transfer.item.dataset.sha256 = ours;
    transfer.end('done', `received, checked: SHA-256 ${ours.slice(0, 12)}…`);
    transfer.offer(file);
  }
}

/** Ends every transfer with `peer`, who left or whose page went away, with `why`. */
export function endTransfers(peer, why) {
  for (const transfer of [...peer.transfers]) {
    transfer.end('interrupted', transfer.mine ? `not sent: ${why}` : `${why} before the whole file came`);
  }
}

/** 25 MiB, 3.3 MiB, 2 GiB, 512 B. */
export function formatBytes(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let unit = 0;
  let value = bytes;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

// --- A transfer on the page: its line in the conversation, with a progress bar, a state and Cancel or Save -----

function newTransfer(peer, { mine, name, size, mime }) {
  const item = document.createElement('li');
  item.className = `file ${mine ? 'mine' : 'theirs'}`;
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = `${mine ? 'You' : peer.name}:`;
  const title = document.createElement('span');
  title.className = 'file-name';
  title.textContent = name; // text, never HTML, like every name from a peer
  const about = document.createElement('span');
  about.className = 'file-about';
  about.textContent = `${formatBytes(size)}${mime ? `, ${mime}` : ''}`;
  const bar = document.createElement('progress');
  bar.max = Math.max(size, 1);
  bar.value = 0;
  bar.setAttribute('aria-label', `${mine ? 'Sending' : 'Receiving'} ${name}`);
  const status = document.createElement('span');
  status.className = 'status';
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'cancel';
  cancel.textContent = 'Cancel';
  cancel.setAttribute('aria-label', `Cancel ${name}`);
  item.append(who, title, about, bar, status, cancel);
  peer.conversation.log.append(item);
  peer.conversation.log.scrollTop = peer.conversation.log.scrollHeight;
  peer.conversation.files += 1;

  let shownAt = 0;
  let saidLast = false; // then the channel closes once that is sent
  const transfer = {
    mine, size, item, channel: undefined, ended: false,
    show(state, text) {
      item.dataset.state = state;
      status.textContent = text;
    },
    /** Moves the bar to `bytes`, at most every PROGRESS_EVERY_MS unless the state changes. */
    progress(bytes, state = item.dataset.state, text) {
      if (transfer.ended || (state === item.dataset.state && !text && performance.now() - shownAt < PROGRESS_EVERY_MS)) return;
      shownAt = performance.now();
      bar.value = Math.max(0, bytes);
      transfer.show(state, text ?? `${formatBytes(bytes)} of ${formatBytes(size)}`);
    },
    end(state, text) {
      if (transfer.ended) return;
      transfer.ended = true;
      peer.transfers.delete(transfer);
      transfer.show(state, text);
      cancel.remove();
      if (state === 'done') bar.value = bar.max;
      else bar.remove(); // ended short of the end: no bar left standing at 63%
      if (!saidLast) transfer.channel?.close();
    },
    /** Tells the other side how it ends (the channel closes once it is sent): then end() here. */
    sayLast(message) {
      saidLast = true;
      if (transfer.channel?.readyState === 'open') sayLast(transfer.channel, message);
      else transfer.channel?.close(); // not open yet: nothing to tell
    },
    /** The file came whole: a link saves it. */
    offer(file) {
      const save = document.createElement('a');
      save.className = 'save';
      save.href = URL.createObjectURL(file);
      save.download = name;
      save.textContent = 'Save';
      save.setAttribute('aria-label', `Save ${name}`);
      item.append(save);
      keep({ url: save.href, size, save });
    },
  };
  cancel.addEventListener('click', () => {
    transfer.sayLast({ type: 'cancel' });
    transfer.end('cancelled', 'you cancelled it');
  });
  peer.transfers.add(transfer);
  return transfer;
}

/**
 * Received files wait in memory (or on the browser's disk) until the page closes, to be saved. They take at
 * most KEPT_FILES of them and KEPT_BYTES: beyond, the oldest are let go.
 */
const KEPT_FILES = 100;
const KEPT_BYTES = 2 * DEFAULT_LIMIT;
const kept = [];
function keep(file) {
  kept.push(file);
  let bytes = kept.reduce((sum, each) => sum + each.size, 0);
  while (kept.length > KEPT_FILES || (bytes > KEPT_BYTES && kept.length > 1)) {
    const oldest = kept.shift();
    bytes -= oldest.size;
    URL.revokeObjectURL(oldest.url);
    oldest.save.replaceWith('(no longer kept: save files soon after they come)');
  }
}

/** Sends the last word on a file's channel, and closes the channel once it is sent. */
function sayLast(channel, message) {
  try {
    channel.send(JSON.stringify(message));
  } catch {
    return; // closed already
  }
  if (channel.bufferedAmount === 0) {
    channel.close();
    return;
  }
  channel.bufferedAmountLowThreshold = 0;
  channel.addEventListener('bufferedamountlow', () => channel.close(), { once: true });
}

/** A text message on a file's channel, parsed; undefined for anything else. */
function control(data) {
  if (typeof data !== 'string' || data.length > MAX_CONTROL_CHARS) return undefined;
  try {
    return JSON.parse(data) ?? undefined;
  } catch {
    return undefined;
  }
}

/** `text` cut to `max` characters (code points). */
function cut(text, max) {
  const characters = [...text.slice(0, max * 2)];
  return characters.length > max ? characters.slice(0, max).join('') : characters.join('');
}
