-- KEYS: nodes (by last heartbeat). ARGV: node, how long a node may be silent before it counts as dead (ms).
-- Returns whether Redis knew this node already, how many nodes are alive, then the dead nodes.
local nodes, node, timeout = KEYS[1], ARGV[1], tonumber(ARGV[2])
local now = now_ms()
local known = redis.call('ZSCORE', nodes, node) and '1' or '0'
redis.call('ZADD', nodes, now, node)
local dead = redis.call('ZRANGEBYSCORE', nodes, '-inf', '(' .. (now - timeout))
table.insert(dead, 1, tostring(redis.call('ZCOUNT', nodes, now - timeout, '+inf')))
table.insert(dead, 1, known)
return dead
