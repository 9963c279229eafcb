-- GCRA with reservations: one client ID's rate limit, shared by every process through Redis.
-- (Loaded by _redis_rate_limiter.py, which explains the semantics; times are microseconds.)
--
-- KEYS[1]  state hash: tat (theoretical arrival time), paused_until, fraction_at_cut, cut_at, epoch
-- KEYS[2]  workers: sorted set of the limiters that reserved in the last WORKER_WINDOW, by time
-- ARGV[1]  "reserve" or "throttle"
-- ARGV[2]  now, or "" to take this server's TIME (the machines' clocks never matter)
-- ARGV[3]  interval: microseconds per request at the full rate (0: no bucket, pauses only)
-- ARGV[4]  capacity: requests the bucket holds (the burst less the headroom)
-- ARGV[5]  min_fraction, ARGV[6] recovery (fraction of the rate regained per second)
-- reserve  ARGV[7] worker id; ARGV[8] "1": the bucket restarts empty (a worker back from its
--          local fallback: the server's bucket may be spent); ARGV[9] the epoch of this
--          caller's reservation to confirm after its wait ("" for a new reservation)
--          -> {wait in ms, granted at (s), epoch, workers}; {"0", "", epoch, 0} confirms
-- throttle ARGV[7] pause; ARGV[8] when the refused request was granted ("" if unknown)
--          -> {fraction, epoch}
local WORKER_WINDOW = 60000000

if redis.replicate_commands then redis.replicate_commands() end -- TIME in a writing script (Redis < 5)
local now
if ARGV[2] == '' then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000000 + tonumber(time[2])
else
  now = tonumber(ARGV[2])
end
local interval, capacity = tonumber(ARGV[3]), tonumber(ARGV[4])
local min_fraction, recovery = tonumber(ARGV[5]), tonumber(ARGV[6])

local state = redis.call('HMGET', KEYS[1], 'tat', 'paused_until', 'fraction_at_cut', 'cut_at', 'epoch')
local tat = tonumber(state[1]) or 0
local paused_until = tonumber(state[2]) or 0
local fraction_at_cut = tonumber(state[3]) or 1
local cut_at = tonumber(state[4]) -- nil: never cut
local epoch = tonumber(state[5]) or 0

-- The share of the rate allowed now: cut multiplicatively by 429s, recovering linearly.
local function fraction()
  if cut_at == nil then return 1 end
  return math.min(1, fraction_at_cut + recovery * (now - cut_at) / 1000000)
end

local function number(value)
  return string.format('%.17g', value)
end

local function save()
  redis.call('HSET', KEYS[1], 'tat', number(tat), 'paused_until', number(paused_until),
    'fraction_at_cut', number(fraction_at_cut), 'epoch', string.format('%d', epoch))
  if cut_at then redis.call('HSET', KEYS[1], 'cut_at', number(cut_at)) end
  -- Kept while it says more than "a full bucket at the full rate": queue, pause, recovery;
  -- then a minute more. Once it expires, its absence means exactly that.
  local keep = math.max(tat - now, paused_until - now, 0)
  local current = fraction()
  if current < 1 then
    keep = math.max(keep, recovery > 0 and (1 - current) / recovery * 1000000 or 86400000000)
  end
  redis.call('PEXPIRE', KEYS[1], math.ceil(keep / 1000) + 60000)
end

if ARGV[1] == 'reserve' then
  if ARGV[9] ~= '' and tonumber(ARGV[9]) == epoch then
    return {'0', '', epoch, 0} -- no 429 since that reservation: it stands
  end
  if ARGV[8] == '1' then tat = math.max(tat, now + capacity * interval) end
  -- A throttled fleet pays more than one slot per request: rate * fraction overall.
  local price = interval * math.min(1 / fraction(), capacity)
  local new_tat = math.max(tat, now) + price
  -- Allowed once the bucket has room for this price: in order, each caller after the last.
  local allowed = math.max(now, new_tat - capacity * interval, paused_until)
  tat = new_tat
  redis.call('ZADD', KEYS[2], number(now), ARGV[7])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', number(now - WORKER_WINDOW))
  local workers = redis.call('ZCARD', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], WORKER_WINDOW / 1000)
  save()
  return {string.format('%.3f', (allowed - now) / 1000), string.format('%.6f', allowed / 1000000), epoch, workers}
end

if ARGV[1] == 'throttle' then
  local granted = tonumber(ARGV[8]) -- nil when unknown
  epoch = epoch + 1 -- every reservation made before now is made again, at the new price
  paused_until = math.max(paused_until, now + tonumber(ARGV[7]))
  -- The server's bucket was empty: the shared one restarts empty when the pause ends.
  tat = paused_until + capacity * interval
  -- A 429 to a request granted before the last cut is the same congestion event: no new cut.
  if granted == nil or cut_at == nil or granted > cut_at then
    fraction_at_cut = math.max(min_fraction, fraction() * 0.5)
    cut_at = now
  end
  save()
  return {string.format('%.6f', fraction()), epoch}
end

return redis.error_reply('unknown operation ' .. tostring(ARGV[1]))
