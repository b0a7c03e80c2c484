-- wrk script: publish of one ~1 KiB envelope, unique per request, over 100 topics per thread.
--   wrk -t2 -c32 -d20s -s bench/wrk/publish.lua --latency http://127.0.0.1:5555
local counter = 0
local pad = string.rep("x", 1000)
local chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function b64(data)
  return ((data:gsub('.', function(x)
    local r, b = '', x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and '1' or '0') end
    return r
  end) .. '0000'):gsub('%d%d%d?%d?%d?%d?', function(x)
    if #x < 6 then return '' end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == '1' and 2 ^ (6 - i) or 0) end
    return chars:sub(c + 1, c + 1)
  end) .. ({ '', '==', '=' })[#data % 3 + 1])
end
local payload = b64(pad)
local tid = 0
setup = function(thread) thread:set("tid", tid); tid = tid + 1 end
request = function()
  counter = counter + 1
  local msg = payload:sub(1, 1300) .. string.format("%012d", counter) .. "AAAA"
  local body = '{"envelopes":[{"contentTopic":"/xmtp/0/m-wrk' .. tostring(tid) .. '-' .. (counter % 100) .. '/proto","timestampNs":"' .. counter .. '","message":"' .. msg .. '"}]}'
  return wrk.format("POST", "/message/v1/publish", {["Content-Type"] = "text/plain"}, body)
end
