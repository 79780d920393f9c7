-- wrk script for the HAPI FHIR JPA starter side of bench/hapi-compare.sh: the same body and conditional create as
-- bench/qr-create.lua (fresh identifier and subject per request, If-None-Exist on the identifier), without the
-- Authorization header, which the starter has no interceptor for.
--   wrk -t2 -c32 -d30s -s bench/hapi-qr-create.lua http://127.0.0.1:8280/fhir/QuestionnaireResponse
local template
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
  -- "h" keeps HAPI's ids apart from ours; time and thread make reruns on one database collision-free
  thread_tag = string.format("h%x-%d", os.time(), tid)
end

function request()
  counter = counter + 1
  local id = thread_tag .. "-" .. counter
  local body = template:gsub("{{ID}}", id)
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/fhir+json",
    ["Accept"] = "application/fhir+json",
    ["If-None-Exist"] = "identifier=urn:vointi:bench|" .. id,
  }, body)
end

dofile("bench/wrk-report.lua")
