-- wrk script for bench/run: GET with a valid bearer token, round-robin over the sample agencies'
-- tokens (one a line in $BENCH_TOKENS), and a machine-readable summary line at the end.
local tokens = {}
local file = assert(io.open(os.getenv("BENCH_TOKENS"), "r"))
for line in file:lines() do
  if #line > 0 then tokens[#tokens + 1] = line end
end
file:close()

local counter = 0
local non2xx = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
end

function init(args)
  index = offset or 1
end

function request()
  index = index % #tokens + 1
  return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. tokens[index], ["Accept"] = "application/json" })
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"errors":%d,"non2xx":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors, summary.errors.status))
end
