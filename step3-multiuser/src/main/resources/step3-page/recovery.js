// After a server restart everyone has a new id (docs/reliability.md). Open chats go on over their peer
// connections: each side tells the other its new id over the chat channel, so that a person keeps one entry.

/** Our own id changed: tells everyone we chat with. Returns the people without an open chat: forget them. */
export function announceNewId(people, newId) {
  const unreachable = [];
  for (const person of people.values()) {
    if (person.channel?.readyState === 'open') {
      person.channel.send(JSON.stringify({ type: 'moved', id: newId }));
    } else {
      unreachable.push(person);
    }
  }
  return unreachable;
}

/**
 * `person` told us its new id: files them under it. An entry that the new presence list made under that id
 * meanwhile is the same person: `forget` gets it first.
 */
export function takeNewId(people, person, newId, forget) {
  const twin = people.get(newId);
  if (twin && twin !== person) forget(twin);
  people.delete(person.id);
  person.id = newId;
  people.set(newId, person);
}
