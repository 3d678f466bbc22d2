// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the packet library's HTTP/1 parser (ndiv/lib/http1.c) as
 * every app sees it: any method, bodies described but not consumed, field
 * lines as offsets. slhttpd's policy on top has its own tests
 * (slhttpd/tests/test_request.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ndiv/http1.h>

#include "ktap.h"

static struct ndiv_http1_req req;
static struct ndiv_http1_field fields[NDIV_HTTP1_MAX_FIELDS];
static uint8_t *in;		/* exactly sized copy of the last input */

/* Parse a heap copy of s, so that ASan sees a read past its end. */
static int parse_max(const char *s, uint32_t max_fields)
{
	size_t n = strlen(s);

	free(in);
	in = malloc(n ? n : 1);
	if (!in)
		abort();
	memcpy(in, s, n);
	memset(fields, 0xa5, sizeof(fields));
	return ndiv_http1_parse(in, (uint32_t)n, &req, fields, max_fields);
}

static int parse(const char *s)
{
	return parse_max(s, NDIV_HTTP1_MAX_FIELDS);
}

/* in[off..off+len) is s */
static int at_is(uint32_t off, uint32_t len, const char *s)
{
	return len == strlen(s) && !memcmp(in + off, s, len);
}

static void any_method_is_parsed(void)
{
	static const struct {
		const char *name;
		enum ndiv_http1_method m;
	} tab[] = {
		{ "GET", NDIV_HTTP1_GET }, { "HEAD", NDIV_HTTP1_HEAD },
		{ "POST", NDIV_HTTP1_POST }, { "PUT", NDIV_HTTP1_PUT },
		{ "DELETE", NDIV_HTTP1_DELETE },
		{ "OPTIONS", NDIV_HTTP1_OPTIONS },
		{ "TRACE", NDIV_HTTP1_TRACE }, { "PATCH", NDIV_HTTP1_PATCH },
		{ "PURGE", NDIV_HTTP1_OTHER }, { "get", NDIV_HTTP1_OTHER },
	};
	char s[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tab); i++) {
		snprintf(s, sizeof(s), "%s /x HTTP/1.1\r\nHost: h\r\n\r\n",
			 tab[i].name);
		KTAP_EXPECT(parse(s) == NDIV_HTTP1_OK);
		KTAP_EXPECT(req.method == tab[i].m);
		KTAP_EXPECT(at_is(req.method_off, req.method_len,
				  tab[i].name));
	}
	KTAP_EXPECT(parse("\r\nPURGE / HTTP/1.0\r\n\r\n") == NDIV_HTTP1_OK);
	KTAP_EXPECT(req.method_off == 2 && at_is(2, req.method_len, "PURGE"));
}

static void content_length_is_read_not_consumed(void)
{
	const char *s = "POST /up HTTP/1.1\r\nHost: h\r\n"
			"Content-Length: 5\r\n\r\nhello";

	KTAP_EXPECT(parse(s) == NDIV_HTTP1_OK);
	KTAP_EXPECT(req.flags == NDIV_HTTP1_F_LENGTH);
	KTAP_EXPECT(req.content_length == 5);
	KTAP_EXPECT(req.len == strlen(s) - 5);
	KTAP_EXPECT(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: "
			  "99999999999999999999999\r\n\r\n") == NDIV_HTTP1_OK);
	KTAP_EXPECT(req.content_length == UINT64_MAX);
	KTAP_EXPECT(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n"
			  "Content-Length: 1\r\n\r\n") == 400);
	KTAP_EXPECT(parse("POST / HTTP/1.1\r\nHost: h\r\n"
			  "Content-Length: 1x\r\n\r\n") == 400);
	KTAP_EXPECT(parse("POST / HTTP/1.1\r\nHost: h\r\n"
			  "Content-Length:\r\n\r\n") == 400);
}

static void transfer_encoding(void)
{
	KTAP_EXPECT(parse("POST / HTTP/1.1\r\nHost: h\r\n"
			  "Transfer-Encoding: gzip, Chunked\r\n\r\n") ==
		    NDIV_HTTP1_OK);
	KTAP_EXPECT(req.flags == (NDIV_HTTP1_F_TE | NDIV_HTTP1_F_CHUNKED));
	KTAP_EXPECT(parse("POST / HTTP/1.1\r\nHost: h\r\n"
			  "Transfer-Encoding: chunked, gzip\r\n\r\n") ==
		    NDIV_HTTP1_OK);
	KTAP_EXPECT(req.flags == NDIV_HTTP1_F_TE);
	KTAP_EXPECT(parse("POST / HTTP/1.1\r\nHost: h\r\n"
			  "Transfer-Encoding: xchunked\r\n\r\n") ==
		    NDIV_HTTP1_OK);
	KTAP_EXPECT(req.flags == NDIV_HTTP1_F_TE);
	/* RFC 9112 6.1 and 6.3: smuggling shapes are refused */
	KTAP_EXPECT(parse("POST / HTTP/1.0\r\n"
			  "Transfer-Encoding: chunked\r\n\r\n") == 400);
	KTAP_EXPECT(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
			  "Transfer-Encoding: chunked\r\n\r\n") == 400);
}

static void fields_are_recorded_as_offsets(void)
{
	const char *s = "GET /a?b HTTP/1.1\r\nHost: example.org \r\n"
			"X-A:\t1 2\r\nEmpty:\r\n\r\n";

	KTAP_EXPECT(parse(s) == NDIV_HTTP1_OK);
	KTAP_EXPECT(req.nr_fields == 3);
	KTAP_EXPECT(at_is(fields[0].name_off, fields[0].name_len, "Host"));
	KTAP_EXPECT(at_is(fields[0].value_off, fields[0].value_len,
			  "example.org"));
	KTAP_EXPECT(at_is(fields[1].name_off, fields[1].name_len, "X-A"));
	KTAP_EXPECT(at_is(fields[1].value_off, fields[1].value_len, "1 2"));
	KTAP_EXPECT(at_is(fields[2].value_off, fields[2].value_len, ""));
	KTAP_EXPECT(req.host_len == 11 && !memcmp(req.host, "example.org", 11));
	KTAP_EXPECT(at_is(req.target_off, req.target_len, "/a?b"));
	/* a short array takes the first lines, the rest are still parsed */
	KTAP_EXPECT(parse_max(s, 1) == NDIV_HTTP1_OK && req.nr_fields == 1);
	KTAP_EXPECT(fields[1].name_off == 0xa5a5);
	KTAP_EXPECT(ndiv_http1_parse(in, (uint32_t)strlen(s), &req, NULL, 8) ==
		    NDIV_HTTP1_OK && req.nr_fields == 0);
}

static void absolute_form_target(void)
{
	KTAP_EXPECT(parse("GET http://h:8080?q HTTP/1.1\r\nHost: h\r\n\r\n") ==
		    NDIV_HTTP1_OK);
	KTAP_EXPECT(req.path_len == 1 && req.path[0] == '/');
	KTAP_EXPECT(req.query_len == 1 && req.query[0] == 'q');
	KTAP_EXPECT(at_is(req.target_off, req.target_len, "http://h:8080?q"));
	KTAP_EXPECT(parse("GET http://u@h/ HTTP/1.1\r\nHost: h\r\n\r\n") ==
		    400);
}

static void errors_and_limits(void)
{
	char s[64];

	KTAP_EXPECT(parse("GET / HTTP/2.0\r\n\r\n") == 505);
	KTAP_EXPECT(parse("GET / HTTP/1.1\r\n\r\n") == 400);	/* no Host */
	KTAP_EXPECT(req.method == NDIV_HTTP1_GET && req.version == 11);
	memset(s, 'A', NDIV_HTTP1_MAX_METHOD + 1);
	s[NDIV_HTTP1_MAX_METHOD + 1] = 0;
	KTAP_EXPECT(parse(s) == 501);
	KTAP_EXPECT(parse("GET / HTTP/1.0\n\n") == 400);
}

/* Every proper prefix of a valid head is incomplete, never an error. */
/*
 * The target and value scans step over 8 bytes at a time: put one byte of
 * each kind at every position of a long target or value, so that it sits
 * at every place of a word and in the byte-wise tail, and compare with
 * what RFC 9112 and RFC 9110 say of that byte.
 */
static int parse_with(const char *pre, uint32_t at, uint8_t ch,
		      const char *post)
{
	uint8_t buf[256];
	uint32_t n = (uint32_t)strlen(pre), i;

	for (i = 0; i < 40; i++)
		buf[n + i] = i == at ? ch : 'a' + i % 26;
	memcpy(buf, pre, n);
	memcpy(buf + n + 40, post, strlen(post));
	return ndiv_http1_parse(buf, n + 40 + (uint32_t)strlen(post), &req,
				NULL, 0);
}

static void scans_judge_every_position(void)
{
	static const struct {
		uint8_t ch;
		int target, value;	/* result in a target, in a value */
	} bytes[] = {
		{ 0x00, 400, 400 }, { 0x09, 400, NDIV_HTTP1_OK },
		{ 0x1f, 400, 400 }, { '#', 400, NDIV_HTTP1_OK },
		{ 0x7e, NDIV_HTTP1_OK, NDIV_HTTP1_OK }, { 0x7f, 400, 400 },
		{ 0x80, 400, NDIV_HTTP1_OK }, { 0xff, 400, NDIV_HTTP1_OK },
	};
	uint32_t at, i;

	for (i = 0; i < ARRAY_SIZE(bytes); i++) {
		for (at = 0; at < 40; at++) {
			KTAP_EXPECT(parse_with("GET /", at, bytes[i].ch,
					       " HTTP/1.1\r\nHost: h\r\n\r\n") ==
				    bytes[i].target);
			/* a tab at either end of a value is whitespace */
			if (bytes[i].ch == 0x09 && (at == 0 || at == 39))
				continue;
			KTAP_EXPECT(parse_with("GET / HTTP/1.1\r\nHost: h\r\nX: ",
					       at, bytes[i].ch, "\r\n\r\n") ==
				    bytes[i].value);
		}
	}
}

static void prefixes_are_incomplete(void)
{
	const char *s = "POST http://h/p?q HTTP/1.1\r\nHost: h\r\n"
			"Connection: keep-alive, x\r\nContent-Length: 7\r\n"
			"Transfer-Encoding: chunked\r\n\r\n";
	size_t n = strlen(s), i;
	char buf[256];

	for (i = 0; i < n; i++) {
		memcpy(buf, s, i);
		buf[i] = 0;
		KTAP_EXPECT(parse(buf) == NDIV_HTTP1_INCOMPLETE);
		KTAP_EXPECT(req.len == 0);
	}
	/* with both a length and chunked, the complete head is a 400 */
	KTAP_EXPECT(parse(s) == 400);
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(any_method_is_parsed),
		KTAP_CASE(content_length_is_read_not_consumed),
		KTAP_CASE(transfer_encoding),
		KTAP_CASE(fields_are_recorded_as_offsets),
		KTAP_CASE(absolute_form_target),
		KTAP_CASE(errors_and_limits),
		KTAP_CASE(prefixes_are_incomplete),
		KTAP_CASE(scans_judge_every_position),
	};
	int ret;

	ktap_run(cases, ARRAY_SIZE(cases));
	ret = ktap_finish();
	free(in);
	return ret;
}
