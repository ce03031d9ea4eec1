-- KEYS: users per node, this node's rooms. ARGV: node, room, max users, '1' to skip the limit.
-- Takes a place for a user in the whole cluster: 1, or 0 if the cluster holds MAX_USERS already. The room goes
-- into the node's rooms first, so that if the node dies, its users there are found and cleaned up.
local counts, rooms = KEYS[1], KEYS[2]
local node, room, max_users, force = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1'
if not force then
  local total = 0
  for _, count in ipairs(redis.call('HVALS', counts)) do
    total = total + tonumber(count)
  end
  if total >= max_users then
    return 0
  end
end
redis.call('SADD', rooms, room)
redis.call('HINCRBY', counts, node, 1)
return 1
