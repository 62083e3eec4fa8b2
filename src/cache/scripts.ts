/**
 * The read cache's three Redis scripts: each is one round trip and atomic. They
 * touch keys they derive from their arguments (all under one prefix), which a
 * single Redis allows; a Redis Cluster would need hash tags (not supported here).
 */

/** KEYS[1] the ref key; ARGV prefix, lookup tag. → {1, value, owner} on a hit, {0, gen} on a miss. */
export const READ = `
local p = ARGV[1]
local gen = redis.call('GET', p .. ':gen') or '0'
local owner = redis.call('GET', KEYS[1])
if not owner then return {0, gen} end
local v = redis.call('GET', p .. ':' .. owner .. ':' .. ARGV[2])
if not v then return {0, gen} end
local head = (redis.call('GET', p .. ':epoch') or '0') .. '|'
if string.sub(v, 1, #head) ~= head then return {0, gen} end
return {1, string.sub(v, #head + 1), owner}`;

/**
 * ARGV prefix, gen seen before the database was read, owner, lookup tag, value, ttl ms.
 * Keeps nothing when an invalidation ran since (gen moved): the value may predate it.
 */
export const FILL = `
local p, owner, tag, ttl = ARGV[1], ARGV[3], ARGV[4], ARGV[6]
if (redis.call('GET', p .. ':gen') or '0') ~= ARGV[2] then return 0 end
local epoch = redis.call('GET', p .. ':epoch') or '0'
local entry = p .. ':' .. owner .. ':' .. tag
local ref = p .. ':ref:' .. tag
local set = p .. ':' .. owner .. ':keys'
redis.call('SET', entry, epoch .. '|' .. ARGV[5], 'PX', ttl)
redis.call('SET', ref, owner, 'PX', ttl)
redis.call('SADD', set, entry, ref)
redis.call('PEXPIRE', set, ttl)
return 1`;

/**
 * ARGV prefix, n, n owner tags, then lookup tags (their owners go too). Drops every
 * key filed under those owners and moves gen, so that no fill in flight keeps an
 * older value. → the number of keys dropped.
 */
export const INVALIDATE = `
local p = ARGV[1]
local n = tonumber(ARGV[2])
local owners = {}
for i = 3, 2 + n do owners[#owners + 1] = ARGV[i] end
for i = 3 + n, #ARGV do
  local ref = p .. ':ref:' .. ARGV[i]
  local o = redis.call('GET', ref)
  if o then
    owners[#owners + 1] = o
    redis.call('DEL', ref)
  end
end
local dropped = 0
for _, o in ipairs(owners) do
  local set = p .. ':' .. o .. ':keys'
  for _, k in ipairs(redis.call('SMEMBERS', set)) do dropped = dropped + redis.call('DEL', k) end
  redis.call('DEL', set)
end
redis.call('INCR', p .. ':gen')
return dropped`;

/** After an invalidation was lost (Redis unreachable): every entry written before is ignored. */
export const NEW_EPOCH = `
redis.call('INCR', ARGV[1] .. ':gen')
return redis.call('INCR', ARGV[1] .. ':epoch')`;
