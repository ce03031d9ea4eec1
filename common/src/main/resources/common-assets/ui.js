// Small page helpers shared by the steps. Text from peers always goes through textContent, never innerHTML.

/** Shows an error on the page (and in the console), so a failed WebRTC call is never silent. */
export function showError(error, element = document.getElementById('error')) {
  console.error(error);
  element.textContent = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function clearError(element = document.getElementById('error')) {
  element.textContent = '';
}

/** Appends "who: text" to a message log, as text. */
export function appendMessage(log, who, text) {
  const item = document.createElement('li');
  const author = document.createElement('span');
  author.className = 'who';
  author.textContent = `${who}:`;
  item.append(author, document.createTextNode(text));
  log.append(item);
  log.scrollTop = log.scrollHeight;
  return item;
}

/** Writes a state (or a sentence about it) into an element, with data-state for styling and tests. */
export function showState(element, state, text = state) {
  element.textContent = text;
  element.dataset.state = state;
}
