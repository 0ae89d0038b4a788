/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ct_parse_ns_link (lib/proc-parse.c) on arbitrary readlink text, for every
 * namespace type: it accepts exactly "TYPE:[INODE]" with a decimal inode,
 * and the inode it returns prints back as the digits given.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;

	for (int t = 0; t < CT_NS_COUNT; t++) {
		const char *type = ct_ns_names[t];
		size_t tl = strlen(type);
		uint64_t ino = 0;
		char back[64];
		int n;

		if (ct_parse_ns_link(buf, size, type, &ino) < 0)
			continue;
		if (size < tl + 4 || memcmp(buf, type, tl) != 0 || memcmp(buf + tl, ":[", 2) != 0 ||
		    buf[size - 1] != ']')
			abort(); /* accepted without the TYPE:[...] frame */
		/* The digits, leading zeros aside, are the inode. */
		const char *d = buf + tl + 2, *end = buf + size - 1;

		while (d < end - 1 && *d == '0')
			d++;
		n = snprintf(back, sizeof(back), "%llu", (unsigned long long)ino);
		if ((size_t)n != (size_t)(end - d) || memcmp(back, d, (size_t)n) != 0)
			abort(); /* the inode is not the number written */
	}
	return 0;
}
