-- SPDX-License-Identifier: GPL-2.0
-- wrk script for tests/lab/ring.sh: counts responses by status over all
-- threads and prints "status N count" lines when done.
local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	statuses = {}
end

function response(status, headers, body)
	statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
	local total = {}
	for _, t in ipairs(threads) do
		for s, n in pairs(t:get("statuses")) do
			total[s] = (total[s] or 0) + n
		end
	end
	for s, n in pairs(total) do
		io.write(string.format("status %d %d\n", s, n))
	end
	io.write(string.format("timeouts %d errors %d\n",
		summary.errors.timeout, summary.errors.connect +
		summary.errors.read + summary.errors.write))
end
