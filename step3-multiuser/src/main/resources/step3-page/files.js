// Files, peer to peer (docs/files.md). Each file gets a data channel of its own on the pair's connection:
// createDataChannel on a connection that is up announces the channel to the other side in-band, with no offer and
// no server. So a file never waits in the chat channel's queue, and a chat message never waits behind a file.
//
// On a file's channel the sender sends a header {type: 'file', id, name, size, mime} (JSON text). The
// receiver answers {type: 'accept'}, or {type: 'refused', limit} if the file is over its page's limit,
// {type: 'refused', busy: true} if it takes no more files now. Once accepted, the sender sends the file in binary
// chunks of 16 KiB (the last one may be shorter), then {type: 'end', sha256}. The receiver answers
// {type: 'received'} once the SHA-256 of what came matches, or {type: 'damaged'}. Either side may send
// {type: 'cancel'}. Whoever sends the last word closes the channel once it is sent. A header with no answer is sent
// again on a new channel (same id): the receiver takes the first offer of a file it sees and closes
// the others unanswered, the sender sends the file on the channel whose offer was accepted.
import { sha256 } from './sha256.js';

/** Bytes in one message: Chromium and Firefox both deliver a message this size whole, to each other too. */
export const CHUNK_BYTES = 16 * 1024;
/** The most a sender queues on a file's channel (its bufferedAmount), whatever the file's size. */
export const MOST_QUEUED = 1024 * 1024;
/** The sender reads the file this much at a time, once the channel has room for it under MOST_QUEUED; */
const READ_BYTES = 256 * 1024;
/** when it has not, it waits until the channel has sent all but LOW_WATER (the bufferedamountlow event). */
const LOW_WATER = 256 * 1024;
/** A page answers a file's header at once: without an answer for this long, the sender tries a new channel, */
const ANSWER_WAIT_MS = 3000;
/** up to this many in all; then the silence rule (QUIET_MS) ends it. */
const ATTEMPTS = 3;
/** Files going one way between two people at once: more wait their turn at the sender, or are refused. */
const MAX_AT_ONCE = 8;
/** The largest file a page sends or takes: 2 GiB, or ?max-file-mib=N in the page's address. */
export const FILE_LIMIT = fileLimit(new URLSearchParams(location.search));
/**
 * What received files may take in this page, in bytes: those on their way (counted at the size they announce) and
 * those kept to be saved. A file that would go over is refused; the oldest kept files are let go.
 */
const COMING_BYTES = 2 * FILE_LIMIT;
const KEPT_BYTES = 2 * FILE_LIMIT;
/** The receiver folds the chunks that came into a Blob every FOLD_BYTES (a browser may keep a large Blob on disk). */
const FOLD_BYTES = 8 * 1024 * 1024;
/** A transfer that hears nothing for this long (no byte, no room in the queue, no answer) ends. */
const QUIET_MS = 30_000;
/** Lines about files a conversation keeps: the newest (ended ones go first), as it keeps at most so many messages. */
const MAX_FILE_LINES = 200;
/** Text messages on a file's channel are short; a longer one is not from this page's code. */
const MAX_CONTROL_CHARS = 4096;
const MAX_NAME_CHARACTERS = 255;
const MAX_TYPE_CHARACTERS = 100;
/** How often a progress bar moves. */
const PROGRESS_EVERY_MS = 100;

function fileLimit(params) {
  const mib = Number(params.get('max-file-mib'));
  return Number.isSafeInteger(mib) && mib > 0 ? mib * 1024 ** 2 : 2 * 1024 ** 3;
}

/**
 * Sends `file` to `peer` ({ name, pc, conversation, transfers }, whose chat channel is open) on a channel of its
 * own, and shows how far it got in their conversation. Past MAX_AT_ONCE files on their way to `peer`, it waits.
 */
export function sendFile(peer, file) {
  const transfer = newTransfer(peer, { mine: true, name: file.name, size: file.size, mime: file.type });
  if (file.size > FILE_LIMIT) {
    transfer.end('refused', `not sent: this page sends files up to ${formatBytes(FILE_LIMIT)}`);
  } else if (sending(peer).length >= MAX_AT_ONCE) {
    transfer.show('queued', 'waits for the files before it');
    transfer.start = () => startSending(peer, transfer, file);
  } else {
    startSending(peer, transfer, file);
  }
}

function startSending(peer, transfer, file) {
  transfer.start = undefined;
  const header = { type: 'file', id: randomId(), name: cut(file.name, MAX_NAME_CHARACTERS), size: file.size, mime: cut(file.type, MAX_TYPE_CHARACTERS) };
  const offers = []; // the channels the file is offered on, until the peer's page accepts it on one
  transfer.onEnd(() => offers.forEach((channel) => { // ended before an accept: no offer stands
    if (channel.readyState === 'open') sayLast(channel, { type: 'cancel' });
    else channel.close();
  }));
  transfer.show('waiting', `waiting for ${peer.name}…`);
  transfer.watch(); // no answer at all for QUIET_MS ends it
  offer(1);

  /**
   * Offers the file on a new channel: the header, once the channel is open. Without an answer in ANSWER_WAIT_MS it
   * offers it again on another one (up to ATTEMPTS): a channel opened just after another one closed can be lost on
   * its way, and never show up on the other side (docs/files.md). The offers before stay open, so that each new
   * channel gets a stream of its own, and the first one accepted is the file's.
   */
  function offer(attempt) {
    let channel;
    try {
      channel = peer.pc.createDataChannel('file'); // reliable and ordered, like the chat channel
    } catch (error) {
      transfer.end('failed', `not sent: ${error.message}`); // say, the connection has no stream left for it
      return;
    }
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = LOW_WATER;
    offers.push(channel);
    const again = setTimeout(() => {
      if (!transfer.ended && !transfer.channel && attempt < ATTEMPTS) offer(attempt + 1);
    }, ANSWER_WAIT_MS);
    channel.addEventListener('open', () => {
      if (!transfer.ended && !transfer.channel) channel.send(JSON.stringify(header));
    });
    channel.addEventListener('message', ({ data }) => {
      if (transfer.ended || (transfer.channel && transfer.channel !== channel)) return;
      clearTimeout(again);
      answer(channel, control(data));
    });
    channel.addEventListener('close', () => {
      if (transfer.channel === channel || (!transfer.channel && offers.every((each) => each.readyState === 'closed'))) {
        transfer.end('interrupted', `not sent: the connection to ${peer.name} closed`);
      }
    });
  }

  let stream; // the sending, once the peer's page accepted the file
  /** What the peer's page says about the file: on any of its offers until it accepts one, then on that one. */
  function answer(channel, message) {
    if (!message) return;
    transfer.heard();
    if (message.type === 'accept' && !transfer.channel) {
      transfer.channel = channel;
      offers.splice(0).filter((each) => each !== channel).forEach((each) => each.close());
      stream = send(channel);
    } else if (message.type === 'received' && stream?.endSent) {
      transfer.end('done', `delivered to ${peer.name}, checked`);
    } else if (message.type === 'damaged' && stream) {
      transfer.end('failed', `arrived damaged at ${peer.name}'s page, which did not keep it`);
    } else if (message.type === 'refused') {
      transfer.end('refused', message.busy ? `not sent: ${peer.name}'s page takes no more files just now`
        : `not sent: ${peer.name}'s page takes files up to ${formatBytes(positive(message.limit))}`);
    } else if (message.type === 'cancel') {
      transfer.end('cancelled', `${peer.name} cancelled it`);
    }
  }

  /** Sends the file's bytes and its SHA-256 on `channel`, never more than MOST_QUEUED queued. */
  function send(channel) {
    const sending = { endSent: false };
    let wake = () => {}; // the sender waits for one of these: the queue is low again, or the channel closed
    channel.addEventListener('bufferedamountlow', () => {
      transfer.heard();
      wake();
    });
    channel.addEventListener('close', () => wake());
    let queued = 0; // bytes of the file handed to the channel: those not sent yet are in its bufferedAmount
    /** Backpressure: waits until the channel has room for `bytes` more. False if the transfer ended meanwhile. */
    async function roomFor(bytes) {
      while (channel.bufferedAmount + bytes > MOST_QUEUED) {
        transfer.progress(queued - channel.bufferedAmount);
        await new Promise((resolve) => { wake = resolve; });
        if (transfer.ended) return false;
      }
      return true;
    }
    (async () => {
      const hash = sha256();
      try {
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
        sending.endSent = true;
        transfer.lastLeg(); // too late to cancel: it is theirs to check
        transfer.progress(queued - channel.bufferedAmount, 'checking', `sent; ${peer.name} is checking it…`);
      } catch (error) {
        if (channel.readyState !== 'open') transfer.end('interrupted', `not sent: the connection to ${peer.name} closed`);
        else transfer.end('failed', `not sent: ${error.message}`);
      }
    })();
    return sending;
  }
}

/** An id for a file, the same on each channel tried for it (crypto.randomUUID needs a secure context). */
function randomId() {
  return [...crypto.getRandomValues(new Uint8Array(12))].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Bytes of received files on their way to this page (at their announced sizes), all peers together. */
let comingBytes = 0;

/** A channel `peer` opened to us: a file they send, taken if it is within the limits; anything else is closed. */
export function receiveFile(peer, channel) {
  // This page opens only reliable, ordered channels labelled "file".
  if (channel.label !== 'file' || !channel.ordered || channel.maxRetransmits !== null || channel.maxPacketLifeTime !== null) {
    channel.close();
    return;
  }
  channel.binaryType = 'arraybuffer';
  const hash = sha256();
  let transfer;
  let received = 0;
  let parts = []; // chunks since the last fold
  let partsBytes = 0;
  let folded = [];
  let refused = false; // before it was shown: not from this page's code, or no room for it

  channel.addEventListener('message', ({ data }) => {
    if (refused || transfer?.ended) return;
    if (!transfer) {
      start(control(data));
      return;
    }
    transfer.heard();
    if (data instanceof ArrayBuffer) {
      take(data);
      return;
    }
    const message = control(data);
    if (message?.type === 'end') finish(message.sha256);
    else if (message?.type === 'cancel') transfer.end('cancelled', `${peer.name} cancelled it`);
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
    if (offeredBefore(header.id)) {
      refused = true;
      channel.close(); // the same file on another channel: the first offer seen is the file's
      return;
    }
    const busy = receiving(peer).length >= MAX_AT_ONCE || comingBytes + Math.min(header.size, FILE_LIMIT) > COMING_BYTES;
    if (busy) {
      console.warn(`Refused a file from ${peer.name}: this page is taking as many files as it can just now`);
      refused = true;
      rememberOffer(peer, header.id);
      sayLast(channel, { type: 'refused', busy: true });
      return;
    }
    transfer = newTransfer(peer, {
      mine: false, name: cleanName(header.name), size: header.size,
      mime: typeof header.mime === 'string' ? cleanName(cut(header.mime, MAX_TYPE_CHARACTERS)) : '',
    });
    transfer.channel = channel;
    transfer.offerId = header.id;
    transfer.onEnd(() => rememberOffer(peer, header.id));
    if (header.size > FILE_LIMIT) {
      transfer.sayLast({ type: 'refused', limit: FILE_LIMIT });
      transfer.end('refused', `refused: this page takes files up to ${formatBytes(FILE_LIMIT)}`);
      return;
    }
    comingBytes += header.size;
    transfer.watch();
    transfer.onEnd(() => {
      comingBytes -= header.size;
      parts = []; // what came of a file that will not be kept
      folded = [];
    });
    transfer.progress(0, 'receiving');
    channel.send(JSON.stringify({ type: 'accept' }));
  }

  /**
   * True if the file with this id came on another channel before, or is not offered as this page's code would: a
   * sender offers a file again when an answer is slow, and a page that answered the first offer takes no other.
   */
  function offeredBefore(id) {
    if (id === undefined) return false; // a header without an id is a file of its own
    if (typeof id !== 'string' || id.length > 64) return true;
    return peer.endedOffers?.has(id) || [...peer.transfers].some((each) => each.offerId === id);
  }

  /** A chunk: 16 KiB, or fewer for the last one only, so a file of n bytes is at most n / 16 Ki + 1 parts. */
  function take(chunk) {
    const last = received + chunk.byteLength === transfer.size;
    if (chunk.byteLength === 0 || chunk.byteLength > CHUNK_BYTES || received + chunk.byteLength > transfer.size
        || (chunk.byteLength < CHUNK_BYTES && !last)) {
      transfer.sayLast({ type: 'damaged' });
      transfer.end('failed', `not kept: ${peer.name}'s page did not send it in the chunks it should`);
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
    if (received !== transfer.size || typeof theirHash !== 'string' || ours !== theirHash.toLowerCase()) {
      transfer.sayLast({ type: 'damaged' });
      transfer.end('failed', received !== transfer.size
        ? `not kept: ${formatBytes(received)} of ${formatBytes(transfer.size)} came`
        : 'not kept: it arrived damaged (its SHA-256 is not the one sent)');
      return;
    }
    // Saved as bytes whatever type the sender claims: a page of theirs opened from our origin would run as ours.
    const file = new Blob([...folded, ...parts], { type: 'application/octet-stream' });
    transfer.sayLast({ type: 'received' });
    transfer.item.dataset.sha256 = ours;
    transfer.end('done', `received, checked: SHA-256 ${ours.slice(0, 12)}…`);
    transfer.offer(file);
  }
}

/** Ends every transfer with `peer`, who left or whose page went away, with `why`; files waiting to go, too. */
export function endTransfers(peer, why) {
  const waitingFirst = [...peer.transfers].sort((a, b) => Boolean(b.start) - Boolean(a.start)); // none may start now
  for (const transfer of waitingFirst) {
    transfer.end('interrupted', transfer.mine ? `not sent: ${why}` : `${why} before the whole file came`);
  }
}

/** Lets go of the files kept from a conversation that is no longer on the page. */
export function releaseFiles(conversation) {
  for (const file of kept.filter((each) => each.conversation === conversation)) release(file);
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

function sending(peer) {
  return [...peer.transfers].filter((each) => each.mine && !each.start);
}

/** The ids of files `peer` offered that ended here: another offer of one is late, and not taken. */
function rememberOffer(peer, id) {
  if (typeof id !== 'string') return;
  peer.endedOffers ??= new Set();
  peer.endedOffers.add(id);
  if (peer.endedOffers.size > MAX_FILE_LINES) peer.endedOffers.delete(peer.endedOffers.values().next().value);
}

function receiving(peer) {
  return [...peer.transfers].filter((each) => !each.mine);
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
  addLine(peer.conversation, item);

  let shownAt = 0;
  let saidLast = false; // then the channel closes once that is sent
  let heardAt = performance.now();
  let quiet; // the watch for a transfer that hears nothing for QUIET_MS
  const endings = [];
  const transfer = {
    mine, size, item, channel: undefined, start: undefined, ended: false,
    show(state, text) {
      item.dataset.state = state;
      status.textContent = text;
    },
    /** Moves the bar to `bytes`, at most every PROGRESS_EVERY_MS unless the state changes. */
    progress(bytes, state = item.dataset.state, text) {
      if (bytes > bar.value) transfer.heard();
      if (transfer.ended || (state === item.dataset.state && !text && performance.now() - shownAt < PROGRESS_EVERY_MS)) return;
      shownAt = performance.now();
      bar.value = Math.max(0, bytes);
      transfer.show(state, text ?? `${formatBytes(bar.value)} of ${formatBytes(size)}`);
    },
    /** Something came from the other side, or went: the transfer is not stuck. */
    heard() {
      heardAt = performance.now();
    },
    /** Ends the transfer once it hears nothing for QUIET_MS: not while it waits for its turn. */
    watch() {
      heardAt = performance.now();
      quiet = setInterval(() => {
        if (performance.now() - heardAt > QUIET_MS) transfer.end('interrupted', `nothing from ${peer.name} for ${QUIET_MS / 1000} s`);
      }, QUIET_MS / 6);
    },
    /** From now on only the other side can end it. */
    lastLeg() {
      cancel.remove();
    },
    onEnd(action) {
      endings.push(action);
    },
    end(state, text) {
      if (transfer.ended) return;
      transfer.ended = true;
      clearInterval(quiet);
      peer.transfers.delete(transfer);
      transfer.show(state, text);
      announce(`${name}: ${text}`);
      cancel.remove();
      if (state === 'done') bar.value = bar.max;
      else bar.remove(); // ended short of the end: no bar left standing at 63%
      if (!saidLast) transfer.channel?.close();
      endings.forEach((action) => action());
      if (mine && sending(peer).length < MAX_AT_ONCE) [...peer.transfers].find((each) => each.start)?.start(); // the next in line
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
      keep({ url: save.href, size, save, conversation: peer.conversation });
    },
  };
  cancel.addEventListener('click', () => {
    transfer.sayLast({ type: 'cancel' });
    transfer.end('cancelled', 'you cancelled it');
  });
  peer.transfers.add(transfer);
  return transfer;
}

/** Adds a file's line to a conversation, which keeps the newest MAX_FILE_LINES (ended ones go before others). */
function addLine(conversation, item) {
  conversation.log.append(item);
  conversation.log.scrollTop = conversation.log.scrollHeight;
  conversation.files += 1;
  const lines = conversation.log.querySelectorAll('li.file');
  if (lines.length <= MAX_FILE_LINES) return;
  const oldest = [...lines].find((line) => !['sending', 'receiving', 'waiting', 'queued', 'checking'].includes(line.dataset.state));
  if (!oldest) return;
  const file = kept.find((each) => each.save.parentNode === oldest);
  if (file) release(file);
  oldest.remove();
}

/** Received files wait in the page until it closes, to be saved: at most KEPT_BYTES of them. */
const kept = [];
function keep(file) {
  kept.push(file);
  while (kept.reduce((sum, each) => sum + each.size, 0) > KEPT_BYTES) {
    release(kept[0]);
  }
}

function release(file) {
  kept.splice(kept.indexOf(file), 1);
  URL.revokeObjectURL(file.url);
  file.save.replaceWith('(no longer kept: save files soon after they come)');
}

/** Says how a transfer ended to screen readers (the line's own text changes quietly). */
function announce(text) {
  const news = document.getElementById('file-news');
  if (news) news.textContent = text;
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
    const message = JSON.parse(data);
    return typeof message === 'object' && message !== null ? message : undefined;
  } catch {
    return undefined;
  }
}

function positive(number) {
  return Number.isSafeInteger(number) && number > 0 ? number : 0;
}

/**
 * A name from a peer, as it will be shown and saved: at most MAX_NAME_CHARACTERS, without control characters or
 * bidirectional overrides ("invoice\u202Efdp.exe" would show as "invoiceexe.pdf").
 */
function cleanName(text) {
  return cut(text, MAX_NAME_CHARACTERS).replace(/[\p{Cc}\p{Bidi_Control}]/gu, '');
}

/** `text` cut to `max` characters (code points). */
function cut(text, max) {
  const characters = [...text.slice(0, max * 2)];
  return characters.length > max ? characters.slice(0, max).join('') : characters.join('');
}
