// The list of people in the room: one item per person, made from the page's <template id="person">.
import { showState } from '/common/ui.js';

const list = document.getElementById('people');
const template = document.getElementById('person');
/** How many characters of an id a tag shows. */
const TAG_LENGTH = 4;

/** Adds someone to the list; `onPick` runs when they are clicked. Returns their item. */
export function addToList({ id, name }, onPick) {
  const item = template.content.firstElementChild.cloneNode(true);
  item.dataset.peerId = id;
  item.querySelector('.name').textContent = name;
  showTag(item.querySelector('.tag'), id);
  item.querySelector('button').addEventListener('click', onPick);
  showPresence(item, 'online');
  showState(item.querySelector('.state'), 'not connected');
  list.append(item);
  showWhetherAlone();
  return item;
}

/**
 * Whether they are here: "online" (in the room), "reconnecting" (their page went away a moment ago, a reload
 * say, and may come back), or "left".
 */
export function showPresence(item, presence) {
  showState(item.querySelector('.presence'), presence);
}

/** How our connection to them stands, a detail under their presence: "connecting", "connected", "no route"... */
export function showConnection(item, state) {
  showState(item.querySelector('.state'), state);
}

export function showOnline(item, id, online) {
  item.dataset.peerId = id;
  showTag(item.querySelector('.tag'), id);
  item.dataset.online = String(online);
  showPresence(item, online ? 'online' : 'left');
  if (!online) showConnection(item, 'offline');
  showWhetherAlone();
}

/** The count on their entry; a screen reader hears "2 unread messages from Bob". */
export function showUnread(item, count) {
  const badge = item.querySelector('.badge');
  const name = item.querySelector('.name').textContent;
  badge.querySelector('[aria-hidden]').textContent = String(count);
  badge.querySelector('.visually-hidden').textContent = `${count} unread ${count === 1 ? 'message' : 'messages'} from ${name}`;
  badge.hidden = count === 0;
}

export function showSelected(item, selected) {
  item.classList.toggle('selected', selected);
}

/**
 * Two people may have the same name, or names that only look alike ("Bob" and the Cyrillic "Воb"): next to a
 * name the page shows the first characters of the id the server gave that person, which nobody can choose.
 */
export function showTag(tag, id) {
  tag.title = `id ${id}`;
  tag.lastChild.textContent = id.slice(0, TAG_LENGTH);
}

/** Writes `text` (a name, as text) into `element`, followed by the tag of `id`. */
export function showNameAndTag(element, text, id) {
  const tag = template.content.querySelector('.tag').cloneNode(true);
  showTag(tag, id);
  element.replaceChildren(document.createTextNode(`${text} `), tag);
}

export function removeFromList(item) {
  item.remove();
  showWhetherAlone();
}

function showWhetherAlone() {
  document.getElementById('alone').hidden = [...list.children].some((item) => item.dataset.online === 'true');
}
