-- wrk script: POST the order named by BOXCAR_BENCH_BODY to /v1/pack,
-- as JSON (or CBOR when BOXCAR_BENCH_TYPE is application/cbor).
local path = os.getenv("BOXCAR_BENCH_BODY")
local f = assert(io.open(path, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
local ctype = os.getenv("BOXCAR_BENCH_TYPE") or "application/json"
wrk.headers["Content-Type"] = ctype
-- a CSV body (POST /v1/carbon) is answered in JSON unless told otherwise
wrk.headers["Accept"] = os.getenv("BOXCAR_BENCH_ACCEPT")
  or (ctype == "text/csv" and "application/json" or ctype)
-- POST /v1/pack?station=S issues containers, so it needs the token
local token = os.getenv("BOXCAR_BENCH_TOKEN")
if token then wrk.headers["Authorization"] = "Bearer " .. token end
