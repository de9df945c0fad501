-- wrk script for bench/steps/chronology.sh: GET $BENCH_PATH (a child's chronology, first page) with a
-- valid bearer token ($BENCH_TOKEN) and Purpose-Of-Use; one machine-readable summary line at the end.
local token = os.getenv("BENCH_TOKEN")
local path = os.getenv("BENCH_PATH")

function request()
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json",
    ["Purpose-Of-Use"] = "SAFEGUARDING" })
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"errors":%d,"non2xx":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors, summary.errors.status))
end
