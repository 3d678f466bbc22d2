// SPDX-License-Identifier: GPL-2.0
/*
 * slhttpd's HTTP/1.x request parser. The grammar, limits and results are
 * described in http.h.
 *
 * Every helper reads through a cursor whose end is the end of the input or
 * the SLH_MAX_HEAD limit, whichever comes first. A helper that reaches the
 * end returns the cursor's "cut" result, so any prefix of a valid request
 * gives SLH_INCOMPLETE (or 431 once past the limit) and never an error.
 * Helpers return 0 to go on, anything else is the final result.
 */
#include "http.h"

/* Character classes, one bit each. */
#define C_TCHAR	0x01	/* token, RFC 9110 5.6.2 */
#define C_HOST	0x02	/* RFC 3986 host[:port]: unreserved, sub-delims, %:[] */
#define C_DIGIT	0x04

#define C_TH	(C_TCHAR | C_HOST)

static const uint8_t slh_ctype[256] = {
	['0' ... '9'] = C_TH | C_DIGIT,
	['A' ... 'Z'] = C_TH,
	['a' ... 'z'] = C_TH,
	['!'] = C_TH, ['#'] = C_TCHAR, ['$'] = C_TH, ['%'] = C_TH,
	['&'] = C_TH, ['\''] = C_TH, ['('] = C_HOST, [')'] = C_HOST,
	['*'] = C_TH, ['+'] = C_TH, [','] = C_HOST, ['-'] = C_TH,
	['.'] = C_TH, [':'] = C_HOST, [';'] = C_HOST, ['='] = C_HOST,
	['['] = C_HOST, [']'] = C_HOST, ['^'] = C_TCHAR, ['_'] = C_TH,
	['`'] = C_TCHAR, ['|'] = C_TCHAR, ['~'] = C_TH,
};

/* Absolute-form targets with an empty path stand for "/". */
static const uint8_t slh_root[] = "/";

struct slh_method_name {
	const char *name;
	enum slh_method method;
};

static const struct slh_method_name slh_methods[] = {
	{ "GET", SLH_GET },
	{ "HEAD", SLH_HEAD },
	{ "POST", SLH_OTHER_KNOWN },
	{ "PUT", SLH_OTHER_KNOWN },
	{ "DELETE", SLH_OTHER_KNOWN },
	{ "CONNECT", SLH_OTHER_KNOWN },
	{ "OPTIONS", SLH_OTHER_KNOWN },
	{ "TRACE", SLH_OTHER_KNOWN },
	{ "PATCH", SLH_OTHER_KNOWN },
	{ NULL, SLH_UNKNOWN },
};

/* What the field lines told, judged once the header section has ended. */
struct slh_fields {
	uint8_t host;		/* Host lines seen */
	uint8_t close;		/* Connection: close */
	uint8_t keep_alive;	/* Connection: keep-alive */
	uint8_t cl;		/* Content-Length seen */
	uint8_t cl_nonzero;
	uint8_t te;		/* Transfer-Encoding seen */
};

struct slh_cursor {
	const uint8_t *pos;
	const uint8_t *end;
	int cut;		/* result when pos reaches end */
};

static int slh_is(uint8_t ch, uint8_t class)
{
	return slh_ctype[ch] & class;
}

static int slh_is_ows(uint8_t ch)
{
	return ch == ' ' || ch == '\t';
}

/* Field value bytes, RFC 9110 5.5: no control byte but HTAB, no DEL. */
static int slh_is_value(uint8_t ch)
{
	return (ch >= 0x20 && ch != 0x7f) || ch == '\t';
}

static uint8_t slh_lower(uint8_t ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch | 0x20 : ch;
}

/* s[0..n) starts with lowercase lit, ignoring the case of s. */
static int slh_has_prefix(const uint8_t *s, uint32_t n, const char *lit)
{
	uint32_t i;

	for (i = 0; lit[i]; i++)
		if (i >= n || slh_lower(s[i]) != (uint8_t)lit[i])
			return 0;
	return 1;
}

/* s[0..n) is lowercase lit, ignoring the case of s. */
static int slh_name_is(const uint8_t *s, uint32_t n, const char *lit)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (!lit[i] || slh_lower(s[i]) != (uint8_t)lit[i])
			return 0;
	return !lit[n];
}

/* Consume CRLF; a bare CR or LF, or anything else, is malformed. */
static int slh_expect_crlf(struct slh_cursor *c)
{
	if (c->pos == c->end)
		return c->cut;
	if (*c->pos != '\r')
		return 400;
	if (c->end - c->pos < 2)
		return c->cut;
	if (c->pos[1] != '\n')
		return 400;
	c->pos += 2;
	return 0;
}

static enum slh_method slh_lookup_method(const uint8_t *s, uint32_t n)
{
	const struct slh_method_name *m;

	for (m = slh_methods; m->name; m++)
		if (strlen(m->name) == n && !memcmp(m->name, s, n))
			return m->method;
	return SLH_UNKNOWN;
}

/* method SP; methods are case-sensitive (RFC 9110 9.1). */
static int slh_parse_method(struct slh_cursor *c, struct slh_request *req)
{
	const uint8_t *start = c->pos;

	while (c->pos < c->end && slh_is(*c->pos, C_TCHAR)) {
		if (c->pos - start == SLH_MAX_METHOD)
			return 501;
		c->pos++;
	}
	if (c->pos == c->end)
		return c->cut;
	if (*c->pos != ' ' || c->pos == start)
		return 400;
	req->method = slh_lookup_method(start, (uint32_t)(c->pos - start));
	c->pos++;
	return 0;
}

/* request-target SP: visible ASCII; '#' never reaches a server. */
static int slh_scan_target(struct slh_cursor *c, const uint8_t **target,
			   uint32_t *len)
{
	const uint8_t *start = c->pos;

	while (c->pos < c->end && *c->pos != ' ') {
		if (*c->pos <= 0x20 || *c->pos >= 0x7f || *c->pos == '#')
			return 400;
		if (c->pos - start == SLH_MAX_TARGET)
			return 414;
		c->pos++;
	}
	if (c->pos == c->end)
		return c->cut;
	if (c->pos == start)
		return 400;
	*target = start;
	*len = (uint32_t)(c->pos - start);
	c->pos++;
	return 0;
}

/* "HTTP/" DIGIT "." DIGIT CRLF, checked byte by byte as far as present. */
static int slh_parse_version(struct slh_cursor *c, struct slh_request *req)
{
	static const char shape[] = "HTTP/9.9";
	uint8_t major, minor, ch;
	uint32_t i;
	int ret;

	for (i = 0; shape[i]; i++) {
		if (c->pos + i == c->end)
			return c->cut;
		ch = c->pos[i];
		if (shape[i] == '9' ? !slh_is(ch, C_DIGIT) : ch != shape[i])
			return 400;
	}
	major = c->pos[5] - '0';
	minor = c->pos[7] - '0';
	c->pos += i;
	ret = slh_expect_crlf(c);
	if (ret)
		return ret;
	if (major != 1)
		return 505;
	req->version = minor ? 11 : 10;
	return 0;
}

/* Skip "http://authority" or "https://authority" of an absolute-form. */
static int slh_skip_authority(const uint8_t *t, uint32_t n, uint32_t *pos)
{
	uint32_t i, start;

	if (slh_has_prefix(t, n, "http://"))
		i = 7;
	else if (slh_has_prefix(t, n, "https://"))
		i = 8;
	else
		return 400;
	start = i;
	/* No '@': userinfo in a request is an error (RFC 9110 4.2.4). */
	for (; i < n && t[i] != '/' && t[i] != '?'; i++)
		if (!slh_is(t[i], C_HOST))
			return 400;
	if (i == start)
		return 400;	/* empty host (RFC 9110 4.2.1) */
	*pos = i;
	return 0;
}

/* DIGITS[kKmM], at most SLH_SYNTH_SIZE_MAX. */
static int slh_parse_size(const uint8_t *v, uint32_t n, int32_t *size)
{
	const uint32_t max = SLH_SYNTH_SIZE_MAX;
	uint32_t i, val = 0, shift = 0, d;

	if (n && slh_lower(v[n - 1]) == 'k')
		shift = 10;
	else if (n && slh_lower(v[n - 1]) == 'm')
		shift = 20;
	if (shift)
		n--;
	if (!n)
		return 400;
	for (i = 0; i < n; i++) {
		if (!slh_is(v[i], C_DIGIT))
			return 400;
		d = v[i] - '0';
		if (val > (max - d) / 10)
			return 400;
		val = val * 10 + d;
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
		if (!slh_is(v[i], C_DIGIT))
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
	const uint8_t *q = req->query;
	uint32_t n = req->query_len, i, start;
	int ret;

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

/* Split a scanned target into path and query; read s= and r=. */
static int slh_parse_target(const uint8_t *t, uint32_t n,
			    struct slh_request *req)
{
	uint32_t i = 0, path;
	int ret;

	if (t[0] != '/') {
		ret = slh_skip_authority(t, n, &i);
		if (ret)
			return ret;
	}
	path = i;
	while (i < n && t[i] != '?')
		i++;
	if (i == path) {
		req->path = slh_root;
		req->path_len = 1;
	} else {
		req->path = t + path;
		req->path_len = (uint16_t)(i - path);
	}
	if (i == n)
		return 0;
	req->query = t + i + 1;
	req->query_len = (uint16_t)(n - i - 1);
	return slh_parse_query(req);
}

static int slh_parse_request_line(struct slh_cursor *c,
				  struct slh_request *req)
{
	const uint8_t *target = NULL;
	uint32_t target_len = 0;
	int ret;

	if (c->pos < c->end && *c->pos == '\r') {
		ret = slh_expect_crlf(c);	/* one empty line is skipped */
		if (ret)
			return ret;
	}
	ret = slh_parse_method(c, req);
	if (ret)
		return ret;
	/* cut after the method, the request line is too long to fit */
	req->cut_status = 414;
	ret = slh_scan_target(c, &target, &target_len);
	if (ret)
		return ret;
	ret = slh_parse_version(c, req);
	if (ret)
		return ret;
	if (req->method == SLH_UNKNOWN)
		return 501;
	if (req->method == SLH_OTHER_KNOWN)
		return 405;
	return slh_parse_target(target, target_len, req);
}

static int slh_field_host(struct slh_fields *f, const uint8_t *v, uint32_t n)
{
	uint32_t i;

	if (f->host++)
		return 400;	/* RFC 9112 3.2: one Host line at most */
	for (i = 0; i < n; i++)
		if (!slh_is(v[i], C_HOST))
			return 400;
	return 0;
}

/* #token, RFC 9110 5.6.1: empty elements are allowed. */
static int slh_field_connection(struct slh_fields *f, const uint8_t *v,
				uint32_t n)
{
	uint32_t i, tok;

	for (i = 0; i < n; i++) {
		while (i < n && slh_is_ows(v[i]))
			i++;
		tok = i;
		while (i < n && slh_is(v[i], C_TCHAR))
			i++;
		if (slh_name_is(v + tok, i - tok, "close"))
			f->close = 1;
		else if (slh_name_is(v + tok, i - tok, "keep-alive"))
			f->keep_alive = 1;
		while (i < n && slh_is_ows(v[i]))
			i++;
		if (i < n && v[i] != ',')
			return 400;
	}
	return 0;
}

/* 1*DIGIT, once (RFC 9112 6.3): only whether it is zero matters. */
static int slh_field_content_length(struct slh_fields *f, const uint8_t *v,
				    uint32_t n)
{
	uint32_t i;

	if (f->cl || !n)
		return 400;
	f->cl = 1;
	for (i = 0; i < n; i++) {
		if (!slh_is(v[i], C_DIGIT))
			return 400;
		if (v[i] != '0')
			f->cl_nonzero = 1;
	}
	return 0;
}

static int slh_use_field(struct slh_fields *f, const uint8_t *name,
			 uint32_t name_len, const uint8_t *v, uint32_t n)
{
	if (slh_name_is(name, name_len, "host"))
		return slh_field_host(f, v, n);
	if (slh_name_is(name, name_len, "connection"))
		return slh_field_connection(f, v, n);
	if (slh_name_is(name, name_len, "content-length"))
		return slh_field_content_length(f, v, n);
	if (slh_name_is(name, name_len, "transfer-encoding"))
		f->te = 1;
	return 0;
}

/* name ":" OWS value OWS CRLF; no space before the colon (RFC 9112 5.1). */
static int slh_parse_field(struct slh_cursor *c, struct slh_fields *f)
{
	const uint8_t *name = c->pos, *val, *val_end;
	uint32_t name_len;
	int ret;

	while (c->pos < c->end && slh_is(*c->pos, C_TCHAR))
		c->pos++;
	if (c->pos == c->end)
		return c->cut;
	/* an empty name is an obs-fold or a line of whitespace: refused */
	if (*c->pos != ':' || c->pos == name)
		return 400;
	name_len = (uint32_t)(c->pos - name);
	c->pos++;
	while (c->pos < c->end && slh_is_ows(*c->pos))
		c->pos++;
	val = c->pos;
	while (c->pos < c->end && slh_is_value(*c->pos))
		c->pos++;
	val_end = c->pos;
	ret = slh_expect_crlf(c);	/* also refuses NUL and other CTLs */
	if (ret)
		return ret;
	while (val_end > val && slh_is_ows(val_end[-1]))
		val_end--;
	return slh_use_field(f, name, name_len, val, (uint32_t)(val_end - val));
}

/* Judge the request once its header section has ended. */
static int slh_check_fields(const struct slh_fields *f,
			    struct slh_request *req)
{
	if (req->version == 11 && !f->host)
		return 400;	/* RFC 9112 3.2 */
	if (f->te)
		return f->cl || req->version == 10 ? 400 : 501;
	if (f->cl_nonzero)
		return 413;
	req->keep_alive = !f->close && (req->version == 11 || f->keep_alive);
	return 0;
}

static int slh_parse_fields(struct slh_cursor *c, struct slh_request *req)
{
	struct slh_fields f = { 0 };
	uint32_t lines = 0;
	int ret;

	while (c->pos < c->end) {
		if (*c->pos == '\r') {
			ret = slh_expect_crlf(c);
			return ret ? ret : slh_check_fields(&f, req);
		}
		if (++lines > SLH_MAX_FIELDS)
			return 431;
		ret = slh_parse_field(c, &f);
		if (ret)
			return ret;
	}
	return c->cut;
}

int slh_parse_request(const uint8_t *buf, uint32_t len,
		      struct slh_request *req)
{
	struct slh_cursor c;
	int ret;

	memset(req, 0, sizeof(*req));
	req->synth_size = -1;
	req->cut_status = 400;
	if (!len)
		return SLH_INCOMPLETE;
	c.pos = buf;
	c.end = buf + (len < SLH_MAX_HEAD ? len : SLH_MAX_HEAD);
	/* past the limit, a request that has not ended is too large */
	c.cut = len > SLH_MAX_HEAD ? 431 : SLH_INCOMPLETE;
	ret = slh_parse_request_line(&c, req);
	if (ret)
		return ret;
	req->cut_status = 431;
	ret = slh_parse_fields(&c, req);
	if (ret)
		return ret;
	req->len = (uint16_t)(c.pos - buf);
	return SLH_OK;
}
