-- bench/rest_trigger.lua: wrk script for bench/run_rest.sh. Every request is the same signed
-- trigger, read from the file named by the environment variable HERALD_REQUEST (a whole HTTP
-- request). HERALD_PIPELINE > 1 sends that many copies back to back before reading their answers.
local file = assert(io.open(os.getenv("HERALD_REQUEST"), "rb"))
local one = file:read("*a")
file:close()
local depth = tonumber(os.getenv("HERALD_PIPELINE") or "1")
local batch = string.rep(one, depth)

function request()
    return batch
end
