/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slhttpd's request policy on top of the library's HTTP/1 parser
 * (<ndiv/http1.h>): what a stateless responder serves, and the synthetic
 * objects of its query string.
 *
 * Served: GET and HEAD without a body. On top of the parser's results:
 *   405  a standard method other than GET and HEAD; answer with
 *        "Allow: GET, HEAD".
 *   501  an unknown method, or any Transfer-Encoding in HTTP/1.1 (RFC
 *        9112 6.1: slhttpd decodes none).
 *   413  Content-Length above 0. A stateless server cannot consume a body
 *        that may continue in the next segment, so it accepts none; 0 is
 *        allowed because some clients send it on every request.
 *   400  a bad s= or r= value.
 * The checks keep request order: a method is judged as soon as the request
 * line has been read, even if the rest of the head is cut or bad, then the
 * query, then the parser's own verdict on the fields, then the body.
 *
 * Synthetic objects (query parameters, httpterm style)
 * ---------------------------------------------------
 * The query is split on '&'; only parameters named exactly "s" and "r" are
 * read, the last one wins, others are ignored. Bad values are a 400 so a
 * mistyped benchmark URL fails loudly instead of serving a default.
 *   s=DIGITS[k|K|m|M]  body size in bytes, k = 1024, m = 1048576, at most
 *                      SLH_SYNTH_SIZE_MAX; synth_size is -1 without s=.
 *   r=DDD              status code 200-599; synth_status is 0 without r=.
 *                      1xx is refused: it is never a final answer and the
 *                      client would wait for one forever.
 */
#ifndef _SLHTTPD_REQUEST_H
#define _SLHTTPD_REQUEST_H

#include <ndiv/http1.h>

/* Largest s= value, 1 GiB. */
#define SLH_SYNTH_SIZE_MAX	(1 << 30)

struct slh_request {
	struct ndiv_http1_req h;
	int32_t synth_size;	/* s= value, -1 if none */
	uint16_t synth_status;	/* r= value, 0 if none */
};

/*
 * Parse the request at buf[0..len) and apply the policy above. Returns
 * NDIV_HTTP1_OK, NDIV_HTTP1_INCOMPLETE or an HTTP error status.
 */
int slh_parse_request(const uint8_t *buf, uint32_t len,
		      struct slh_request *req);

#endif /* _SLHTTPD_REQUEST_H */
