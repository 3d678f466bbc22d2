/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slhttpd's HTTP responses: a response is described by a small struct and
 * produced as a byte stream, header then body, from which any range can be
 * copied. That lets the engine send a response in segments and resend any
 * part of it later from the same description. Plain C, no state.
 */
#ifndef _SLHTTPD_RESP_H
#define _SLHTTPD_RESP_H

#include <ndiv/compat.h>

struct slh_object;

/* How the response treats the connection. */
enum slh_conn {
	SLH_CONN_DEFAULT,	/* HTTP/1.1 keep-alive: no Connection header */
	SLH_CONN_KEEPALIVE,	/* HTTP/1.0 keep-alive */
	SLH_CONN_CLOSE,
};

/* Longest header a response can have, padding included. */
#define SLH_RESP_HDR_MAX	512
/* Padding is 0 to 15 bytes of "X-Pad:" value. */
#define SLH_RESP_PAD_MAX	15
/* Length of an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"). */
#define SLH_DATE_LEN		29

struct slh_resp {
	const struct slh_object *obj;	/* static object, or NULL */
	uint32_t body_len;		/* Content-Length */
	uint16_t status;
	uint8_t head;			/* HEAD: no body bytes */
	uint8_t conn;			/* enum slh_conn */
	uint8_t pad;			/* X-Pad bytes, 0..15 */
	uint8_t date;			/* send a Date header */
	uint8_t error;			/* body is "<code> <reason>\n" */
	uint16_t hlen0;			/* header bytes without padding */
	uint8_t reason_len;
	const char *reason;		/* slh_reason(status) */
	int64_t now;			/* its value, seconds since the epoch */
	const char *date_text;		/* now formatted, or NULL */
};

/* Set up r for a synthetic body of size bytes with status. */
void slh_resp_synth(struct slh_resp *r, uint16_t status, uint32_t size);
/* Set up r for a static object. */
void slh_resp_object(struct slh_resp *r, const struct slh_object *obj);
/* Set up r for an error status with a short text body. */
void slh_resp_error(struct slh_resp *r, uint16_t status);

/*
 * Measure r's header once its fields are final (padding aside): the
 * lengths below use what this finds rather than format the header again.
 */
void slh_resp_measure(struct slh_resp *r);

/* Header bytes of a measured r, padding included. */
static inline uint32_t slh_resp_hdr_len(const struct slh_resp *r)
{
	return r->hlen0 + r->pad;
}

/* All bytes of a measured r: header, padding and body (none for HEAD). */
static inline uint32_t slh_resp_len(const struct slh_resp *r)
{
	return slh_resp_hdr_len(r) + (r->head ? 0 : r->body_len);
}

/*
 * Copy bytes [off, off + len) of a measured r's stream to dst. The header is
 * formatted on the fly when the range touches it. len must not run past
 * slh_resp_len(r).
 */
void slh_resp_copy(const struct slh_resp *r, uint32_t off, uint8_t *dst,
		   uint32_t len);

/* Reason phrase of a status code ("OK", "Not Found", ...). */
const char *slh_reason(uint16_t status);

/* Write the IMF-fixdate of t (seconds since the epoch) to out[29]. */
void slh_http_date(int64_t t, char out[SLH_DATE_LEN]);

/* Byte i of a synthetic body. */
extern const char slh_synth_pattern[64];
static inline uint8_t slh_synth_byte(uint32_t i)
{
	return (uint8_t)slh_synth_pattern[i % 64];
}

#endif /* _SLHTTPD_RESP_H */
