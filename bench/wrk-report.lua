-- Shared summary for the wrk scripts (run from the repository root): throughput, errors, latency percentiles.
function done(summary, latency, requests)
  io.write(string.format("requests=%d duration=%.1fs throughput=%.1f req/s errors(connect,read,write,non-2xx,timeout)=%d,%d,%d,%d,%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
  io.write(string.format("latency ms: p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
