/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The shoal authors. */

#ifndef SHOAL_JSON_H
#define SHOAL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A streaming JSON writer. Every call takes the member's key when the
 * enclosing container is an object and NULL when it is an array.
 */
struct shoal_json {
	FILE *f;
	bool pretty;
	bool empty;		/* the innermost open container has no member */
	unsigned int depth;
	size_t len;		/* of the text in @buf, not yet in @f */
	char buf[8192];
};

void shoal_json_init(struct shoal_json *j, FILE *f, bool pretty);
void shoal_json_begin_object(struct shoal_json *j, const char *key);
void shoal_json_end_object(struct shoal_json *j);
void shoal_json_begin_array(struct shoal_json *j, const char *key);
void shoal_json_end_array(struct shoal_json *j);
void shoal_json_string(struct shoal_json *j, const char *key, const char *s);
void shoal_json_uint(struct shoal_json *j, const char *key, uint64_t v);
void shoal_json_int(struct shoal_json *j, const char *key, int64_t v);
void shoal_json_hex(struct shoal_json *j, const char *key, uint64_t v);
void shoal_json_bool(struct shoal_json *j, const char *key, bool v);
void shoal_json_null(struct shoal_json *j, const char *key);
void shoal_json_finish(struct shoal_json *j);

#endif /* SHOAL_JSON_H */
