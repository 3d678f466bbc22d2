// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv packet library: the HTTP/1.x request parser. The grammar, limits
 * and results are described in http1.h.
 *
 * Every helper reads through a cursor whose end is the end of the input or
 * the NDIV_HTTP1_MAX_HEAD limit, whichever comes first. A helper that reaches the
 * end returns the cursor's "cut" result, so any prefix of a valid request
 * gives NDIV_HTTP1_INCOMPLETE (or 431 once past the limit) and never an error.
 * Helpers return 0 to go on, anything else is the final result.
 */
#include <ndiv/http1.h>

/* Character classes, one bit each. */
#define C_TCHAR	0x01	/* token, RFC 9110 5.6.2 */
#define C_HOST	0x02	/* RFC 3986 host[:port]: unreserved, sub-delims, %:[] */
#define C_DIGIT	0x04

#define C_TH	(C_TCHAR | C_HOST)

static const uint8_t h1_ctype[256] = {
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
static const uint8_t h1_root[] = "/";

struct h1_method_name {
	const char *name;
	uint8_t len;
	enum ndiv_http1_method method;
};

#define H1_METHOD(m)	{ #m, sizeof(#m) - 1, NDIV_HTTP1_##m }

/* RFC 9110 9.3 and RFC 5789: the methods an app may want by number. */
static const struct h1_method_name h1_methods[] = {
	H1_METHOD(GET), H1_METHOD(HEAD), H1_METHOD(POST), H1_METHOD(PUT),
	H1_METHOD(DELETE), H1_METHOD(CONNECT), H1_METHOD(OPTIONS),
	H1_METHOD(TRACE), H1_METHOD(PATCH),
};

/* What the field lines told, judged once the header section has ended. */
struct h1_fields {
	uint8_t host;		/* Host lines seen */
	uint8_t close;		/* Connection: close */
	uint8_t keep_alive;	/* Connection: keep-alive */
	struct ndiv_http1_field *out;	/* where to record lines, or NULL */
	uint32_t max_out;
};

struct h1_cursor {
	const uint8_t *base;	/* the request's first byte */
	const uint8_t *pos;
	const uint8_t *end;
	int cut;		/* result when pos reaches end */
};

static int h1_is(uint8_t ch, uint8_t class)
{
	return h1_ctype[ch] & class;
}

static int h1_is_ows(uint8_t ch)
{
	return ch == ' ' || ch == '\t';
}

/*
 * Field value bytes, RFC 9110 5.5: no control byte but HTAB, no DEL.
 * A table of its own: one load per byte of the longest loop of a parse.
 */
static const uint8_t h1_value[256] = {
	['\t'] = 1, [0x20 ... 0x7e] = 1, [0x80 ... 0xff] = 1,
};

static int h1_is_value(uint8_t ch)
{
	return h1_value[ch];
}

/*
 * Eight bytes at a time (SWAR): the long scans of a request (the target,
 * field values) step over runs of ordinary bytes a word at a time and
 * fall back to the byte loop at the first word that may hold a byte they
 * must look at. The tests say only whether such a byte may be there: a
 * false alarm costs the byte loop, never a wrong answer. Byte order does
 * not matter to them.
 */
#define H1_ONES		0x0101010101010101ULL
#define H1_HIGH		0x8080808080808080ULL

static inline uint64_t h1_load8(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/* A byte below n (n <= 128) in w. */
static inline uint64_t h1_has_less(uint64_t w, uint8_t n)
{
	return (w - H1_ONES * n) & ~w & H1_HIGH;
}

/* A byte above n (n < 128) in w. */
static inline uint64_t h1_has_more(uint64_t w, uint8_t n)
{
	return ((w + H1_ONES * (127 - n)) | w) & H1_HIGH;
}

/* A byte equal to b in w. */
static inline uint64_t h1_has_byte(uint64_t w, uint8_t b)
{
	uint64_t x = w ^ (H1_ONES * b);

	return (x - H1_ONES) & ~x & H1_HIGH;
}

static uint8_t h1_lower(uint8_t ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch | 0x20 : ch;
}

/* s[0..n) starts with lowercase lit, ignoring the case of s. */
static int h1_has_prefix(const uint8_t *s, uint32_t n, const char *lit)
{
	uint32_t i;

	for (i = 0; lit[i]; i++)
		if (i >= n || h1_lower(s[i]) != (uint8_t)lit[i])
			return 0;
	return 1;
}

/* s[0..n) is lowercase lit, ignoring the case of s. */
static int h1_name_eq(const uint8_t *s, const char *lit, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (h1_lower(s[i]) != (uint8_t)lit[i])
			return 0;
	return 1;
}

/* The lengths first: most field names are none of those looked for. */
#define h1_name_is(s, n, lit) \
	((n) == sizeof(lit) - 1 && h1_name_eq(s, lit, sizeof(lit) - 1))

/* Consume CRLF; a bare CR or LF, or anything else, is malformed. */
static int h1_expect_crlf(struct h1_cursor *c)
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

static enum ndiv_http1_method h1_lookup_method(const uint8_t *s, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < ARRAY_SIZE(h1_methods); i++)
		if (h1_methods[i].len == n && !memcmp(h1_methods[i].name, s, n))
			return h1_methods[i].method;
	return NDIV_HTTP1_OTHER;
}

/* method SP; methods are case-sensitive (RFC 9110 9.1). */
static int h1_parse_method(struct h1_cursor *c, struct ndiv_http1_req *req)
{
	const uint8_t *start = c->pos;

	while (c->pos < c->end && h1_is(*c->pos, C_TCHAR)) {
		if (c->pos - start == NDIV_HTTP1_MAX_METHOD)
			return 501;
		c->pos++;
	}
	if (c->pos == c->end)
		return c->cut;
	if (*c->pos != ' ' || c->pos == start)
		return 400;
	req->method_off = (uint8_t)(start - c->base);
	req->method_len = (uint8_t)(c->pos - start);
	req->method = h1_lookup_method(start, req->method_len);
	c->pos++;
	return 0;
}

/* request-target SP: visible ASCII; '#' never reaches a server. */
static int h1_scan_target(struct h1_cursor *c, const uint8_t **target,
			   uint32_t *len)
{
	const uint8_t *start = c->pos;

	/* whole words of visible ASCII but '#'; the byte loop ends it */
	while (c->end - c->pos >= 8 &&
	       c->pos - start + 8 <= NDIV_HTTP1_MAX_TARGET) {
		uint64_t w = h1_load8(c->pos);

		if (h1_has_less(w, 0x21) | h1_has_more(w, 0x7e) |
		    h1_has_byte(w, '#'))
			break;
		c->pos += 8;
	}
	while (c->pos < c->end && *c->pos != ' ') {
		if (*c->pos <= 0x20 || *c->pos >= 0x7f || *c->pos == '#')
			return 400;
		if (c->pos - start == NDIV_HTTP1_MAX_TARGET)
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
static int h1_parse_version(struct h1_cursor *c, struct ndiv_http1_req *req)
{
	static const char shape[] = "HTTP/9.9";
	uint8_t major, minor, ch;
	uint32_t i = sizeof(shape) - 1;
	int ret;

	/* the usual two, in one comparison each */
	if (c->end - c->pos >= 8 && (!memcmp(c->pos, "HTTP/1.1", 8) ||
				     !memcmp(c->pos, "HTTP/1.0", 8)))
		goto digits;
	for (i = 0; shape[i]; i++) {
		if (c->pos + i == c->end)
			return c->cut;
		ch = c->pos[i];
		if (shape[i] == '9' ? !h1_is(ch, C_DIGIT) : ch != shape[i])
			return 400;
	}
digits:
	major = c->pos[5] - '0';
	minor = c->pos[7] - '0';
	c->pos += i;
	ret = h1_expect_crlf(c);
	if (ret)
		return ret;
	if (major != 1)
		return 505;
	req->version = minor ? 11 : 10;
	return 0;
}

/* Skip "http://authority" or "https://authority" of an absolute-form. */
static int h1_skip_authority(const uint8_t *t, uint32_t n, uint32_t *pos)
{
	uint32_t i, start;

	if (h1_has_prefix(t, n, "http://"))
		i = 7;
	else if (h1_has_prefix(t, n, "https://"))
		i = 8;
	else
		return 400;
	start = i;
	/* No '@': userinfo in a request is an error (RFC 9110 4.2.4). */
	for (; i < n && t[i] != '/' && t[i] != '?'; i++)
		if (!h1_is(t[i], C_HOST))
			return 400;
	if (i == start)
		return 400;	/* empty host (RFC 9110 4.2.1) */
	*pos = i;
	return 0;
}

/* Split a scanned target into path and query. */
static int h1_parse_target(const uint8_t *t, uint32_t n,
			    struct ndiv_http1_req *req)
{
	uint32_t i = 0, path;
	int ret;

	if (t[0] != '/') {
		ret = h1_skip_authority(t, n, &i);
		if (ret)
			return ret;
	}
	path = i;
	while (i < n && t[i] != '?')
		i++;
	if (i == path) {
		req->path = h1_root;
		req->path_len = 1;
	} else {
		req->path = t + path;
		req->path_len = (uint16_t)(i - path);
	}
	if (i == n)
		return 0;
	req->query = t + i + 1;
	req->query_len = (uint16_t)(n - i - 1);
	return 0;
}

static int h1_parse_request_line(struct h1_cursor *c,
				  struct ndiv_http1_req *req)
{
	const uint8_t *target = NULL;
	uint32_t target_len = 0;
	int ret;

	if (c->pos < c->end && *c->pos == '\r') {
		ret = h1_expect_crlf(c);	/* one empty line is skipped */
		if (ret)
			return ret;
	}
	ret = h1_parse_method(c, req);
	if (ret)
		return ret;
	/* cut after the method, the request line is too long to fit */
	req->cut_status = 414;
	ret = h1_scan_target(c, &target, &target_len);
	if (ret)
		return ret;
	ret = h1_parse_version(c, req);
	if (ret)
		return ret;
	req->target_off = (uint16_t)(target - c->base);
	req->target_len = (uint16_t)target_len;
	return h1_parse_target(target, target_len, req);
}

static int h1_field_host(struct h1_fields *f, struct ndiv_http1_req *req,
			 const uint8_t *v, uint32_t n)
{
	uint32_t i;

	if (f->host++)
		return 400;	/* RFC 9112 3.2: one Host line at most */
	for (i = 0; i < n; i++)
		if (!h1_is(v[i], C_HOST))
			return 400;
	req->host = v;
	req->host_len = (uint16_t)n;
	return 0;
}

/* #token, RFC 9110 5.6.1: empty elements are allowed. */
static int h1_field_connection(struct h1_fields *f, const uint8_t *v,
				uint32_t n)
{
	uint32_t i, tok;

	for (i = 0; i < n; i++) {
		while (i < n && h1_is_ows(v[i]))
			i++;
		tok = i;
		while (i < n && h1_is(v[i], C_TCHAR))
			i++;
		if (h1_name_is(v + tok, i - tok, "close"))
			f->close = 1;
		else if (h1_name_is(v + tok, i - tok, "keep-alive"))
			f->keep_alive = 1;
		while (i < n && h1_is_ows(v[i]))
			i++;
		if (i < n && v[i] != ',')
			return 400;
	}
	return 0;
}

/*
 * 1*DIGIT, once (RFC 9112 6.3). A value past 2^64 - 1 reads as that: it
 * is valid syntax, and every user refuses a body that large anyway.
 */
static int h1_field_content_length(struct ndiv_http1_req *req,
				   const uint8_t *v, uint32_t n)
{
	const uint64_t max = ~(uint64_t)0;
	uint64_t val = 0, d;
	uint32_t i;

	if ((req->flags & NDIV_HTTP1_F_LENGTH) || !n)
		return 400;
	req->flags |= NDIV_HTTP1_F_LENGTH;
	for (i = 0; i < n; i++) {
		if (!h1_is(v[i], C_DIGIT))
			return 400;
		d = v[i] - '0';
		val = val > (max - d) / 10 ? max : val * 10 + d;
	}
	req->content_length = val;
	return 0;
}

/*
 * Transfer-Encoding: only whether the last coding of the last line is
 * "chunked" matters (RFC 9112 6.3, 7); the caller decides what it decodes.
 */
static int h1_field_transfer_encoding(struct ndiv_http1_req *req,
				      const uint8_t *v, uint32_t n)
{
	static const char chunked[] = "chunked";
	const uint32_t clen = sizeof(chunked) - 1;

	req->flags |= NDIV_HTTP1_F_TE;
	req->flags &= ~NDIV_HTTP1_F_CHUNKED;
	if (n >= clen && h1_name_is(v + n - clen, clen, chunked) &&
	    (n == clen || v[n - clen - 1] == ',' ||
	     h1_is_ows(v[n - clen - 1])))
		req->flags |= NDIV_HTTP1_F_CHUNKED;
	return 0;
}

static int h1_use_field(struct h1_fields *f, struct ndiv_http1_req *req,
			const uint8_t *name, uint32_t name_len,
			const uint8_t *v, uint32_t n)
{
	if (h1_name_is(name, name_len, "host"))
		return h1_field_host(f, req, v, n);
	if (h1_name_is(name, name_len, "connection"))
		return h1_field_connection(f, v, n);
	if (h1_name_is(name, name_len, "content-length"))
		return h1_field_content_length(req, v, n);
	if (h1_name_is(name, name_len, "transfer-encoding"))
		return h1_field_transfer_encoding(req, v, n);
	return 0;
}

/* Offsets of a field line into the request, for a caller that asked. */
static void h1_record_field(const struct h1_cursor *c, struct h1_fields *f,
			    struct ndiv_http1_req *req, const uint8_t *name,
			    uint32_t name_len, const uint8_t *v, uint32_t n)
{
	struct ndiv_http1_field *out;

	if (!f->out || req->nr_fields >= f->max_out)
		return;
	out = &f->out[req->nr_fields++];
	out->name_off = (uint16_t)(name - c->base);
	out->name_len = (uint16_t)name_len;
	out->value_off = (uint16_t)(v - c->base);
	out->value_len = (uint16_t)n;
}

/* name ":" OWS value OWS CRLF; no space before the colon (RFC 9112 5.1). */
static int h1_parse_field(struct h1_cursor *c, struct h1_fields *f,
			  struct ndiv_http1_req *req)
{
	const uint8_t *name = c->pos, *val, *val_end;
	uint32_t name_len, val_len;
	int ret;

	while (c->pos < c->end && h1_is(*c->pos, C_TCHAR))
		c->pos++;
	if (c->pos == c->end)
		return c->cut;
	/* an empty name is an obs-fold or a line of whitespace: refused */
	if (*c->pos != ':' || c->pos == name)
		return 400;
	name_len = (uint32_t)(c->pos - name);
	c->pos++;
	while (c->pos < c->end && h1_is_ows(*c->pos))
		c->pos++;
	val = c->pos;
	/* whole words with no control byte and no DEL; HTAB ends one too */
	while (c->end - c->pos >= 8) {
		uint64_t w = h1_load8(c->pos);

		if (h1_has_less(w, 0x20) | h1_has_byte(w, 0x7f))
			break;
		c->pos += 8;
	}
	while (c->pos < c->end && h1_is_value(*c->pos))
		c->pos++;
	val_end = c->pos;
	ret = h1_expect_crlf(c);	/* also refuses NUL and other CTLs */
	if (ret)
		return ret;
	while (val_end > val && h1_is_ows(val_end[-1]))
		val_end--;
	val_len = (uint32_t)(val_end - val);
	h1_record_field(c, f, req, name, name_len, val, val_len);
	return h1_use_field(f, req, name, name_len, val, val_len);
}

/* Judge the request once its header section has ended. */
static int h1_check_fields(const struct h1_fields *f,
			   struct ndiv_http1_req *req)
{
	if (req->version == 11 && !f->host)
		return 400;	/* RFC 9112 3.2 */
	/* RFC 9112 6.1: no Transfer-Encoding in 1.0, nor with a length */
	if ((req->flags & NDIV_HTTP1_F_TE) &&
	    ((req->flags & NDIV_HTTP1_F_LENGTH) || req->version == 10))
		return 400;
	req->keep_alive = !f->close && (req->version == 11 || f->keep_alive);
	return 0;
}

static int h1_parse_fields(struct h1_cursor *c, struct h1_fields *f,
			   struct ndiv_http1_req *req)
{
	uint32_t lines = 0;
	int ret;

	while (c->pos < c->end) {
		if (*c->pos == '\r') {
			ret = h1_expect_crlf(c);
			return ret ? ret : h1_check_fields(f, req);
		}
		if (++lines > NDIV_HTTP1_MAX_FIELDS)
			return 431;
		ret = h1_parse_field(c, f, req);
		if (ret)
			return ret;
	}
	return c->cut;
}

int ndiv_http1_parse(const uint8_t *buf, uint32_t len,
		     struct ndiv_http1_req *req,
		     struct ndiv_http1_field *fields, uint32_t max_fields)
{
	struct h1_fields f = { .out = fields, .max_out = max_fields };
	struct h1_cursor c;
	int ret;

	memset(req, 0, sizeof(*req));
	req->cut_status = 400;
	if (!len)
		return NDIV_HTTP1_INCOMPLETE;
	c.base = buf;
	c.pos = buf;
	c.end = buf + (len < NDIV_HTTP1_MAX_HEAD ? len : NDIV_HTTP1_MAX_HEAD);
	/* past the limit, a request that has not ended is too large */
	c.cut = len > NDIV_HTTP1_MAX_HEAD ? 431 : NDIV_HTTP1_INCOMPLETE;
	ret = h1_parse_request_line(&c, req);
	if (ret)
		return ret;
	req->cut_status = 431;
	ret = h1_parse_fields(&c, &f, req);
	if (ret)
		return ret;
	req->len = (uint16_t)(c.pos - buf);
	return NDIV_HTTP1_OK;
}
NDIV_EXPORT(ndiv_http1_parse);
