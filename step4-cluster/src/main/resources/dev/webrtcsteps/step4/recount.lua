-- KEYS: users per node, this node's rooms. ARGV: node, how many users it holds, then its rooms.
-- Makes the node's places in Redis what the node holds, after Redis lost them or missed changes.
redis.call('DEL', KEYS[2])
for i = 3, #ARGV do
  redis.call('SADD', KEYS[2], ARGV[i])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
