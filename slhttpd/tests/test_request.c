// SPDX-License-Identifier: GPL-2.0
/* Unit tests of slhttpd's requests: the HTTP/1 parser and slhttpd's policy. */
#include <stdlib.h>
#include <string.h>
#include "../request.h"

#include "ktap.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static struct slh_request req;
static uint8_t *in;		/* exactly sized copy of the last input */
static uint32_t in_len;

/* Parse a copy of s[0..n) in an exactly sized heap buffer, so ASan sees
 * any read past its end. The copy lives until the next call.
 */
static int parse_n(const char *s, size_t n)
{
	free(in);
	in = malloc(n ? n : 1);
	if (!in)
		abort();
	memcpy(in, s, n);
	in_len = (uint32_t)n;
	return slh_parse_request(in, in_len, &req);
}

static int parse(const char *s)
{
	return parse_n(s, strlen(s));
}

/* For literals with a NUL inside. */
#define PARSE_LIT(s)	parse_n(s, sizeof(s) - 1)

static int path_is(const char *s)
{
	return req.h.path && req.h.path_len == strlen(s) &&
	       !memcmp(req.h.path, s, req.h.path_len);
}

static int query_is(const char *s)
{
	return req.h.query && req.h.query_len == strlen(s) &&
	       !memcmp(req.h.query, s, req.h.query_len);
}

/* "GET /?<query> HTTP/1.0", for the synthetic parameter cases. */
static int parse_query(const char *query)
{
	char s[256];

	snprintf(s, sizeof(s), "GET /?%s HTTP/1.0\r\n\r\n", query);
	return parse(s);
}

/* "GET / HTTP/1.1" with Host and the given field lines. */
static int parse_fields(const char *fields)
{
	char s[512];

	snprintf(s, sizeof(s), "GET / HTTP/1.1\r\nHost: a\r\n%s\r\n", fields);
	return parse(s);
}

static void get_http11(void)
{
	const char *s = "GET /index.html HTTP/1.1\r\nHost: example.com\r\n"
			"User-Agent: t\r\n\r\n";

	KTAP_EXPECT(parse(s) == NDIV_HTTP1_OK);
	KTAP_EXPECT(req.h.method == NDIV_HTTP1_GET && req.h.version == 11);
	KTAP_EXPECT(req.h.keep_alive == 1);
	KTAP_EXPECT(path_is("/index.html") && !req.h.query && !req.h.query_len);
	KTAP_EXPECT(req.synth_size == -1 && req.synth_status == 0);
	KTAP_EXPECT(req.h.len == strlen(s));
	KTAP_EXPECT(req.h.path >= in && req.h.path + req.h.path_len <= in + in_len);
}

static void head_http10(void)
{
	KTAP_EXPECT(parse("HEAD /x HTTP/1.0\r\n\r\n") == NDIV_HTTP1_OK);
	KTAP_EXPECT(req.h.method == NDIV_HTTP1_HEAD && req.h.version == 10);
	KTAP_EXPECT(req.h.keep_alive == 0 && path_is("/x"));
	KTAP_EXPECT(req.h.len == 20);
}

static void keep_alive_defaults_and_tokens(void)
{
	KTAP_EXPECT(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
		    == NDIV_HTTP1_OK && req.h.keep_alive);
	KTAP_EXPECT(parse("GET / HTTP/1.0\r\nconnection: Keep-Alive\r\n\r\n")
		    == NDIV_HTTP1_OK && req.h.keep_alive);
	KTAP_EXPECT(parse("GET / HTTP/1.0\r\n"
			  "Connection: Upgrade,keep-alive\r\n\r\n") == NDIV_HTTP1_OK &&
		    req.h.keep_alive);
	KTAP_EXPECT(parse("GET / HTTP/1.0\r\n"
			  "Connection: , ,\tkeep-alive , \r\n\r\n") == NDIV_HTTP1_OK &&
		    req.h.keep_alive);
	KTAP_EXPECT(parse("GET / HTTP/1.0\r\n"
			  "Connection: keep-alive, close\r\n\r\n") == NDIV_HTTP1_OK &&
		    !req.h.keep_alive);
	KTAP_EXPECT(parse("GET / HTTP/1.0\r\nConnection: keep-alivex\r\n\r\n")
		    == NDIV_HTTP1_OK && !req.h.keep_alive);
	KTAP_EXPECT(parse_fields("Connection: close\r\n") == NDIV_HTTP1_OK &&
		    !req.h.keep_alive);
	KTAP_EXPECT(parse_fields("CONNECTION: CLOSE\r\n") == NDIV_HTTP1_OK &&
		    !req.h.keep_alive);
	KTAP_EXPECT(parse_fields("Connection: keep-alive, Upgrade\r\n") ==
		    NDIV_HTTP1_OK && req.h.keep_alive);
	KTAP_EXPECT(parse_fields("Connection: close, close\r\n") == NDIV_HTTP1_OK &&
		    !req.h.keep_alive);
	/* close on any line wins */
	KTAP_EXPECT(parse_fields("Connection: keep-alive\r\n"
				 "Connection: close\r\n") == NDIV_HTTP1_OK &&
		    !req.h.keep_alive);
	KTAP_EXPECT(parse_fields("Connection: closed\r\n") == NDIV_HTTP1_OK &&
		    req.h.keep_alive);
	KTAP_EXPECT(parse_fields("Connection:\r\n") == NDIV_HTTP1_OK &&
		    req.h.keep_alive);
}

static void connection_list_syntax(void)
{
	KTAP_EXPECT(parse_fields("Connection: keep alive\r\n") == 400);
	KTAP_EXPECT(parse_fields("Connection: close;x\r\n") == 400);
	KTAP_EXPECT(parse_fields("Connection: \"close\"\r\n") == 400);
}

static void versions(void)
{
	KTAP_EXPECT(parse("GET / HTTP/1.2\r\nHost: a\r\n\r\n") == NDIV_HTTP1_OK &&
		    req.h.version == 11);
	KTAP_EXPECT(parse("GET / HTTP/2.0\r\n\r\n") == 505);
	KTAP_EXPECT(parse("GET / HTTP/0.9\r\n\r\n") == 505);
	KTAP_EXPECT(parse("GET / HTTP/3.1\r\nHost: a\r\n\r\n") == 505);
	KTAP_EXPECT(parse("GET / http/1.1\r\nHost: a\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1.10\r\nHost: a\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1.1 \r\nHost: a\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/11\r\n\r\n") == 400);
	/* HTTP/0.9 simple request: no version at all */
	KTAP_EXPECT(parse("GET /\r\n\r\n") == 400);
	/* a syntax error comes before 505 */
	KTAP_EXPECT(parse("GET / HTTP/2.0x\r\n\r\n") == 400);
}

static void methods(void)
{
	KTAP_EXPECT(parse("POST / HTTP/1.1\r\nHost: a\r\n\r\n") == 405);
	KTAP_EXPECT(req.h.method == NDIV_HTTP1_POST);
	KTAP_EXPECT(parse("PUT /x HTTP/1.1\r\n") == 405);
	KTAP_EXPECT(parse("DELETE /x HTTP/1.1\r\n") == 405);
	KTAP_EXPECT(parse("PATCH /x HTTP/1.1\r\n") == 405);
	KTAP_EXPECT(parse("TRACE /x HTTP/1.1\r\n") == 405);
	KTAP_EXPECT(parse("OPTIONS * HTTP/1.1\r\n") == 405);
	KTAP_EXPECT(parse("CONNECT a:443 HTTP/1.1\r\n") == 405);
	KTAP_EXPECT(parse("FOO / HTTP/1.1\r\nHost: a\r\n\r\n") == 501);
	KTAP_EXPECT(req.h.method == NDIV_HTTP1_OTHER);
	/* methods are case-sensitive */
	KTAP_EXPECT(parse("get / HTTP/1.1\r\nHost: a\r\n\r\n") == 501);
	KTAP_EXPECT(parse("GETS / HTTP/1.1\r\nHost: a\r\n\r\n") == 501);
	KTAP_EXPECT(parse(" / HTTP/1.1\r\n") == 400);
	KTAP_EXPECT(parse("GET\t/ HTTP/1.1\r\n") == 400);
	KTAP_EXPECT(parse("GET  / HTTP/1.1\r\n") == 400);
	KTAP_EXPECT(parse("G(T / HTTP/1.1\r\n") == 400);
	/* order: request-line syntax, then 505, then 501, then 405 */
	KTAP_EXPECT(parse("POST /\x01 HTTP/1.1\r\n") == 400);
	KTAP_EXPECT(parse("FOO / HTTP/2.0\r\n") == 505);
	KTAP_EXPECT(parse("POST / HTTP/2.0\r\n") == 505);
}

static void method_length_limit(void)
{
	char s[64];

	memset(s, 'A', NDIV_HTTP1_MAX_METHOD);
	memcpy(s + NDIV_HTTP1_MAX_METHOD, " / HTTP/1.1\r\n", 14);
	KTAP_EXPECT(parse_n(s, NDIV_HTTP1_MAX_METHOD + 13) == 501);
	/* at the limit and unfinished: could still be a method */
	KTAP_EXPECT(parse_n(s, NDIV_HTTP1_MAX_METHOD) == NDIV_HTTP1_INCOMPLETE);
	/* one past: known to be unknown before the line ends */
	memset(s, 'A', NDIV_HTTP1_MAX_METHOD + 1);
	KTAP_EXPECT(parse_n(s, NDIV_HTTP1_MAX_METHOD + 1) == 501);
}

static void errors_keep_method(void)
{
	/* so that an error answer to HEAD can leave its body out */
	KTAP_EXPECT(parse("HEAD / HTTP/2.0\r\n\r\n") == 505);
	KTAP_EXPECT(req.h.method == NDIV_HTTP1_HEAD);
	KTAP_EXPECT(parse("HEAD / HTTP/1.1\r\n\r\n") == 400);
	KTAP_EXPECT(req.h.method == NDIV_HTTP1_HEAD && req.h.version == 11);
	KTAP_EXPECT(req.h.len == 0);
}

static void line_endings(void)
{
	KTAP_EXPECT(parse("GET / HTTP/1.0\n\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nHost: a\n\r\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nHost: a\r\n\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1.1\rHost: a\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nHost: a\r\n\rX") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nX-A: 1\r\r\n\r\n") == 400);
}

static void leading_empty_line(void)
{
	const char *s = "\r\nGET / HTTP/1.0\r\n\r\n";

	KTAP_EXPECT(parse(s) == NDIV_HTTP1_OK && req.h.len == strlen(s));
	KTAP_EXPECT(parse("\r\n\r\nGET / HTTP/1.0\r\n\r\n") == 400);
	KTAP_EXPECT(parse("\nGET / HTTP/1.0\r\n\r\n") == 400);
	KTAP_EXPECT(parse("\r\r\nGET / HTTP/1.0\r\n\r\n") == 400);
}

static void field_syntax(void)
{
	/* obs-fold (RFC 9112 5.2) */
	KTAP_EXPECT(parse_fields("X-A: 1\r\n 2\r\n") == 400);
	KTAP_EXPECT(parse_fields("X-A: 1\r\n\t2\r\n") == 400);
	/* whitespace line before the first field (RFC 9112 2.2) */
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\n Host: a\r\n\r\n") == 400);
	/* whitespace between name and colon (RFC 9112 5.1) */
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nHost : a\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n") == 400);
	KTAP_EXPECT(parse_fields(": a\r\n") == 400);
	KTAP_EXPECT(parse_fields("X(A: a\r\n") == 400);
	KTAP_EXPECT(parse_fields("X-A\r\n") == 400);
	KTAP_EXPECT(PARSE_LIT("GET / HTTP/1.0\r\nX-A: a\0b\r\n\r\n") == 400);
	KTAP_EXPECT(parse_fields("X-A: a\001b\r\n") == 400);
	KTAP_EXPECT(parse_fields("X-A: a\177b\r\n") == 400);
	/* HTAB, SP and obs-text are value bytes */
	KTAP_EXPECT(parse_fields("X-A: a\tb c\x80\xff\r\n") == NDIV_HTTP1_OK);
	KTAP_EXPECT(parse_fields("X-A:\r\n") == NDIV_HTTP1_OK);
	KTAP_EXPECT(parse_fields("X-A: \t \r\n") == NDIV_HTTP1_OK);
	KTAP_EXPECT(parse_fields("!#$%&'*+-.^_`|~09azAZ: x\r\n") == NDIV_HTTP1_OK);
}

static void host_rules(void)
{
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nX-Host: a\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1.0\r\n\r\n") == NDIV_HTTP1_OK);
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nhOsT: a\r\n\r\n") == NDIV_HTTP1_OK);
	KTAP_EXPECT(parse_fields("Host: b\r\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n") ==
		    400);
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nHost: a b\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nHost: \xc3\xa9\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n") == NDIV_HTTP1_OK);
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nHost: [::1]:8080 \t\r\n\r\n") ==
		    NDIV_HTTP1_OK);
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nHost:a.b-c_d~e%41:80\r\n\r\n") ==
		    NDIV_HTTP1_OK);
}

static void request_bodies(void)
{
	KTAP_EXPECT(parse_fields("Content-Length: 0\r\n") == NDIV_HTTP1_OK);
	KTAP_EXPECT(parse_fields("Content-Length: 000\r\n") == NDIV_HTTP1_OK);
	KTAP_EXPECT(parse_fields("Content-Length: 5\r\n") == 413);
	KTAP_EXPECT(parse_fields("content-length: 0010\r\n") == 413);
	KTAP_EXPECT(parse_fields("Content-Length: 99999999999999999999999\r\n")
		    == 413);
	KTAP_EXPECT(parse_fields("Content-Length: -1\r\n") == 400);
	KTAP_EXPECT(parse_fields("Content-Length: 1 2\r\n") == 400);
	KTAP_EXPECT(parse_fields("Content-Length: 0, 0\r\n") == 400);
	KTAP_EXPECT(parse_fields("Content-Length:\r\n") == 400);
	KTAP_EXPECT(parse_fields("Content-Length: 0\r\nContent-Length: 0\r\n")
		    == 400);
	KTAP_EXPECT(parse_fields("Transfer-Encoding: chunked\r\n") == 501);
	KTAP_EXPECT(parse_fields("TRANSFER-ENCODING: gzip\r\n") == 501);
	KTAP_EXPECT(parse("GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n"
			  "\r\n") == 400);
	KTAP_EXPECT(parse_fields("Transfer-Encoding: chunked\r\n"
				 "Content-Length: 0\r\n") == 400);
	/* a missing Host is judged first */
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\n") ==
		    400);
}

static void absolute_form(void)
{
	KTAP_EXPECT(parse("GET http://host/path HTTP/1.1\r\nHost: h\r\n\r\n")
		    == NDIV_HTTP1_OK);
	KTAP_EXPECT(path_is("/path") && !req.h.query);
	KTAP_EXPECT(parse("GET HTTP://Host:80/p/q?s=10 HTTP/1.1\r\nHost: h\r\n"
			  "\r\n") == NDIV_HTTP1_OK);
	KTAP_EXPECT(path_is("/p/q") && query_is("s=10"));
	KTAP_EXPECT(req.synth_size == 10);
	KTAP_EXPECT(parse("GET https://h/x HTTP/1.0\r\n\r\n") == NDIV_HTTP1_OK &&
		    path_is("/x"));
	/* empty path means "/" */
	KTAP_EXPECT(parse("GET http://h HTTP/1.0\r\n\r\n") == NDIV_HTTP1_OK &&
		    path_is("/") && !req.h.query);
	KTAP_EXPECT(parse("HEAD http://[::1]:8?r=404 HTTP/1.0\r\n\r\n") ==
		    NDIV_HTTP1_OK);
	KTAP_EXPECT(path_is("/") && query_is("r=404"));
	KTAP_EXPECT(req.synth_status == 404);
	KTAP_EXPECT(parse("GET ftp://h/x HTTP/1.0\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET http:/h/x HTTP/1.0\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET http:///x HTTP/1.0\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET http://?x HTTP/1.0\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET http:// HTTP/1.0\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET http://u@h/x HTTP/1.0\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET h/x HTTP/1.0\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET * HTTP/1.0\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET h:80 HTTP/1.0\r\n\r\n") == 400);
}

static void target_bytes(void)
{
	KTAP_EXPECT(parse("GET /a\001b HTTP/1.0\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET /a\tb HTTP/1.0\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET /a\177b HTTP/1.0\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET /\xc3\xa9 HTTP/1.0\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET /a#b HTTP/1.0\r\n\r\n") == 400);
	KTAP_EXPECT(parse("GET /a b HTTP/1.0\r\n\r\n") == 400);
	KTAP_EXPECT(PARSE_LIT("GET /a\0b HTTP/1.0\r\n\r\n") == 400);
	/* no percent-decoding, no normalisation */
	KTAP_EXPECT(parse("GET //a/../%41?x HTTP/1.0\r\n\r\n") == NDIV_HTTP1_OK);
	KTAP_EXPECT(path_is("//a/../%41") && query_is("x"));
}

static void query_split(void)
{
	KTAP_EXPECT(parse_query("") == NDIV_HTTP1_OK && path_is("/"));
	KTAP_EXPECT(req.h.query && !req.h.query_len);
	KTAP_EXPECT(parse_query("a=1&s=100&r=204&b") == NDIV_HTTP1_OK);
	KTAP_EXPECT(req.synth_size == 100 && req.synth_status == 204);
	KTAP_EXPECT(parse_query("s=1&s=2&r=500&r=201") == NDIV_HTTP1_OK);
	KTAP_EXPECT(req.synth_size == 2 && req.synth_status == 201);
	/* only exactly "s" and "r", no decoding */
	KTAP_EXPECT(parse_query("ss=5&sx=1&S=3&R=200&%73=5&s&r&&") == NDIV_HTTP1_OK);
	KTAP_EXPECT(req.synth_size == -1 && req.synth_status == 0);
	KTAP_EXPECT(parse_query("x=s=5") == NDIV_HTTP1_OK && req.synth_size == -1);
	KTAP_EXPECT(parse("GET /a?s=7 HTTP/1.0\r\n\r\n") == NDIV_HTTP1_OK);
	KTAP_EXPECT(path_is("/a") && query_is("s=7") && req.synth_size == 7);
	KTAP_EXPECT(parse("GET /a?b?s=3 HTTP/1.0\r\n\r\n") == NDIV_HTTP1_OK);
	KTAP_EXPECT(query_is("b?s=3") && req.synth_size == -1);
}

static void synth_size(void)
{
	KTAP_EXPECT(parse_query("s=0") == NDIV_HTTP1_OK && req.synth_size == 0);
	KTAP_EXPECT(parse_query("s=007") == NDIV_HTTP1_OK && req.synth_size == 7);
	KTAP_EXPECT(parse_query("s=1k") == NDIV_HTTP1_OK && req.synth_size == 1024);
	KTAP_EXPECT(parse_query("s=3K") == NDIV_HTTP1_OK && req.synth_size == 3072);
	KTAP_EXPECT(parse_query("s=2m") == NDIV_HTTP1_OK &&
		    req.synth_size == 2 << 20);
	KTAP_EXPECT(parse_query("s=2M") == NDIV_HTTP1_OK &&
		    req.synth_size == 2 << 20);
	KTAP_EXPECT(parse_query("s=1073741824") == NDIV_HTTP1_OK &&
		    req.synth_size == SLH_SYNTH_SIZE_MAX);
	KTAP_EXPECT(parse_query("s=1048576k") == NDIV_HTTP1_OK &&
		    req.synth_size == SLH_SYNTH_SIZE_MAX);
	KTAP_EXPECT(parse_query("s=1024m") == NDIV_HTTP1_OK &&
		    req.synth_size == SLH_SYNTH_SIZE_MAX);
	KTAP_EXPECT(parse_query("s=1073741825") == 400);
	KTAP_EXPECT(parse_query("s=1048577k") == 400);
	KTAP_EXPECT(parse_query("s=1025m") == 400);
	KTAP_EXPECT(parse_query("s=99999999999999999999") == 400);
	KTAP_EXPECT(parse_query("s=") == 400);
	KTAP_EXPECT(parse_query("s=k") == 400);
	KTAP_EXPECT(parse_query("s=1g") == 400);
	KTAP_EXPECT(parse_query("s=1kk") == 400);
	KTAP_EXPECT(parse_query("s=12a") == 400);
	KTAP_EXPECT(parse_query("s=-1") == 400);
	KTAP_EXPECT(parse_query("s=+1") == 400);
	KTAP_EXPECT(parse_query("s=1%30") == 400);
}

static void synth_status(void)
{
	KTAP_EXPECT(parse_query("r=200") == NDIV_HTTP1_OK && req.synth_status == 200);
	KTAP_EXPECT(parse_query("r=599") == NDIV_HTTP1_OK && req.synth_status == 599);
	KTAP_EXPECT(parse_query("r=304") == NDIV_HTTP1_OK && req.synth_status == 304);
	KTAP_EXPECT(parse_query("r=199") == 400);
	KTAP_EXPECT(parse_query("r=100") == 400);
	KTAP_EXPECT(parse_query("r=600") == 400);
	KTAP_EXPECT(parse_query("r=0200") == 400);
	KTAP_EXPECT(parse_query("r=20") == 400);
	KTAP_EXPECT(parse_query("r=2x0") == 400);
	KTAP_EXPECT(parse_query("r=") == 400);
}

static void pipelined_three(void)
{
	const char *a = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
	const char *b = "HEAD /b?s=5 HTTP/1.1\r\nhost: h\r\n\r\n";
	const char *c = "GET /c HTTP/1.1\r\nHost: h\r\n";
	char s[256];
	uint32_t off = 0;

	snprintf(s, sizeof(s), "%s%s%s", a, b, c);
	KTAP_EXPECT(parse(s) == NDIV_HTTP1_OK && req.h.len == strlen(a));
	KTAP_EXPECT(req.h.method == NDIV_HTTP1_GET && path_is("/a"));
	off = req.h.len;
	KTAP_EXPECT(slh_parse_request(in + off, in_len - off, &req) == NDIV_HTTP1_OK);
	KTAP_EXPECT(req.h.len == strlen(b) && req.h.method == NDIV_HTTP1_HEAD);
	KTAP_EXPECT(path_is("/b") && req.synth_size == 5);
	KTAP_EXPECT(req.h.path >= in + off && req.h.keep_alive);
	off += req.h.len;
	KTAP_EXPECT(slh_parse_request(in + off, in_len - off, &req) ==
		    NDIV_HTTP1_INCOMPLETE);
	KTAP_EXPECT(req.h.cut_status == 431 && req.h.len == 0);
}

static void pipelined_loop_ends_on_input(void)
{
	const char *r = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
	char s[256];
	uint32_t off, n = 0;
	int ret = NDIV_HTTP1_OK;

	snprintf(s, sizeof(s), "%s%s%s", r, r, r);
	parse(s);
	for (off = 0; off < in_len; off += req.h.len, n++) {
		ret = slh_parse_request(in + off, in_len - off, &req);
		if (ret != NDIV_HTTP1_OK)
			break;
	}
	KTAP_EXPECT(ret == NDIV_HTTP1_OK && n == 3 && off == in_len);
}

static const char * const valid[] = {
	"GET /abc HTTP/1.1\r\nHost: a\r\n\r\n",
	"\r\nHEAD http://h:8/x?s=1k&r=204 HTTP/1.0\r\n"
	"Connection: keep-alive, Upgrade\r\nX-A:  v \t\r\n\r\n",
	"GET /?r=500 HTTP/1.1\r\nhost: [::1]\r\nContent-Length: 0\r\n"
	"Accept: */*\r\nUser-Agent: curl/8\r\n\r\n",
	"GET http://h HTTP/1.2\r\nHost:\r\nX:\r\n\r\n",
};

/* Every strict prefix of a valid request is INCOMPLETE, never an error. */
static void truncations_are_incomplete(void)
{
	uint32_t i, n;
	size_t v;

	for (v = 0; v < ARRAY_SIZE(valid); v++) {
		n = (uint32_t)strlen(valid[v]);
		KTAP_EXPECT(parse(valid[v]) == NDIV_HTTP1_OK && req.h.len == n);
		for (i = 0; i < n; i++) {
			int ret = parse_n(valid[v], i);

			if (ret != NDIV_HTTP1_INCOMPLETE)
				printf("# valid[%zu] cut at %u: %d\n", v, i, ret);
			KTAP_EXPECT(ret == NDIV_HTTP1_INCOMPLETE);
			KTAP_EXPECT(req.h.len == 0);
		}
	}
}

static void cut_status_follows_stage(void)
{
	const char *s = valid[0];	/* "GET /abc HTTP/1.1\r\n..." */

	KTAP_EXPECT(parse_n(s, 0) == NDIV_HTTP1_INCOMPLETE && req.h.cut_status == 400);
	KTAP_EXPECT(parse_n(s, 3) == NDIV_HTTP1_INCOMPLETE && req.h.cut_status == 400);
	KTAP_EXPECT(parse_n(s, 4) == NDIV_HTTP1_INCOMPLETE && req.h.cut_status == 414);
	KTAP_EXPECT(parse_n(s, 8) == NDIV_HTTP1_INCOMPLETE && req.h.cut_status == 414);
	KTAP_EXPECT(parse_n(s, 9) == NDIV_HTTP1_INCOMPLETE && req.h.cut_status == 414);
	KTAP_EXPECT(parse_n(s, 18) == NDIV_HTTP1_INCOMPLETE && req.h.cut_status == 414);
	KTAP_EXPECT(parse_n(s, 19) == NDIV_HTTP1_INCOMPLETE && req.h.cut_status == 431);
	KTAP_EXPECT(parse_n(s, 28) == NDIV_HTTP1_INCOMPLETE && req.h.cut_status == 431);
}

static void empty_input(void)
{
	KTAP_EXPECT(slh_parse_request(NULL, 0, &req) == NDIV_HTTP1_INCOMPLETE);
	KTAP_EXPECT(req.h.len == 0 && req.synth_size == -1);
}

/* "GET /xxx HTTP/1.0\r\n\r\n" with a target of n bytes. */
static char *target_request(uint32_t n, size_t *len)
{
	char *s = malloc(n + 32);

	if (!s)
		abort();
	memcpy(s, "GET /", 5);
	memset(s + 5, 'x', n - 1);
	*len = (size_t)sprintf(s + 4 + n, " HTTP/1.0\r\n\r\n") + 4 + n;
	return s;
}

static void target_limit(void)
{
	size_t len;
	char *s = target_request(NDIV_HTTP1_MAX_TARGET, &len);

	KTAP_EXPECT(parse_n(s, len) == NDIV_HTTP1_OK);
	KTAP_EXPECT(req.h.path_len == NDIV_HTTP1_MAX_TARGET && req.h.len == len);
	free(s);
	s = target_request(NDIV_HTTP1_MAX_TARGET + 1, &len);
	KTAP_EXPECT(parse_n(s, len) == 414);
	/* known as soon as the byte past the limit is there */
	KTAP_EXPECT(parse_n(s, 4 + NDIV_HTTP1_MAX_TARGET + 1) == 414);
	KTAP_EXPECT(parse_n(s, 4 + NDIV_HTTP1_MAX_TARGET) == NDIV_HTTP1_INCOMPLETE);
	KTAP_EXPECT(req.h.cut_status == 414);
	free(s);
}

/* A valid HTTP/1.0 request of exactly n bytes, padded in one field. */
static char *sized_request(uint32_t n)
{
	static const char head[] = "GET / HTTP/1.0\r\nX-Pad: ";
	char *s = malloc(n);
	uint32_t pad = n - (uint32_t)(sizeof(head) - 1) - 4;

	if (!s)
		abort();
	memcpy(s, head, sizeof(head) - 1);
	memset(s + sizeof(head) - 1, 'p', pad);
	memcpy(s + n - 4, "\r\n\r\n", 4);
	return s;
}

static void head_limit(void)
{
	char *s = sized_request(NDIV_HTTP1_MAX_HEAD), *t;

	KTAP_EXPECT(parse_n(s, NDIV_HTTP1_MAX_HEAD) == NDIV_HTTP1_OK);
	KTAP_EXPECT(req.h.len == NDIV_HTTP1_MAX_HEAD);
	KTAP_EXPECT(parse_n(s, NDIV_HTTP1_MAX_HEAD - 1) == NDIV_HTTP1_INCOMPLETE);
	/* bytes after a request at the limit belong to the next one */
	t = malloc(NDIV_HTTP1_MAX_HEAD + 100);
	if (!t)
		abort();
	memcpy(t, s, NDIV_HTTP1_MAX_HEAD);
	memset(t + NDIV_HTTP1_MAX_HEAD, 'G', 100);
	KTAP_EXPECT(parse_n(t, NDIV_HTTP1_MAX_HEAD + 100) == NDIV_HTTP1_OK);
	KTAP_EXPECT(req.h.len == NDIV_HTTP1_MAX_HEAD);
	free(s);
	free(t);

	s = sized_request(NDIV_HTTP1_MAX_HEAD + 1);
	KTAP_EXPECT(parse_n(s, NDIV_HTTP1_MAX_HEAD + 1) == 431);
	KTAP_EXPECT(parse_n(s, NDIV_HTTP1_MAX_HEAD) == NDIV_HTTP1_INCOMPLETE);
	KTAP_EXPECT(req.h.cut_status == 431);
	free(s);
	/* a header section that never ends is 431 once past the limit */
	s = sized_request(3 * NDIV_HTTP1_MAX_HEAD);
	KTAP_EXPECT(parse_n(s, 3 * NDIV_HTTP1_MAX_HEAD) == 431);
	KTAP_EXPECT(parse_n(s, NDIV_HTTP1_MAX_HEAD + 1) == 431);
	free(s);
}

/* "GET / HTTP/1.1" with Host and n - 1 more fields. */
static char *fields_request(uint32_t n, size_t *len)
{
	char *s = malloc(64 + 8 * (size_t)n), *p = s;
	uint32_t i;

	if (!s)
		abort();
	p += sprintf(p, "GET / HTTP/1.1\r\nHost: h\r\n");
	for (i = 1; i < n; i++)
		p += sprintf(p, "X%u: y\r\n", i % 100);
	p += sprintf(p, "\r\n");
	*len = (size_t)(p - s);
	return s;
}

static void fields_limit(void)
{
	size_t len;
	char *s = fields_request(NDIV_HTTP1_MAX_FIELDS, &len);

	KTAP_EXPECT(parse_n(s, len) == NDIV_HTTP1_OK && req.h.len == len);
	free(s);
	s = fields_request(NDIV_HTTP1_MAX_FIELDS + 1, &len);
	KTAP_EXPECT(parse_n(s, len) == 431);
	free(s);
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(get_http11),
		KTAP_CASE(head_http10),
		KTAP_CASE(keep_alive_defaults_and_tokens),
		KTAP_CASE(connection_list_syntax),
		KTAP_CASE(versions),
		KTAP_CASE(methods),
		KTAP_CASE(method_length_limit),
		KTAP_CASE(errors_keep_method),
		KTAP_CASE(line_endings),
		KTAP_CASE(leading_empty_line),
		KTAP_CASE(field_syntax),
		KTAP_CASE(host_rules),
		KTAP_CASE(request_bodies),
		KTAP_CASE(absolute_form),
		KTAP_CASE(target_bytes),
		KTAP_CASE(query_split),
		KTAP_CASE(synth_size),
		KTAP_CASE(synth_status),
		KTAP_CASE(pipelined_three),
		KTAP_CASE(pipelined_loop_ends_on_input),
		KTAP_CASE(truncations_are_incomplete),
		KTAP_CASE(cut_status_follows_stage),
		KTAP_CASE(empty_input),
		KTAP_CASE(target_limit),
		KTAP_CASE(head_limit),
		KTAP_CASE(fields_limit),
	};
	int ret;

	ktap_run(cases, ARRAY_SIZE(cases));
	ret = ktap_finish();
	free(in);
	return ret;
}
