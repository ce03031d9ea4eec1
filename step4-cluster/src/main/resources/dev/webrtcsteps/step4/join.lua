-- KEYS: members, tokens, seq. ARGV: id, node, resume token, name, max room size, channel.
-- Admits a newcomer unless the room is full; returns the room's snapshot, or an empty list if it is full.
local members, tokens, seq_key = KEYS[1], KEYS[2], KEYS[3]
local id, node, token, name, max_size, channel = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
if redis.call('HLEN', members) >= max_size then
  return {}
end
redis.call('HSET', members, id, node .. '\t' .. token .. '\t' .. name)
redis.call('HSET', tokens, token, id)
local seq = next_seq(seq_key)
redis.call('SPUBLISH', channel, 'joined\t' .. seq .. '\t' .. id .. '\t' .. node .. '\t' .. name)
return snapshot(members, seq)
