// SPDX-License-Identifier: GPL-2.0
/*
 * ndivctl: a minimal streaming JSON writer.
 *
 * Strings are escaped per RFC 8259; bytes that are not valid UTF-8 (a
 * netdev name may hold any byte but '/', ':' and white space) are written
 * as U+FFFD so that the output is always valid JSON.
 */
#include <inttypes.h>
#include <stdio.h>

#include "json.h"

void json_init(struct json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->need_comma = false;
	j->after_key = false;
}

static void json_newline(struct json *j)
{
	int i;

	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("    ", j->f);
}

/* Whatever goes before a value: nothing after a key, else ',' and indent. */
static void json_sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma)
		fputc(',', j->f);
	if (j->depth)
		json_newline(j);
}

/* After a complete value; a complete top-level value ends the line. */
static void json_done(struct json *j)
{
	j->need_comma = true;
	if (!j->depth)
		fputc('\n', j->f);
}

/* Length of the valid UTF-8 sequence that starts at @s, 0 if invalid. */
static int utf8_len(const unsigned char *s)
{
	static const uint32_t min_cp[] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t cp;
	int n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min_cp[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void json_escape_char(struct json *j, unsigned char c)
{
	switch (c) {
	case '"':
		fputs("\\\"", j->f);
		break;
	case '\\':
		fputs("\\\\", j->f);
		break;
	case '\n':
		fputs("\\n", j->f);
		break;
	case '\t':
		fputs("\\t", j->f);
		break;
	default:
		if (c < 0x20)
			fprintf(j->f, "\\u%04x", c);
		else
			fputc(c, j->f);
	}
}

static void json_quote(struct json *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n;

	fputc('"', j->f);
	while (*p) {
		n = utf8_len(p);
		if (!n) {
			fputs("\\ufffd", j->f);
			p++;
		} else if (n == 1) {
			json_escape_char(j, *p++);
		} else {
			fwrite(p, 1, n, j->f);
			p += n;
		}
	}
	fputc('"', j->f);
}

/* Open an array ('[') or object ('{'). */
void json_begin(struct json *j, char open)
{
	json_sep(j);
	fputc(open, j->f);
	j->depth++;
	j->need_comma = false;
}

/* Close the innermost array (']') or object ('}'). */
void json_end(struct json *j, char close)
{
	bool empty = !j->need_comma;

	j->depth--;
	if (!empty)
		json_newline(j);
	fputc(close, j->f);
	json_done(j);
}

void json_key(struct json *j, const char *key)
{
	json_sep(j);
	json_quote(j, key);
	fputs(j->pretty ? ": " : ":", j->f);
	j->after_key = true;
}

void json_str(struct json *j, const char *s)
{
	json_sep(j);
	json_quote(j, s);
	json_done(j);
}

void json_u64(struct json *j, uint64_t v)
{
	json_sep(j);
	fprintf(j->f, "%" PRIu64, v);
	json_done(j);
}

void json_bool(struct json *j, bool v)
{
	json_sep(j);
	fputs(v ? "true" : "false", j->f);
	json_done(j);
}

void json_null(struct json *j)
{
	json_sep(j);
	fputs("null", j->f);
	json_done(j);
}

void json_kv_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	if (s)
		json_str(j, s);
	else
		json_null(j);
}

void json_kv_u64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}

void json_kv_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}
