/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slhttpd's HTTP/1.x request parser: plain C shared by the kernel app and
 * the user-space tests. It keeps no state between calls: each call parses
 * one request from the bytes of one TCP segment.
 *
 * Grammar accepted (RFC 9112, narrowed)
 * -------------------------------------
 *   request  = [ CRLF ] method SP target SP version CRLF
 *              *( field CRLF ) CRLF
 *   method   = "GET" / "HEAD"            (case-sensitive; RFC 9110 9.1)
 *   target   = origin-form / absolute-form
 *              origin-form:   "/" path [ "?" query ]
 *              absolute-form: ("http" / "https") "://" authority
 *                             [ "/" path ] [ "?" query ]
 *              (scheme case-insensitive, authority non-empty and without
 *              userinfo; "http://h" and "http://h?q" mean path "/")
 *              Bytes 0x21-0x7e except '#'; nothing is percent-decoded.
 *   version  = "HTTP/" DIGIT "." DIGIT; 1.0 gives 10, 1.1 to 1.9 give 11
 *              (RFC 9110 2.5: a higher minor is handled as our highest).
 *   field    = token ":" OWS value OWS; value bytes are HTAB, SP,
 *              0x21-0x7e and 0x80-0xff (obs-text).
 *
 * Only CRLF ends a line: a bare LF, or a CR not followed by LF, is a 400.
 * RFC 9112 2.2 lets a recipient accept a bare LF; we do not, so that every
 * request has exactly one end and a front proxy and slhttpd cannot disagree
 * on where it is. One empty line before the request line is skipped
 * (RFC 9112 2.2 "SHOULD ignore at least one").
 *
 * Results (the function returns one of these)
 * -------------------------------------------
 *   SLH_OK          a GET or HEAD to answer; req->len bytes were used.
 *   SLH_INCOMPLETE  every byte is valid but the header section does not end
 *                   within len. A stateless server cannot wait for more:
 *                   if the segment was full-sized the request cannot fit,
 *                   answer req->cut_status (414 when cut in the request
 *                   line after the method, 431 in the fields, 400 before)
 *                   and close.
 *   400  syntax: bad request line, bare LF or CR, obs-fold or whitespace
 *        before the first field (RFC 9112 5.2, 2.2), whitespace before a
 *        colon (5.1), control bytes, "#" or a bad absolute-form in the
 *        target, HTTP/1.1 without Host or any request with two Host lines
 *        or an invalid Host (3.2), a bad or repeated Content-Length (6.3),
 *        a Connection list that is not tokens and commas, Transfer-Encoding
 *        in HTTP/1.0 (6.1) or together with Content-Length (6.3), a bad
 *        s= or r= value.
 *   405  a standard method we do not serve (POST, PUT, DELETE, CONNECT,
 *        OPTIONS, TRACE, PATCH); answer with "Allow: GET, HEAD".
 *   413  Content-Length above 0. A stateless server cannot consume a body
 *        that may continue in the next segment, so it accepts none; 0 is
 *        allowed because some clients send it on every request.
 *   414  request-target longer than SLH_MAX_TARGET.
 *   431  header section longer than SLH_MAX_HEAD bytes or more than
 *        SLH_MAX_FIELDS field lines.
 *   501  unknown method (or one longer than SLH_MAX_METHOD), or any
 *        Transfer-Encoding in HTTP/1.1 (RFC 9112 6.1: we decode none).
 *   505  HTTP major version other than 1.
 * Checks run in request order, so the first fault met decides; within the
 * request line, syntax (400, 414) comes before 505, then 501, then 405.
 * On an error the fields parsed so far (method, version) stay set, so the
 * caller can leave the body out of an error answer to HEAD. Every error
 * answer should close the connection.
 *
 * Connection and keep-alive
 * -------------------------
 * Connection is a comma list of tokens, compared case-insensitively, over
 * any number of lines. "close" anywhere wins; otherwise HTTP/1.1 keeps the
 * connection alive and HTTP/1.0 does only with "keep-alive". Other tokens
 * (Upgrade, TE...) are ignored, as are Upgrade and Expect themselves.
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
 *
 * Pipelining
 * ----------
 * Requests of one segment are parsed one after the other:
 *
 *	for (off = 0; off < seg_len; off += req.len) {
 *		ret = slh_parse_request(seg + off, seg_len - off, &req);
 *		if (ret != SLH_OK)
 *			break;		(answer ret or cut_status, close)
 *		answer(&req);
 *		if (!req.keep_alive)
 *			break;		(ignore what follows, close)
 *	}
 */
#ifndef _SLHTTPD_HTTP_H
#define _SLHTTPD_HTTP_H

#include <ndiv/compat.h>

/* Longest request-target; one more byte is a 414. */
#define SLH_MAX_TARGET		2048
/* Longest request incl. an empty line before it and the final CRLFCRLF. */
#define SLH_MAX_HEAD		8192
/* Most field lines in a request; one more is a 431. */
#define SLH_MAX_FIELDS		64
/* Longest method token; a longer one cannot be known: 501. */
#define SLH_MAX_METHOD		16
/* Largest s= value, 1 GiB. */
#define SLH_SYNTH_SIZE_MAX	(1 << 30)

/* Return values besides HTTP status codes (which are all >= 400). */
#define SLH_OK			0
#define SLH_INCOMPLETE		1

enum slh_method {
	SLH_UNKNOWN,		/* not parsed yet, or not a method we know */
	SLH_GET,
	SLH_HEAD,
	SLH_OTHER_KNOWN,	/* standard but not served: 405 */
};

struct slh_request {
	/*
	 * Path of the target without query or authority, byte-exact. It points
	 * into the input, except for an absolute-form target with an empty
	 * path where it points to a static "/".
	 */
	const uint8_t *path;
	/* Bytes after '?', into the input; NULL when there is no '?'. */
	const uint8_t *query;
	int32_t synth_size;	/* s= value, -1 if none */
	uint16_t synth_status;	/* r= value, 0 if none */
	uint16_t path_len;
	uint16_t query_len;
	/* Bytes the request took, up to its final CRLFCRLF; 0 unless SLH_OK. */
	uint16_t len;
	/* Status to answer a request cut by the segment end (SLH_INCOMPLETE). */
	uint16_t cut_status;
	enum slh_method method;
	uint8_t version;	/* 10 or 11; 0 until parsed */
	uint8_t keep_alive;	/* Connection header and version default */
};

/*
 * Parse the request at buf[0..len). Returns SLH_OK, SLH_INCOMPLETE or an
 * HTTP error status (see above). Reads only buf[0..len), and of that only
 * the first SLH_MAX_HEAD bytes.
 */
int slh_parse_request(const uint8_t *buf, uint32_t len,
		      struct slh_request *req);

#endif /* _SLHTTPD_HTTP_H */
