-- wrk script: POST a completed demo-PROM QuestionnaireResponse with a fresh identifier and subject
-- per request (conditional create with If-None-Exist), so every request stores a new resource.
--   wrk -t2 -c32 -d60s -s bench/qr-create.lua http://127.0.0.1:8090/fhir/QuestionnaireResponse
-- TOKEN: the bearer token (no Authorization header when empty: the HAPI starter of bench/hapi-compare.sh has none);
-- ID_PREFIX: put before every identifier (hapi-compare.sh: "h", keeping HAPI's ids apart from ours).
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
  thread_tag = string.format("%s%x-%d", os.getenv("ID_PREFIX") or "", os.time(), tid)
end

function request()
  counter = counter + 1
  local id = thread_tag .. "-" .. counter
  local body = template:gsub("{{ID}}", id)
  local headers = {
    ["Content-Type"] = "application/fhir+json",
    ["Accept"] = "application/fhir+json",
    ["If-None-Exist"] = "identifier=urn:vointi:bench|" .. id,
  }
  if token ~= "" then
    headers["Authorization"] = "Bearer " .. token
  end
  return wrk.format("POST", nil, headers, body)
end

dofile("bench/wrk-report.lua")
