-- KEYS: members, tokens, seq, departed. ARGV: a dead node, channel, grace in ms.
-- Every member of the dead node leaves; each one's resume token still brings it back with its id for the
-- grace period (its page reconnects through another server). Returns how many left.
local members, tokens, seq_key, departed = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local dead, channel, grace = ARGV[1], ARGV[2], tonumber(ARGV[3])
local deadline = now_ms() + grace
local all = redis.call('HGETALL', members)
local evicted = 0
for i = 1, #all, 2 do
  local node, token, name = string.match(all[i + 1], '^([^\t]*)\t([^\t]*)\t(.*)$')
  if node == dead then
    redis.call('HDEL', members, all[i])
    redis.call('HDEL', tokens, token)
    redis.call('HSET', departed, token, all[i] .. '\t' .. deadline .. '\t' .. name)
    redis.call('SPUBLISH', channel, 'left\t' .. next_seq(seq_key) .. '\t' .. all[i])
    evicted = evicted + 1
  end
end
if evicted > 0 then
  redis.call('PEXPIRE', departed, grace)
end
if redis.call('HLEN', members) == 0 then
  redis.call('PEXPIRE', seq_key, 86400000)
end
return evicted
