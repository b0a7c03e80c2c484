-- Token buckets, all or nothing, in one round trip.
-- KEYS[1] deny set, KEYS[2] allow set, KEYS[3..] buckets (hashes: tokens, ts)
-- ARGV[1] wallet or '', then per bucket: capacity, refill per millisecond, cost
-- Returns {status, wait_ms}: status 1 allowed, 0 limited (wait_ms until enough tokens), -1 denied wallet.
local wallet = ARGV[1]
if wallet ~= '' then
  if redis.call('SISMEMBER', KEYS[1], wallet) == 1 then return {-1, 0} end
  if redis.call('SISMEMBER', KEYS[2], wallet) == 1 then return {1, 0} end
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local buckets = #KEYS - 2
local levels = {}
local wait = 0
for i = 1, buckets do
  local capacity = tonumber(ARGV[3 * i - 1])
  local rate = tonumber(ARGV[3 * i])
  local cost = tonumber(ARGV[3 * i + 1])
  local state = redis.call('HMGET', KEYS[i + 2], 'tokens', 'ts')
  local tokens = tonumber(state[1]) or capacity
  local ts = tonumber(state[2]) or now
  tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
  levels[i] = tokens
  if tokens < cost then
    local need = math.ceil((cost - tokens) / rate)
    if need > wait then wait = need end
  end
end
if wait > 0 then return {0, wait} end
for i = 1, buckets do
  local capacity = tonumber(ARGV[3 * i - 1])
  local rate = tonumber(ARGV[3 * i])
  local cost = tonumber(ARGV[3 * i + 1])
  redis.call('HSET', KEYS[i + 2], 'tokens', tostring(levels[i] - cost), 'ts', tostring(now))
  redis.call('PEXPIRE', KEYS[i + 2], math.ceil(capacity / rate) + 1000)
end
return {1, 0}
