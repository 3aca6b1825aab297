-- bench/http.py's wrk script: one fixed path (BENCH_PATH), or, with BENCH_MODE=fresh,
-- a directory search never asked before on every request (a keyword, a topic, a
-- country and a career stage picked by a mixed-radix counter, so no two requests of
-- a run repeat; BENCH_SALT moves the start so runs do not repeat each other either).
-- done() prints one RESULT line of JSON that bench/http.py parses.

local mode = os.getenv("BENCH_MODE") or "fixed"
local fixed = os.getenv("BENCH_PATH") or "/"
local salt = tonumber(os.getenv("BENCH_SALT") or "0")

local function split(text)
  local out = {}
  for item in string.gmatch(text or "", "[^|]+") do out[#out + 1] = item end
  return out
end

local keywords = split(os.getenv("BENCH_KEYWORDS"))
local topics = split(os.getenv("BENCH_TOPICS"))
local countries = split(os.getenv("BENCH_COUNTRIES"))
local stages = split(os.getenv("BENCH_STAGES"))
topics[#topics + 1] = ""
countries[#countries + 1] = ""
stages[#stages + 1] = ""

local threads = {}
local counter = 0
local nthreads = 1
-- `id` is a global set by setup() through thread:set.

function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
end

local function pick(list, n)
  return list[(n % #list) + 1], math.floor(n / #list)
end

request = function()
  if mode ~= "fresh" then
    return wrk.format("GET", fixed)
  end
  local n = salt + counter * nthreads + (id or 0)
  counter = counter + 1
  local q, topic, country, stage
  q, n = pick(keywords, n)
  topic, n = pick(topics, n)
  country, n = pick(countries, n)
  stage, n = pick(stages, n)
  local path = "/directory/?q=" .. q
  if topic ~= "" then path = path .. "&topic=" .. topic end
  if country ~= "" then path = path .. "&country=" .. country end
  if stage ~= "" then path = path .. "&career_stage=" .. stage end
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
