/* SPDX-License-Identifier: GPL-2.0-or-later */
/* STUB: replaced by the real nsenter-lite. */
#include <stdio.h>

int main(void)
{
	fputs("nsenter-lite: not implemented\n", stderr);
	return 1;
}
