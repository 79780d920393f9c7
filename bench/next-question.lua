-- wrk script: replays the $next-question bodies of one recorded adaptive test (0..N-1 answers so far),
-- cycling through them so that the load mixes early and late calls as real tests do.
--   BODIES=12 wrk -t2 -c64 -d60s -s bench/next-question.lua http://127.0.0.1:8091/fhir/Questionnaire/\$next-question
local bodies = {}
local i = 0

function init(args)
  local n = tonumber(os.getenv("BODIES") or "1")
  local dir = os.getenv("BODY_DIR") or "target"
  for k = 0, n - 1 do
    local f = assert(io.open(dir .. "/nq-body-" .. k .. ".json", "r"))
    bodies[#bodies + 1] = f:read("*a")
    f:close()
  end
  i = math.random(#bodies) - 1
end

function request()
  i = (i % #bodies) + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/fhir+json", ["Accept"] = "application/fhir+json"}, bodies[i])
end

function done(summary, latency, requests)
  io.write(string.format("requests=%d duration=%.1fs throughput=%.1f req/s errors(connect,read,write,non-2xx,timeout)=%d,%d,%d,%d,%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
  io.write(string.format("latency ms: p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
