-- wrk script for bench/steps/referral-intake.sh: POST /fhir with a FHIR transaction Bundle
-- (Patient + ServiceRequest, $BENCH_BUNDLE, "${nhsNumber}" replaced per request by a fresh valid NHS
-- number, so every referral is about a new child as in real intake), a valid bearer token
-- ($BENCH_TOKEN) and Purpose-Of-Use. Prints one machine-readable summary line at the end.
local file = assert(io.open(os.getenv("BENCH_BUNDLE"), "r"))
local template = file:read("*a")
file:close()
local token = os.getenv("BENCH_TOKEN")

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + (offset or 1) * 7919)
end

-- Modulus 11, as the gateway checks it: weights 10..2 on the first nine digits; a check digit of 10 is invalid.
local function nhs_number()
  while true do
    local digits, sum = {}, 0
    for i = 1, 9 do
      local d = math.random(i == 1 and 1 or 0, 9)
      digits[i] = d
      sum = sum + d * (11 - i)
    end
    local check = (11 - sum % 11) % 11
    if check ~= 10 then return table.concat(digits) .. check end
  end
end

function request()
  local body = template:gsub("%${nhsNumber}", nhs_number())
  return wrk.format("POST", "/fhir", {
    ["Authorization"] = "Bearer " .. token,
    ["Purpose-Of-Use"] = "SAFEGUARDING",
    ["Content-Type"] = "application/fhir+json",
    ["Accept"] = "application/fhir+json"
  }, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"errors":%d,"non2xx":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors, summary.errors.status))
end
