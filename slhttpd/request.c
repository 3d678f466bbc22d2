// SPDX-License-Identifier: GPL-2.0
/*
 * slhttpd's request policy over the library's HTTP/1 parser; what is
 * served is described in request.h. Runs in softirq like the engine:
 * no state, no allocation, every loop bounded by the parsed lengths.
 */
#include "request.h"

static int slh_digit(uint8_t ch)
{
	return ch >= '0' && ch <= '9';
}

/* DIGITS[kKmM], at most SLH_SYNTH_SIZE_MAX. */
static int slh_parse_size(const uint8_t *v, uint32_t n, int32_t *size)
{
	const uint32_t max = SLH_SYNTH_SIZE_MAX;
	uint32_t i, shift = 0;
	uint64_t val = 0;

	if (n && (v[n - 1] | 0x20) == 'k')
		shift = 10;
	else if (n && (v[n - 1] | 0x20) == 'm')
		shift = 20;
	if (shift)
		n--;
	if (!n)
		return 400;
	for (i = 0; i < n; i++) {
		if (!slh_digit(v[i]))
			return 400;
		/* val <= max before, so this cannot wrap a u64 */
		val = val * 10 + (v[i] - '0');
		if (val > max)
			return 400;
	}
	if (val > max >> shift)
		return 400;
	*size = (int32_t)(val << shift);
	return 0;
}

/* Exactly three digits, a final status 200-599. */
static int slh_parse_code(const uint8_t *v, uint32_t n, uint16_t *code)
{
	uint32_t i, val = 0;

	if (n != 3)
		return 400;
	for (i = 0; i < n; i++) {
		if (!slh_digit(v[i]))
			return 400;
		val = val * 10 + v[i] - '0';
	}
	if (val < 200 || val > 599)
		return 400;
	*code = (uint16_t)val;
	return 0;
}

static int slh_parse_param(const uint8_t *p, uint32_t n,
			   struct slh_request *req)
{
	if (n < 2 || p[1] != '=')
		return 0;
	if (p[0] == 's')
		return slh_parse_size(p + 2, n - 2, &req->synth_size);
	if (p[0] == 'r')
		return slh_parse_code(p + 2, n - 2, &req->synth_status);
	return 0;
}

static int slh_parse_query(struct slh_request *req)
{
	const uint8_t *q = req->h.query;
	uint32_t n = req->h.query_len, i, start;
	int ret;

	if (!q)
		return 0;
	for (i = 0; i <= n; i++) {
		start = i;
		while (i < n && q[i] != '&')
			i++;
		ret = slh_parse_param(q + start, i - start, req);
		if (ret)
			return ret;
	}
	return 0;
}

static int slh_method_policy(const struct ndiv_http1_req *h)
{
	switch (h->method) {
	case NDIV_HTTP1_GET:
	case NDIV_HTTP1_HEAD:
		return 0;
	case NDIV_HTTP1_OTHER:
		return 501;
	default:
		return 405;
	}
}

static int slh_body_policy(const struct ndiv_http1_req *h)
{
	if (h->flags & NDIV_HTTP1_F_TE)
		return 501;
	if ((h->flags & NDIV_HTTP1_F_LENGTH) && h->content_length)
		return 413;
	return 0;
}

int slh_parse_request(const uint8_t *buf, uint32_t len,
		      struct slh_request *req)
{
	int ret, pol;

	req->synth_size = -1;
	req->synth_status = 0;
	ret = ndiv_http1_parse(buf, len, &req->h, NULL, 0);
	/* the request line was read when the version was */
	if (!req->h.version)
		return ret;
	pol = slh_method_policy(&req->h);
	if (!pol && req->h.path)
		pol = slh_parse_query(req);
	if (pol || ret != NDIV_HTTP1_OK) {
		req->h.len = 0;
		return pol ? pol : ret;
	}
	pol = slh_body_policy(&req->h);
	if (pol)
		req->h.len = 0;
	return pol ? pol : NDIV_HTTP1_OK;
}
