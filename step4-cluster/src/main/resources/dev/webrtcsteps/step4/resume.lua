-- KEYS: members, tokens, seq, departed. ARGV: resume token, new resume token, node, channel, max room size.
-- The member with this token moves to this node (its peers see nothing), or, if its node died a moment ago,
-- comes back with its id (its peers see it join). Returns id, name, the node it was on ('' if it came back),
-- then the room's snapshot; or an empty list if the token is unknown.
local members, tokens, seq_key, departed = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local token, new_token, node, channel, max_size = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local id = redis.call('HGET', tokens, token)
local name, old_node
if id then
  old_node, name = string.match(redis.call('HGET', members, id), '^([^\t]*)\t[^\t]*\t(.*)$')
  redis.call('HDEL', tokens, token)
else
  local gone = redis.call('HGET', departed, token)
  if not gone then
    return {}
  end
  redis.call('HDEL', departed, token)
  local deadline
  id, deadline, name = string.match(gone, '^([^\t]*)\t([^\t]*)\t(.*)$')
  if tonumber(deadline) < now_ms() or redis.call('HLEN', members) >= max_size then
    return {}
  end
  old_node = ''
end
redis.call('HSET', members, id, node .. '\t' .. new_token .. '\t' .. name)
redis.call('HSET', tokens, new_token, id)
local seq = next_seq(seq_key)
if old_node == '' then
  redis.call('SPUBLISH', channel, 'joined\t' .. seq .. '\t' .. id .. '\t' .. node .. '\t' .. name)
else
  redis.call('SPUBLISH', channel, 'moved\t' .. seq .. '\t' .. id .. '\t' .. node)
end
local out = snapshot(members, seq)
table.insert(out, 1, old_node)
table.insert(out, 1, name)
table.insert(out, 1, id)
return out
