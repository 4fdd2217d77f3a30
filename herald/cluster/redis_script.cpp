// herald/cluster/redis_script.cpp
#include "herald/cluster/redis_script.h"

namespace herald::cluster {

namespace {

constexpr std::string_view kScript = R"lua(
local cmd, P, node = ARGV[1], ARGV[2], ARGV[3]
local SEP = '\31'
local NODES = P .. 'nodes'
local CONNECTIONS = P .. 'node_connections'

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- wire.h: "H1", the kind, then every field as <length>:<bytes>.
local function enc(kind, fields)
  local out = {'H1', kind}
  for i = 1, #fields do
    local f = tostring(fields[i])
    out[#out + 1] = #f .. ':' .. f
  end
  return table.concat(out)
end

local function split(field)
  local parts, start = {}, 1
  while #parts < 3 do
    local at = string.find(field, SEP, start, true)
    if not at then break end
    parts[#parts + 1] = string.sub(field, start, at - 1)
    start = at + 1
  end
  parts[#parts + 1] = string.sub(field, start)
  return parts
end

local function publish(app, kind, fields)
  redis.call('PUBLISH', P .. 'a:' .. app, enc(kind, fields))
end

-- Sets `owner`'s subscription count on a channel; the total decides occupied/vacated.
local function put_count(owner, by, app, ch, n)
  local nk = P .. 'n:' .. owner
  local field = 'c' .. SEP .. app .. SEP .. ch
  local old = tonumber(redis.call('HGET', nk, field) or '0')
  if n == old then return end
  if n > 0 then redis.call('HSET', nk, field, n) else redis.call('HDEL', nk, field) end
  local occ = P .. 'occ:' .. app
  local total = redis.call('HINCRBY', occ, ch, n - old)
  local before = total - (n - old)
  if total <= 0 then redis.call('HDEL', occ, ch) end
  local tr = 0
  if before <= 0 and total > 0 then tr = 1 elseif before > 0 and total <= 0 then tr = 2 end
  local seq = redis.call('INCR', P .. 'seq')
  publish(app, 'C', {owner, by, seq, app, ch, n, tr})
end

-- Sets whether `user` is a member on `owner`; the count of such nodes decides added/removed.
local function put_member(owner, by, app, ch, user, present, info, exclude)
  local nk = P .. 'n:' .. owner
  local field = 'm' .. SEP .. app .. SEP .. ch .. SEP .. user
  local had = redis.call('HEXISTS', nk, field) == 1
  if present == had then return end
  local mk = P .. 'm:' .. app .. SEP .. ch
  local nodes
  if present then
    redis.call('HSET', nk, field, info)
    nodes = redis.call('HINCRBY', mk, user, 1)
  else
    info = redis.call('HGET', nk, field) or ''
    redis.call('HDEL', nk, field)
    nodes = redis.call('HINCRBY', mk, user, -1)
    if nodes <= 0 then redis.call('HDEL', mk, user) end
  end
  local tr = 0
  if present and nodes == 1 then tr = 1 elseif (not present) and nodes <= 0 then tr = 2 end
  local seq = redis.call('INCR', P .. 'seq')
  publish(app, 'M', {owner, by, seq, app, ch, user, present and 1 or 0, info, tr, exclude})
end

local function drop(owner, field, by)
  local p = split(field)
  if p[1] == 'c' then
    put_count(owner, by, p[2], p[3], 0)
  elseif p[1] == 'm' then
    put_member(owner, by, p[2], p[3], p[4], false, '', '')
  end
end

-- Removes every contribution of `owner`, publishing the transitions, then the node itself.
local function drop_node(owner, by)
  local nk = P .. 'n:' .. owner
  local all = redis.call('HGETALL', nk)
  for i = 1, #all, 2 do drop(owner, all[i], by) end
  redis.call('DEL', nk)
  redis.call('HDEL', CONNECTIONS, owner)
  redis.call('ZREM', NODES, owner)
  redis.call('PUBLISH', P .. 'ctl', enc('G', {owner, by}))
end

local function leased()
  return redis.call('ZSCORE', NODES, node) ~= false
end

if cmd == 'count' then
  if not leased() then return 0 end
  put_count(node, node, ARGV[4], ARGV[5], tonumber(ARGV[6]))
  return 1
elseif cmd == 'member' then
  if not leased() then return 0 end
  put_member(node, node, ARGV[4], ARGV[5], ARGV[6], ARGV[7] == '1', ARGV[8], ARGV[9])
  return 1
elseif cmd == 'beat' then
  local now = now_ms()
  local lease = tonumber(ARGV[4])
  -- No heartbeat ran for half a lease although nodes beat every quarter: Redis itself was
  -- stalled (stopped, swapping), not the nodes. Their silence is not theirs: move every lease on
  -- by the gap instead of reaping them all when heartbeats queued meanwhile finally run.
  local last = tonumber(redis.call('GET', P .. 'clock') or '0')
  redis.call('SET', P .. 'clock', now)
  if last > 0 and now - last > lease / 2 then
    local all = redis.call('ZRANGE', NODES, 0, -1, 'WITHSCORES')
    for i = 1, #all, 2 do
      redis.call('ZADD', NODES, tonumber(all[i + 1]) + (now - last), all[i])
    end
  end
  local known = leased()
  if ARGV[5] == '1' then
    local dead = redis.call('ZRANGEBYSCORE', NODES, '-inf', now)
    for _, d in ipairs(dead) do
      if d ~= node then drop_node(d, node) end
    end
  end
  if not known then return 0 end
  redis.call('ZADD', NODES, now + lease, node)
  if ARGV[6] then redis.call('HSET', CONNECTIONS, node, ARGV[6]) end
  return 1
elseif cmd == 'sync' then
  redis.call('ZADD', NODES, now_ms() + tonumber(ARGV[4]), node)
  local nk = P .. 'n:' .. node
  local old = redis.call('HGETALL', nk)
  local keep = {}
  local i = 5
  while i <= #ARGV do
    if ARGV[i] == 'c' then
      keep['c' .. SEP .. ARGV[i + 1] .. SEP .. ARGV[i + 2]] = true
      put_count(node, node, ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3]))
      i = i + 4
    else
      keep['m' .. SEP .. ARGV[i + 1] .. SEP .. ARGV[i + 2] .. SEP .. ARGV[i + 3]] = true
      put_member(node, node, ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], true, ARGV[i + 4], '')
      i = i + 5
    end
  end
  for j = 1, #old, 2 do
    if not keep[old[j]] then drop(node, old[j], node) end
  end
  return 1
elseif cmd == 'snap' then
  local out = {redis.call('GET', P .. 'seq') or '0'}
  for _, n in ipairs(redis.call('ZRANGE', NODES, 0, -1)) do
    out[#out + 1] = n
    out[#out + 1] = redis.call('HGETALL', P .. 'n:' .. n)
  end
  return out
elseif cmd == 'nodes' then
  -- Redis's time with the leases, so that their ages need no other clock.
  return {now_ms(), redis.call('ZRANGE', NODES, 0, -1, 'WITHSCORES'),
          redis.call('HGETALL', CONNECTIONS)}
elseif cmd == 'bye' then
  drop_node(node, node)
  return 1
end
return redis.error_reply('unknown cluster script command ' .. tostring(cmd))
)lua";

}  // namespace

std::string_view cluster_script() {
    return kScript;
}

}  // namespace herald::cluster
