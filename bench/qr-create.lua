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

dofile("bench/wrk-report.lua")
