-- wrk script of benchmarks/bench_submit.py: POSTs whole questionnaires as JSON, each with a new
-- submission key, and counts the answers by HTTP status. Install wrk with: apt-get install wrk
--
-- SAPA_BODIES: a file of "path<TAB>body before the key<TAB>body after the key" lines (made by the
-- benchmark from valid random questionnaires); SAPA_RUN: a prefix that makes keys unique per run;
-- SAPA_PATH: post every body to this path instead (the bare endpoint).
local bodies_file = os.getenv("SAPA_BODIES")
local run = os.getenv("SAPA_RUN") or "run"
local fixed_path = os.getenv("SAPA_PATH")
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  items = {}
  for line in io.lines(bodies_file) do
    local path, before, after = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)$")
    table.insert(items, {fixed_path or path, before, after})
  end
  position = ((id - 1) * 7919) % #items
  statuses = {}
  sent = 0
  headers = {["Content-Type"] = "application/json"}
end

function request()
  position = position % #items + 1
  sent = sent + 1
  local item = items[position]
  local key = string.format("%s-%d-%d", run, id, sent)
  return wrk.format("POST", item[1], headers, item[2] .. key .. item[3])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local sent_total = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    sent_total = sent_total + thread:get("sent")
    for status, count in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(by_status) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local errors = summary.errors
  -- every latency wrk recorded (microseconds, count), so the benchmark can pool several runs exactly
  local histogram = {}
  for i = 1, #latency do
    local value, count = latency(i)
    table.insert(histogram, string.format("[%d, %d]", value, count))
  end
  io.write(string.format(
    'SAPA-RESULT {"duration_us": %d, "answered": %d, "sent": %d, "statuses": {%s}, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "max": %d}, "histogram": [%s]}\n',
    summary.duration, summary.requests, sent_total, table.concat(parts, ", "),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    table.concat(histogram, ", ")))
end
