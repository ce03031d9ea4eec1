-- KEYS: members, seq. The room as it is now.
return snapshot(KEYS[1], redis.call('GET', KEYS[2]) or 0)
