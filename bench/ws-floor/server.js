// The benchmark's floor: the least a relay can do in Node.js, on the `ws` package. It speaks step 3's wire
// (docs/protocol.md: welcome, peer-joined, peer-left, signal with the server's `from`), but checks nothing beyond
// JSON.parse: no limits, no queues, no resume, no refusals. No server that does its job can do less per message.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const port = Number(process.env.PORT ?? 8091);
const rooms = new Map(); // room name -> Map(id -> { name, socket })
let users = 0;

const httpServer = createServer((request, response) => {
  if (request.url === '/stats') {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ users, rooms: rooms.size, ...process.memoryUsage() }));
    return;
  }
  response.statusCode = 404;
  response.end();
});
const wss = new WebSocketServer({ server: httpServer, path: '/signal', maxPayload: 65536 });

wss.on('connection', (socket, request) => {
  const query = new URL(request.url, 'http://localhost').searchParams;
  const room = query.get('room') || 'lobby';
  const id = randomBytes(16).toString('base64url');
  const name = query.get('name') || `Guest-${id.slice(0, 4)}`;
  let members = rooms.get(room);
  if (!members) {
    members = new Map();
    rooms.set(room, members);
  }
  const peers = [...members].map(([peerId, member]) => ({ id: peerId, name: member.name }));
  socket.send(JSON.stringify({ type: 'welcome', id, name, room, peers, resume: id }));
  const joined = JSON.stringify({ type: 'peer-joined', peer: { id, name } });
  for (const member of members.values()) member.socket.send(joined);
  members.set(id, { name, socket });
  users++;

  socket.on('message', (data) => {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    const addressee = members.get(message?.to);
    if (addressee) addressee.socket.send(JSON.stringify({ type: 'signal', from: id, data: message.data }));
  });

  socket.on('close', () => {
    members.delete(id);
    users--;
    if (members.size === 0) rooms.delete(room);
    const left = JSON.stringify({ type: 'peer-left', id });
    for (const member of members.values()) member.socket.send(left);
  });
});

httpServer.listen(port, '127.0.0.1', () => {
  console.log(`ws floor listening on http://127.0.0.1:${port}/`);
});
