-- KEYS: members, tokens, seq. ARGV: id, the node it must be on, channel.
-- Takes a member out, if it is still there and on that node (it may have resumed on another one meanwhile).
local members, tokens, seq_key = KEYS[1], KEYS[2], KEYS[3]
local id, expected_node, channel = ARGV[1], ARGV[2], ARGV[3]
local member = redis.call('HGET', members, id)
if not member then
  return 0
end
local node, token = string.match(member, '^([^\t]*)\t([^\t]*)\t')
if node ~= expected_node then
  return 0
end
redis.call('HDEL', members, id)
redis.call('HDEL', tokens, token)
local seq = next_seq(seq_key)
if redis.call('HLEN', members) == 0 then
  redis.call('PEXPIRE', seq_key, 86400000) -- an empty room's counter goes after a day
end
redis.call('SPUBLISH', channel, 'left\t' .. seq .. '\t' .. id)
return 1
