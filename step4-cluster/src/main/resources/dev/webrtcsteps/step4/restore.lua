-- KEYS: members, tokens, seq. ARGV: node, channel, then id, resume token and name of each of the node's users in
-- this room. Makes Redis agree with the node, after Redis lost its data or missed the node's changes while it was
-- unreachable: its members that are gone leave, the missing ones join. Returns the room's snapshot.
local members, tokens, seq_key = KEYS[1], KEYS[2], KEYS[3]
local node, channel = ARGV[1], ARGV[2]
local mine = {}
for i = 3, #ARGV, 3 do
  mine[ARGV[i]] = i
end
local all = redis.call('HGETALL', members)
for i = 1, #all, 2 do
  local member_node, token = string.match(all[i + 1], '^([^\t]*)\t([^\t]*)\t')
  if member_node == node and not mine[all[i]] then
    redis.call('HDEL', members, all[i])
    redis.call('HDEL', tokens, token)
    redis.call('SPUBLISH', channel, 'left\t' .. next_seq(seq_key) .. '\t' .. all[i])
  end
end
for i = 3, #ARGV, 3 do
  local id, token, name = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if redis.call('HEXISTS', members, id) == 0 then
    redis.call('HSET', members, id, node .. '\t' .. token .. '\t' .. name)
    redis.call('HSET', tokens, token, id)
    redis.call('SPUBLISH', channel, 'joined\t' .. next_seq(seq_key) .. '\t' .. id .. '\t' .. node .. '\t' .. name)
  end
end
if redis.call('HLEN', members) == 0 then
  redis.call('PEXPIRE', seq_key, 86400000) -- an empty room's counter goes after a day
end
return snapshot(members, redis.call('GET', seq_key) or 0)
