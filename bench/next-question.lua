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

dofile("bench/wrk-report.lua")
