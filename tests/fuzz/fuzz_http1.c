// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: slhttpd's request parser on arbitrary segments. The
 * input sits in an exactly sized heap buffer so ASan sees any overread,
 * and the pipelining loop checks the invariants the server relies on.
 */
#include <stdlib.h>
#include <string.h>
#include "../../slhttpd/http.h"

static int within(const uint8_t *p, uint32_t n, const uint8_t *lo,
		  const uint8_t *hi)
{
	return p >= lo && p <= hi && n <= (uint32_t)(hi - p);
}

static void check_ok(const struct slh_request *req, const uint8_t *at,
		     uint32_t left)
{
	if (!req->len || req->len > left || req->len > SLH_MAX_HEAD)
		abort();
	if (req->method != SLH_GET && req->method != SLH_HEAD)
		abort();
	if (req->version != 10 && req->version != 11)
		abort();
	if (req->keep_alive > 1 || !req->path || !req->path_len)
		abort();
	if (req->path_len > SLH_MAX_TARGET || req->path[0] != '/')
		abort();
	/* path is in this request, or the static "/" */
	if (!within(req->path, req->path_len, at, at + req->len) &&
	    req->path_len != 1)
		abort();
	if (req->query &&
	    !within(req->query, req->query_len, at, at + req->len))
		abort();
	if (!req->query && req->query_len)
		abort();
	if (req->synth_size < -1 || req->synth_size > SLH_SYNTH_SIZE_MAX)
		abort();
	if (req->synth_status && (req->synth_status < 200 ||
				  req->synth_status > 599))
		abort();
	/* a request ends with CRLFCRLF */
	if (req->len < 4 || memcmp(at + req->len - 4, "\r\n\r\n", 4))
		abort();
}

static void check_result(int ret, const struct slh_request *req)
{
	if (req->len)
		abort();
	switch (ret) {
	case SLH_INCOMPLETE:
		if (req->cut_status != 400 && req->cut_status != 414 &&
		    req->cut_status != 431)
			abort();
		return;
	case 400: case 405: case 413: case 414: case 431: case 501: case 505:
		return;
	default:
		abort();
	}
}

/* Cut anywhere, a valid request reads as incomplete, never as an error. */
static void check_prefixes(const uint8_t *at, uint16_t len)
{
	struct slh_request req;

	if (slh_parse_request(at, len, &req) != SLH_OK || req.len != len)
		abort();
	if (slh_parse_request(at, len - 1u, &req) != SLH_INCOMPLETE)
		abort();
	if (slh_parse_request(at, len / 2u, &req) != SLH_INCOMPLETE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slh_request req;
	uint32_t off = 0, n = 0;
	uint8_t *buf;
	int ret;

	if (size > 3 * SLH_MAX_HEAD)
		return 0;
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	while (off < size) {
		ret = slh_parse_request(buf + off, (uint32_t)size - off, &req);
		if (ret != SLH_OK) {
			check_result(ret, &req);
			break;
		}
		check_ok(&req, buf + off, (uint32_t)size - off);
		check_prefixes(buf + off, req.len);
		off += req.len;		/* progress: len > 0 checked */
		if (++n > size)
			abort();
	}
	if (memcmp(buf, data, size))
		abort();		/* the input is read-only */
	free(buf);
	return 0;
}
