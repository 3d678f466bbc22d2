/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ndiv packet library: the HTTP/1.x request parser, plain C that builds
 * into ndiv.ko and into user-space tests. It keeps no state between
 * calls: each call parses one request head from the bytes given (one TCP
 * segment, or a buffer that holds a head spanning several). It checks
 * syntax and framing only; which methods, bodies and targets an app
 * serves is the app's policy (slhttpd: GET and HEAD without a body).
 *
 * Grammar accepted (RFC 9112, narrowed)
 * -------------------------------------
 *   request  = [ CRLF ] method SP target SP version CRLF
 *              *( field CRLF ) CRLF
 *   method   = token, at most NDIV_HTTP1_MAX_METHOD bytes (case-sensitive;
 *              RFC 9110 9.1); the standard ones get their number, any
 *              other is NDIV_HTTP1_OTHER
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
 * request has exactly one end, and a front proxy and the server behind
 * it cannot disagree on where it is. One empty line before the request line is skipped
 * (RFC 9112 2.2 "SHOULD ignore at least one").
 *
 * Results (the function returns one of these)
 * -------------------------------------------
 *   NDIV_HTTP1_OK          a complete request head; req->len bytes were
 *                          used (a body, if any, follows them).
 *   NDIV_HTTP1_INCOMPLETE  every byte is valid but the header section does
 *                          not end within len. A caller that cannot wait
 *                          for more answers req->cut_status (414 when cut
 *                          in the request line after the method, 431 in
 *                          the fields, 400 before) and closes.
 *   400  syntax: bad request line, bare LF or CR, obs-fold or whitespace
 *        before the first field (RFC 9112 5.2, 2.2), whitespace before a
 *        colon (5.1), control bytes, "#" or a bad absolute-form in the
 *        target, HTTP/1.1 without Host or any request with two Host lines
 *        or an invalid Host (3.2), a bad or repeated Content-Length (6.3),
 *        a Connection list that is not tokens and commas, Transfer-Encoding
 *        in HTTP/1.0 (6.1) or together with Content-Length (6.3).
 *   414  request-target longer than NDIV_HTTP1_MAX_TARGET.
 *   431  header section longer than NDIV_HTTP1_MAX_HEAD bytes or more than
 *        NDIV_HTTP1_MAX_FIELDS field lines.
 *   501  a method token longer than NDIV_HTTP1_MAX_METHOD: no server knows
 *        such a method.
 *   505  HTTP major version other than 1.
 * Checks run in request order, so the first fault met decides; within the
 * request line, syntax (400, 414) comes before 505. On an error the fields
 * parsed so far (method, version, path) stay set, so that the caller can
 * apply its policy (a 405 for a method it does not serve) and leave the
 * body out of an error answer to HEAD. Every error answer should close
 * the connection.
 *
 * Bodies: Content-Length is in req->content_length with
 * NDIV_HTTP1_F_LENGTH; Transfer-Encoding sets NDIV_HTTP1_F_TE, and
 * NDIV_HTTP1_F_CHUNKED when its last coding is chunked. The parser
 * consumes no body: req->len ends at the head's final CRLFCRLF.
 *
 * Connection and keep-alive
 * -------------------------
 * Connection is a comma list of tokens, compared case-insensitively, over
 * any number of lines. "close" anywhere wins; otherwise HTTP/1.1 keeps the
 * connection alive and HTTP/1.0 does only with "keep-alive". Other tokens
 * (Upgrade, TE...) are ignored, as are Upgrade and Expect themselves.
 *
 * Pipelining
 * ----------
 * Requests of one segment are parsed one after the other:
 *
 *	for (off = 0; off < seg_len; off += req.len) {
 *		ret = ndiv_http1_parse(seg + off, seg_len - off, &req,
 *				       NULL, 0);
 *		if (ret != NDIV_HTTP1_OK)
 *			break;		(answer ret or cut_status, close)
 *		answer(&req);
 *		if (!req.keep_alive)
 *			break;		(ignore what follows, close)
 *	}
 */
#ifndef _NDIV_HTTP1_H
#define _NDIV_HTTP1_H

#include "types.h"

/* Longest request-target; one more byte is a 414. */
#define NDIV_HTTP1_MAX_TARGET	2048
/* Longest head incl. an empty line before it and the final CRLFCRLF. */
#define NDIV_HTTP1_MAX_HEAD	8192
/* Most field lines in a request; one more is a 431. */
#define NDIV_HTTP1_MAX_FIELDS	64
/* Longest method token; a longer one cannot be known: 501. */
#define NDIV_HTTP1_MAX_METHOD	16

/* Return values besides HTTP status codes (which are all >= 400). */
#define NDIV_HTTP1_OK		0
#define NDIV_HTTP1_INCOMPLETE	1

/*
 * Parse the request head at buf[0..len). Returns NDIV_HTTP1_OK,
 * NDIV_HTTP1_INCOMPLETE or an HTTP error status (see above). Reads only
 * buf[0..len), and of that only the first NDIV_HTTP1_MAX_HEAD bytes.
 * fields, if not NULL, receives the first max_fields field lines in
 * order (req->nr_fields of them); the parser keeps no pointer to it.
 */
int ndiv_http1_parse(const uint8_t *buf, uint32_t len,
		     struct ndiv_http1_req *req,
		     struct ndiv_http1_field *fields, uint32_t max_fields);

#endif /* _NDIV_HTTP1_H */
