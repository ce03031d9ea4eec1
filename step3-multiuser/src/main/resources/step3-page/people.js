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
  showState(item.querySelector('.state'), 'not connected');
  list.append(item);
  showWhetherAlone();
  return item;
}

/** How our connection to them stands: "connecting", "connected", ..., or "offline" once they left. */
export function showConnection(item, state) {
  showState(item.querySelector('.state'), state);
}

export function showOnline(item, id, online) {
  item.dataset.peerId = id;
  showTag(item.querySelector('.tag'), id);
  item.dataset.online = String(online);
  if (!online) showConnection(item, 'offline');
  showWhetherAlone();
}

export function showUnread(item, count) {
  const badge = item.querySelector('.badge');
  badge.textContent = String(count);
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
