// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: slhttpd's request parser on arbitrary segments. The
 * input sits in an exactly sized heap buffer so ASan sees any overread,
 * and the pipelining loop checks the invariants the server relies on.
 */
#include <stdlib.h>
#include <string.h>
#include "../request.h"

static int within(const uint8_t *p, uint32_t n, const uint8_t *lo,
		  const uint8_t *hi)
{
	return p >= lo && p <= hi && n <= (uint32_t)(hi - p);
}

static void check_ok(const struct slh_request *req, const uint8_t *at,
		     uint32_t left)
{
	if (!req->h.len || req->h.len > left || req->h.len > NDIV_HTTP1_MAX_HEAD)
		abort();
	if (req->h.method != NDIV_HTTP1_GET && req->h.method != NDIV_HTTP1_HEAD)
		abort();
	if (req->h.version != 10 && req->h.version != 11)
		abort();
	if (req->h.keep_alive > 1 || !req->h.path || !req->h.path_len)
		abort();
	if (req->h.path_len > NDIV_HTTP1_MAX_TARGET || req->h.path[0] != '/')
		abort();
	/* path is in this request, or the static "/" */
	if (!within(req->h.path, req->h.path_len, at, at + req->h.len) &&
	    req->h.path_len != 1)
		abort();
	if (req->h.query &&
	    !within(req->h.query, req->h.query_len, at, at + req->h.len))
		abort();
	if (!req->h.query && req->h.query_len)
		abort();
	if (req->synth_size < -1 || req->synth_size > SLH_SYNTH_SIZE_MAX)
		abort();
	if (req->synth_status && (req->synth_status < 200 ||
				  req->synth_status > 599))
		abort();
	/* a request ends with CRLFCRLF */
	if (req->h.len < 4 || memcmp(at + req->h.len - 4, "\r\n\r\n", 4))
		abort();
}

static void check_result(int ret, const struct slh_request *req)
{
	if (req->h.len)
		abort();
	switch (ret) {
	case NDIV_HTTP1_INCOMPLETE:
		if (req->h.cut_status != 400 && req->h.cut_status != 414 &&
		    req->h.cut_status != 431)
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

	if (slh_parse_request(at, len, &req) != NDIV_HTTP1_OK || req.h.len != len)
		abort();
	if (slh_parse_request(at, len - 1u, &req) != NDIV_HTTP1_INCOMPLETE)
		abort();
	if (slh_parse_request(at, len / 2u, &req) != NDIV_HTTP1_INCOMPLETE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slh_request req;
	uint32_t off = 0, n = 0;
	uint8_t *buf;
	int ret;

	if (size > 3 * NDIV_HTTP1_MAX_HEAD)
		return 0;
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	while (off < size) {
		ret = slh_parse_request(buf + off, (uint32_t)size - off, &req);
		if (ret != NDIV_HTTP1_OK) {
			check_result(ret, &req);
			break;
		}
		check_ok(&req, buf + off, (uint32_t)size - off);
		check_prefixes(buf + off, req.h.len);
		off += req.h.len;		/* progress: len > 0 checked */
		if (++n > size)
			abort();
	}
	if (memcmp(buf, data, size))
		abort();		/* the input is read-only */
	free(buf);
	return 0;
}
