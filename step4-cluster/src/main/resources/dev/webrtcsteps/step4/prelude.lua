-- Shared by every room script. A member is stored as "NODE<tab>RESUME_TOKEN<tab>NAME" under its id.
local function now_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

-- The room as it is after this script: its sequence number, then id, node and name of each member (no tokens).
local function snapshot(members, seq)
  local out = { tostring(seq) }
  local all = redis.call('HGETALL', members)
  for i = 1, #all, 2 do
    local node, name = string.match(all[i + 1], '^([^\t]*)\t[^\t]*\t(.*)$')
    out[#out + 1] = all[i]
    out[#out + 1] = node
    out[#out + 1] = name
  end
  return out
end

-- Every change to a room gets the next number, published with it, so a server sees when it missed one.
local function next_seq(seq_key)
  local seq = redis.call('INCR', seq_key)
  redis.call('PERSIST', seq_key)
  return seq
end
