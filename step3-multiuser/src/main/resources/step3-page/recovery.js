// After a server restart everyone has a new id (docs/reliability.md). Open chats go on over their peer
// connections: each side tells the other its new id over the chat channel, so that a person keeps one entry.
// A peer could lie about that id, so a claim is only believed once the server brings a proof from the new id.
import { localFingerprint, remoteFingerprint, sameFingerprint } from './fingerprints.js';

/** How long a claimed new id waits for its proof, counted while this page is online. */
const PROOF_WAIT_MS = 10_000;
/** Proofs that arrive before their claim wait for it; at most this many per sender. */
const MAX_EARLY_PROOFS = 4;

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
 * Checks what people say about their new ids. `signal(to, data)` sends through the server, `isOnline()` says
 * whether we have our id from the current server, and `proven(person, newId)` files a person under a new id
 * once it is proven.
 *
 * A claim "I am X now" that arrives on person P's channel is only pending. We answer it by sending X, through
 * the server, the fingerprint of our own certificate on P's connection: if X is P, that proves our own move to
 * X (X does the same for us). A proof is a signal that the server says is `from` X, naming a certificate; it
 * settles the claim "I am X" on P only if P's connection runs DTLS with that very certificate. A liar M who says
 * it is C gets no proof: C only ever names its own certificates, and M cannot present those. A claim that is
 * not proven in PROOF_WAIT_MS is dropped, and the person keeps the entry and id it had.
 */
export function checkMoves({ signal, isOnline, proven }) {
  const claims = new Map(); // person → { id, timer }: one pending claim per person
  const earlyProofs = new Map(); // sender id → fingerprints that came before the claim they prove

  function sendProof(person, claim) {
    const fingerprint = localFingerprint(person.pc);
    if (fingerprint) signal(claim.id, { fingerprint });
    clearTimeout(claim.timer);
    if (isOnline()) claim.timer = setTimeout(() => drop(person), PROOF_WAIT_MS);
  }

  async function check(person, claim, fingerprint) {
    const presented = await remoteFingerprint(person.pc);
    if (claims.get(person) !== claim || !sameFingerprint(presented, fingerprint)) return;
    drop(person);
    proven(person, claim.id);
  }

  function drop(person) {
    clearTimeout(claims.get(person)?.timer);
    claims.delete(person);
  }

  return {
    /** `person` says over its chat channel that its id is now `newId`. */
    claimed(person, newId) {
      if (claims.has(person) || newId === person.id) return; // one at a time: a flood of claims costs one proof
      const claim = { id: newId };
      claims.set(person, claim);
      sendProof(person, claim);
      for (const fingerprint of earlyProofs.get(newId) ?? []) check(person, claim, fingerprint);
    },

    /** The server brought a proof: `from` has the certificate `fingerprint`. */
    proved(from, fingerprint) {
      for (const [person, claim] of claims) {
        if (claim.id === from) check(person, claim, fingerprint);
      }
      const early = earlyProofs.get(from) ?? [];
      if (early.length >= MAX_EARLY_PROOFS) return;
      early.push(fingerprint);
      earlyProofs.set(from, early);
      setTimeout(() => {
        early.splice(early.indexOf(fingerprint), 1);
        if (early.length === 0 && earlyProofs.get(from) === early) earlyProofs.delete(from);
      }, PROOF_WAIT_MS);
    },

    /** We have a new id ourselves: the proofs sent before went nowhere. Sends them again, and waits anew. */
    ourIdChanged() {
      for (const [person, claim] of claims) sendProof(person, claim);
    },

    /** Forget a person's pending claim (they left, or their entry is gone). */
    drop,
  };
}

/**
 * `person` proved its new id: files them under it. An entry that the new presence list made under that id
 * meanwhile is the same person: `forget` gets it first.
 */
export function takeNewId(people, person, newId, forget) {
  const twin = people.get(newId);
  if (twin && twin !== person) forget(twin);
  people.delete(person.id);
  person.id = newId;
  people.set(newId, person);
}
