// The benchmark's baseline: what step 3's signaling server does (rooms, presence, relay with the sender's id
// set by the server), written the way a socket.io user would write it. Events mirror step 3's messages:
// 'welcome', 'peer-joined', 'peer-left', 'signal', and 'signal-error' for a signal to nobody.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 8090);
const maxRoomSize = Number(process.env.MAX_ROOM_SIZE ?? 100);

const httpServer = createServer((request, response) => {
  if (request.url === '/stats') {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ users: io.engine.clientsCount, rooms: rooms.size, ...process.memoryUsage() }));
    return;
  }
  response.statusCode = 404;
  response.end();
});
// WebSocket only, as step 3 (no HTTP long-polling); 64 KiB frames at most, as step 3.
const io = new Server(httpServer, { transports: ['websocket'], maxHttpBufferSize: 65536, serveClient: false });

const rooms = new Map(); // room name -> Map(id -> { id, name, socket })

io.on('connection', (socket) => {
  const room = String(socket.handshake.query.room || 'lobby');
  const id = randomBytes(16).toString('base64url');
  const name = String(socket.handshake.query.name || `Guest-${id.slice(0, 4)}`);
  let members = rooms.get(room);
  if (!members) {
    members = new Map();
    rooms.set(room, members);
  }
  if (members.size >= maxRoomSize) {
    socket.emit('signal-error', { code: 'room-full' });
    socket.disconnect(true);
    return;
  }
  socket.emit('welcome', { id, name, room, peers: [...members.values()].map((m) => ({ id: m.id, name: m.name })) });
  socket.to(room).emit('peer-joined', { peer: { id, name } });
  members.set(id, { id, name, socket });
  socket.join(room);

  socket.on('signal', (message) => {
    const addressee = members.get(message?.to);
    if (!addressee || addressee.id === id || typeof message.data !== 'object') {
      socket.emit('signal-error', { code: 'unknown-peer' });
      return;
    }
    addressee.socket.emit('signal', { from: id, data: message.data });
  });

  socket.on('disconnect', () => {
    members.delete(id);
    if (members.size === 0) rooms.delete(room);
    socket.to(room).emit('peer-left', { id });
  });
});

httpServer.listen(port, '127.0.0.1', () => {
  console.log(`socket.io ${process.env.npm_package_dependencies_socket_io ?? ''} baseline listening on http://127.0.0.1:${port}/`);
});
