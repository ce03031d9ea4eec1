-- KEYS: nodes, users per node, the dead node's rooms. ARGV: the dead node. Called once its users have left.
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
return 1
