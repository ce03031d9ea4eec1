// A reload keeps who you are and what was said. The page keeps, in this tab's sessionStorage (never on the
// server), its resume token and its conversations; a reloaded page resumes with the token, gets its id back (within
// the server's grace period), and shows its conversations again.
//
// The token is *taken* when the page loads and put back only when it goes away. A duplicated tab starts with a
// copy of the original's sessionStorage: it finds no token while the original is open, and joins as someone new,
// instead of taking the original's id from under it.

const TOKEN_KEY = 'webrtc-steps.resume';
const HISTORY_KEY = 'webrtc-steps.history';
/** Messages kept per conversation: the newest ones. */
const MAX_KEPT = 200;

/** The resume token this tab left for `room` when it last went away, if any; from now on, only this page has it. */
export function takeResumeToken(room) {
  const saved = read(TOKEN_KEY);
  sessionStorage.removeItem(TOKEN_KEY);
  return saved?.room === room && typeof saved.token === 'string' ? saved.token : undefined;
}

/**
 * When the page goes away (a reload, another page, a closed tab), keeps what `current()` returns: its room, its
 * own id, its resume token, and its conversations as [{ id, name, messages }] (without them, what was kept stays).
 * A page restored from the back-forward cache takes its token again: a tab duplicated meanwhile must not find it.
 */
export function keepOnLeaving(current) {
  addEventListener('pagehide', () => {
    const { room, myId, token, conversations } = current();
    if (!token) return;
    write(TOKEN_KEY, { room, token });
    if (!conversations) return;
    sessionStorage.removeItem(HISTORY_KEY); // an older history is not to come back if this one does not fit
    let kept = MAX_KEPT;
    // sessionStorage holds a few MB: keep fewer messages until it fits.
    while (kept >= 1 && !write(HISTORY_KEY, { room, myId, conversations: trim(conversations, kept) })) kept = Math.floor(kept / 2);
  });
  addEventListener('pageshow', ({ persisted }) => {
    if (persisted) sessionStorage.removeItem(TOKEN_KEY);
  });
}

/** The conversations this tab kept as `myId` in `room`, by the other person's id. */
export function keptConversations(room, myId) {
  const saved = read(HISTORY_KEY);
  if (saved?.room !== room || saved.myId !== myId || !Array.isArray(saved.conversations)) return new Map();
  return new Map(saved.conversations.filter((each) => typeof each?.id === 'string' && Array.isArray(each.messages))
    .map((each) => [each.id, each]));
}

function trim(conversations, kept) {
  return conversations.map(({ id, name, messages }) => ({ id, name, messages: messages.slice(-kept) }));
}

function read(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key));
  } catch {
    return undefined; // nothing kept, or not ours
  }
}

function write(key, value) {
  try {
    sessionStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false; // full
  }
}
