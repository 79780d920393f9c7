-- wrk script: POST a completed demo-PROM QuestionnaireResponse with a fresh identifier and subject
-- per request (conditional create with If-None-Exist), so every request stores a new resource.
--   wrk -t2 -c32 -d60s -s bench/qr-create.lua http://127.0.0.1:8090/fhir/QuestionnaireResponse
local template
local token = os.getenv("TOKEN") or ""
local counter = 0
local thread_tag

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  local f = assert(io.open(os.getenv("QR_TEMPLATE") or "bench/demo-prom-response.json", "r"))
  template = f:read("*a")
  f:close()
  -- unique per wrk thread and per run, so reruns against the same database never collide
  thread_tag = string.format("%x-%d", os.time(), tid)
end

function request()
  counter = counter + 1
  local id = thread_tag .. "-" .. counter
  local body = template:gsub("{{ID}}", id)
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/fhir+json",
    ["Accept"] = "application/fhir+json",
    ["If-None-Exist"] = "identifier=urn:vointi:bench|" .. id,
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

function done(summary, latency, requests)
  io.write(string.format("requests=%d duration=%.1fs throughput=%.1f req/s errors(connect,read,write,non-2xx,timeout)=%d,%d,%d,%d,%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
  io.write(string.format("latency ms: p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
