-- wrk script for bench/steps/dpo-search.sh: GET the paths listed one a line in $BENCH_PATHS, round
-- robin (each thread starting elsewhere in the list), with one bearer token ($BENCH_TOKEN) and
-- Purpose-Of-Use $BENCH_PURPOSE; one machine-readable summary line at the end.
local token = os.getenv("BENCH_TOKEN")
local purpose = os.getenv("BENCH_PURPOSE") or "DPO-REVIEW"
local paths = {}
local file = assert(io.open(os.getenv("BENCH_PATHS"), "r"))
for line in file:lines() do
  if #line > 0 then paths[#paths + 1] = line end
end
file:close()

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
end

function init(args)
  index = offset or 0
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index], { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json",
    ["Purpose-Of-Use"] = purpose })
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"errors":%d,"non2xx":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors, summary.errors.status))
end
