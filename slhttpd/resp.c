// SPDX-License-Identifier: GPL-2.0
/*
 * slhttpd's HTTP responses. See resp.h; the header layout is documented in
 * Documentation/slhttpd.rst.
 */
#include "resp.h"
#include "engine.h"

const char slh_synth_pattern[64] =
	"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.\n";

struct slh_reason {
	uint16_t status;
	const char *text;
};

static const struct slh_reason slh_reasons[] = {
	{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
	{ 204, "No Content" }, { 206, "Partial Content" },
	{ 301, "Moved Permanently" }, { 302, "Found" }, { 303, "See Other" },
	{ 304, "Not Modified" }, { 307, "Temporary Redirect" },
	{ 308, "Permanent Redirect" },
	{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
	{ 404, "Not Found" }, { 405, "Method Not Allowed" },
	{ 408, "Request Timeout" }, { 410, "Gone" },
	{ 413, "Content Too Large" }, { 414, "URI Too Long" },
	{ 429, "Too Many Requests" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
	{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" }, { 505, "HTTP Version Not Supported" },
};

const char *slh_reason(uint16_t status)
{
	static const char *const class_text[] = {
		"Success", "Redirection", "Client Error", "Server Error",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(slh_reasons); i++)
		if (slh_reasons[i].status == status)
			return slh_reasons[i].text;
	if (status >= 200 && status <= 599)
		return class_text[status / 100 - 2];
	return "Unknown";
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void slh_civil(int64_t days, int *y, int *m, int *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	uint32_t doe = (uint32_t)(z - era * 146097);
	uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint32_t mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void slh_put2(char *p, unsigned int v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

void slh_http_date(int64_t t, char out[SLH_DATE_LEN])
{
	static const char wday[] = "ThuFriSatSunMonTueWed";
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int64_t days, secs;
	int y, m, d;

	if (t < 0)
		t = 0;
	if (t > 253402300799LL)		/* 9999-12-31 23:59:59 */
		t = 253402300799LL;
	days = t / 86400;
	secs = t % 86400;
	slh_civil(days, &y, &m, &d);
	memcpy(out, wday + days % 7 * 3, 3);
	out[3] = ',';
	out[4] = ' ';
	slh_put2(out + 5, (unsigned int)d);
	out[7] = ' ';
	memcpy(out + 8, mon + (m - 1) * 3, 3);
	out[11] = ' ';
	slh_put2(out + 12, (unsigned int)y / 100);
	slh_put2(out + 14, (unsigned int)y % 100);
	out[16] = ' ';
	slh_put2(out + 17, (unsigned int)(secs / 3600));
	out[19] = ':';
	slh_put2(out + 20, (unsigned int)(secs / 60 % 60));
	out[22] = ':';
	slh_put2(out + 23, (unsigned int)(secs % 60));
	memcpy(out + 25, " GMT", 4);
}

static void slh_resp_init(struct slh_resp *r, uint16_t status)
{
	memset(r, 0, sizeof(*r));
	if (status < 100 || status > 599)
		status = 500;
	r->status = status;
	r->reason = slh_reason(status);
	r->reason_len = (uint8_t)strlen(r->reason);
}

/*
 * RFC 9110 6.4.1: 1xx, 204 and 304 responses end with their header; a
 * body there would be read as the start of the next response on a
 * kept-alive connection. Such a response has no content and no
 * Content-Length (forbidden for 1xx and 204, optional for 304) nor
 * Content-Type.
 */
static int slh_status_has_content(uint16_t status)
{
	return status >= 200 && status != 204 && status != 304;
}

void slh_resp_synth(struct slh_resp *r, uint16_t status, uint32_t size)
{
	slh_resp_init(r, status);
	r->body_len = slh_status_has_content(r->status) ? size : 0;
}

/*
 * The object's lengths are clamped to what a header can hold, so that a
 * header stays below SLH_RESP_HDR_MAX whatever the object says.
 */
void slh_resp_object(struct slh_resp *r, const struct slh_object *obj)
{
	slh_resp_init(r, obj->status);
	r->obj = obj;
	r->body_len = slh_status_has_content(r->status) ? obj->body_len : 0;
}

/* Error bodies are "<code> <reason>\n". */
void slh_resp_error(struct slh_resp *r, uint16_t status)
{
	slh_resp_init(r, status);
	r->conn = SLH_CONN_CLOSE;
	r->error = 1;
	r->body_len = 4u + r->reason_len + 1;
}

/*
 * A header writer. Without a buffer it only counts. With one, the caller
 * guarantees room for the whole header: its length is bounded by
 * construction (reason phrases, a 3-digit status, a 10-digit length, type
 * and location lengths clamped in slh_resp_object(), 15 bytes of padding)
 * to less than SLH_RESP_HDR_MAX.
 */
struct slh_out {
	uint8_t *buf;
	uint32_t len;
};

static inline void slh_out_mem(struct slh_out *o, const void *p, uint32_t n)
{
	if (o->buf)
		memcpy(o->buf + o->len, p, n);
	o->len += n;
}

#define slh_out_lit(o, s)	slh_out_mem(o, s, sizeof(s) - 1)

/* Decimal digits of v. */
static uint32_t slh_digits(uint32_t v)
{
	uint32_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/*
 * v in decimal, written from its last digit back into place; a counting
 * writer only adds the length.
 */
static void slh_out_uint(struct slh_out *o, uint32_t v)
{
	uint32_t n = slh_digits(v), i;

	if (o->buf)
		for (i = n; i > 0; i--, v /= 10)
			o->buf[o->len + i - 1] = (uint8_t)('0' + v % 10);
	o->len += n;
}

/* A status: three digits, 100-599 (slh_resp_init()). */
static void slh_out_status(struct slh_out *o, uint16_t status)
{
	if (o->buf) {
		o->buf[o->len] = (uint8_t)('0' + status / 100);
		o->buf[o->len + 1] = (uint8_t)('0' + status / 10 % 10);
		o->buf[o->len + 2] = (uint8_t)('0' + status % 10);
	}
	o->len += 3;
}

static const char *slh_type(const struct slh_resp *r, uint32_t *len)
{
	if (r->obj && r->obj->type_len) {
		*len = r->obj->type_len < SLH_OBJ_TYPE_MAX ?
		       r->obj->type_len : SLH_OBJ_TYPE_MAX;
		return r->obj->type;
	}
	*len = 10;
	return "text/plain";
}

/*
 * Format the header of r into o; the layout is fixed by r alone. A writer
 * without a buffer only counts, and then the date, whose length is fixed,
 * is not formatted.
 */
static void slh_resp_hdr(const struct slh_resp *r, struct slh_out *o)
{
	static const char pad[SLH_RESP_PAD_MAX] = "xxxxxxxxxxxxxxx";
	char date[SLH_DATE_LEN];
	const char *type;
	uint32_t type_len;

	slh_out_lit(o, "HTTP/1.1 ");
	slh_out_status(o, r->status);
	slh_out_lit(o, " ");
	slh_out_mem(o, r->reason, r->reason_len);
	slh_out_lit(o, "\r\nServer: slhttpd\r\n");
	if (r->date) {
		const char *text = r->date_text;

		if (o->buf && !text) {
			slh_http_date(r->now, date);
			text = date;
		}
		slh_out_lit(o, "Date: ");
		slh_out_mem(o, text, SLH_DATE_LEN);
		slh_out_lit(o, "\r\n");
	}
	if (slh_status_has_content(r->status)) {
		type = slh_type(r, &type_len);
		slh_out_lit(o, "Content-Type: ");
		slh_out_mem(o, type, type_len);
		slh_out_lit(o, "\r\nContent-Length: ");
		slh_out_uint(o, r->body_len);
		slh_out_lit(o, "\r\n");
	}
	if (r->obj && r->obj->location_len) {
		slh_out_lit(o, "Location: ");
		slh_out_mem(o, r->obj->location,
			    r->obj->location_len < SLH_OBJ_LOCATION_MAX ?
			    r->obj->location_len : SLH_OBJ_LOCATION_MAX);
		slh_out_lit(o, "\r\n");
	}
	if (r->status == 405)
		slh_out_lit(o, "Allow: GET, HEAD\r\n");
	/* A 503 is temporary (a daemon away or busy): say when to retry. */
	if (r->status == 503 && !(r->obj && r->obj->location_len))
		slh_out_lit(o, "Retry-After: 1\r\n");
	if (r->conn == SLH_CONN_CLOSE)
		slh_out_lit(o, "Connection: close\r\n");
	else if (r->conn == SLH_CONN_KEEPALIVE)
		slh_out_lit(o, "Connection: keep-alive\r\n");
	slh_out_lit(o, "X-Pad: ");
	slh_out_mem(o, pad, r->pad);
	slh_out_lit(o, "\r\n\r\n");
}

void slh_resp_measure(struct slh_resp *r)
{
	struct slh_out o = { NULL, 0 };
	uint8_t pad = r->pad;

	r->pad = 0;
	slh_resp_hdr(r, &o);
	r->pad = pad;
	r->hlen0 = (uint16_t)o.len;
}

static void slh_resp_body(const struct slh_resp *r, uint32_t off,
			  uint8_t *dst, uint32_t len)
{
	uint32_t i, n;

	if (r->obj) {
		memcpy(dst, r->obj->body + off, len);
	} else if (r->error) {
		uint8_t text[48];
		struct slh_out o = { text, 0 };

		slh_out_uint(&o, r->status);
		slh_out_lit(&o, " ");
		slh_out_mem(&o, r->reason, r->reason_len);
		slh_out_lit(&o, "\n");
		memcpy(dst, text + off, len);
	} else {
		/* the pattern repeats every 64 bytes: copy it in runs */
		while (len) {
			i = off % 64;
			n = 64 - i < len ? 64 - i : len;
			memcpy(dst, slh_synth_pattern + i, n);
			dst += n;
			off += n;
			len -= n;
		}
	}
}

void slh_resp_copy(const struct slh_resp *r, uint32_t off, uint8_t *dst,
		   uint32_t len)
{
	uint32_t hlen = slh_resp_hdr_len(r);

	if (!off && len >= hlen) {
		struct slh_out o = { dst, 0 };

		/* the usual case: the whole header, formatted in place */
		slh_resp_hdr(r, &o);
		dst += hlen;
		off += hlen;
		len -= hlen;
	} else if (off < hlen) {
		uint8_t hdr[SLH_RESP_HDR_MAX];
		struct slh_out o = { hdr, 0 };
		uint32_t n = hlen - off < len ? hlen - off : len;

		slh_resp_hdr(r, &o);
		memcpy(dst, hdr + off, n);
		dst += n;
		off += n;
		len -= n;
	}
	if (len)
		slh_resp_body(r, off - hlen, dst, len);
}
