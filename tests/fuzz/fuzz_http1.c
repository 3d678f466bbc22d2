// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the packet library's HTTP/1 parser on arbitrary
 * bytes. The input sits in an exactly sized heap buffer so ASan sees any
 * overread; every pointer and offset the parser hands out must lie inside
 * the head it reports, and the result must be one of those documented.
 */
#include <stdlib.h>
#include <string.h>
#include <ndiv/http1.h>

static void check_span(uint32_t off, uint32_t len, uint32_t end)
{
	if (off > end || len > end - off)
		abort();
}

static void check_ptr(const uint8_t *p, uint32_t len, const uint8_t *buf,
		      uint32_t end)
{
	static const uint8_t *root;

	if (!p) {
		if (len)
			abort();
		return;
	}
	/* the static "/" of an absolute-form target without a path */
	if (len == 1 && p[0] == '/' && (p < buf || p >= buf + end)) {
		if (root && root != p)
			abort();
		root = p;
		return;
	}
	if (p < buf || (uint32_t)(p - buf) > end ||
	    len > end - (uint32_t)(p - buf))
		abort();
}

static void check_ok(const struct ndiv_http1_req *req,
		     const struct ndiv_http1_field *fields, const uint8_t *buf,
		     uint32_t size)
{
	uint32_t end = req->len, i;

	if (!end || end > size || end > NDIV_HTTP1_MAX_HEAD)
		abort();
	if (end < 4 || memcmp(buf + end - 4, "\r\n\r\n", 4))
		abort();
	if (req->version != 10 && req->version != 11)
		abort();
	if (!req->method || req->method > NDIV_HTTP1_OTHER ||
	    !req->method_len || req->method_len > NDIV_HTTP1_MAX_METHOD)
		abort();
	check_span(req->method_off, req->method_len, end);
	check_span(req->target_off, req->target_len, end);
	check_ptr(req->path, req->path_len, buf, end);
	check_ptr(req->query, req->query_len, buf, end);
	check_ptr(req->host, req->host_len, buf, end);
	if (req->nr_fields > NDIV_HTTP1_MAX_FIELDS)
		abort();
	for (i = 0; i < req->nr_fields; i++) {
		check_span(fields[i].name_off, fields[i].name_len, end);
		check_span(fields[i].value_off, fields[i].value_len, end);
	}
	if ((req->flags & NDIV_HTTP1_F_TE) &&
	    ((req->flags & NDIV_HTTP1_F_LENGTH) || req->version == 10))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ndiv_http1_field fields[NDIV_HTTP1_MAX_FIELDS];
	struct ndiv_http1_req req;
	uint8_t *buf;
	int ret;

	if (size > 2 * NDIV_HTTP1_MAX_HEAD)
		return 0;
	buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	ret = ndiv_http1_parse(buf, (uint32_t)size, &req, fields,
			       NDIV_HTTP1_MAX_FIELDS);
	switch (ret) {
	case NDIV_HTTP1_OK:
		check_ok(&req, fields, buf, (uint32_t)size);
		break;
	case NDIV_HTTP1_INCOMPLETE:
		if (req.len || (req.cut_status != 400 &&
				req.cut_status != 414 && req.cut_status != 431))
			abort();
		break;
	case 400: case 414: case 431: case 501: case 505:
		if (req.len)
			abort();
		break;
	default:
		abort();
	}
	free(buf);
	return 0;
}
