/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ndivctl: a minimal streaming JSON writer.
 */
#ifndef NDIVCTL_JSON_H
#define NDIVCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	bool pretty;
	int depth;
	bool need_comma;	/* a value precedes at the current depth */
	bool after_key;		/* the next value belongs to a key */
};

void json_init(struct json *j, FILE *f, bool pretty);
void json_begin(struct json *j, char open);
void json_end(struct json *j, char close);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* "key": "s", or "key": null when s is NULL */
void json_kv_str(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);

#endif /* NDIVCTL_JSON_H */
