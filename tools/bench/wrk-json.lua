-- SPDX-License-Identifier: GPL-2.0
-- wrk script for make bench-http: prints one JSON line with the totals.
done = function(summary, latency, requests)
	local e = summary.errors
	io.write(string.format('{"requests": %d, "duration_us": %d, ' ..
		'"bytes": %d, "err_connect": %d, "err_read": %d, ' ..
		'"err_write": %d, "err_status": %d, "err_timeout": %d, ' ..
		'"lat_p50_us": %d, "lat_p99_us": %d, "lat_max_us": %d}\n',
		summary.requests, summary.duration, summary.bytes,
		e.connect, e.read, e.write, e.status, e.timeout,
		latency:percentile(50), latency:percentile(99), latency.max))
end
