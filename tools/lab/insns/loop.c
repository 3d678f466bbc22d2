// SPDX-License-Identifier: GPL-2.0
/*
 * loop.c - a loop of known length, to check the lab's instruction
 * counter: "loop N" executes its two-instruction loop body (dec, jnz)
 * N times, so it runs 2 * N user-space instructions plus a constant
 * handful around it. No libc: nothing else runs in user space.
 */

static unsigned long parse(const char *s)
{
	unsigned long n = 0;

	while (*s >= '0' && *s <= '9')
		n = n * 10 + (unsigned long)(*s++ - '0');
	return n;
}

static void sys_exit(long code)
{
	asm volatile("syscall" : : "a"(60L), "D"(code) : "rcx", "r11", "memory");
	__builtin_unreachable();
}

void loop_main(long *sp);

void loop_main(long *sp)
{
	unsigned long n = sp[0] > 1 ? parse((const char *)sp[2]) : 0;

	if (n)
		asm volatile("1:\n\tdec %0\n\tjnz 1b" : "+r"(n));
	sys_exit(0);
}

asm(".globl _start\n"
	"_start:\n"
	"\tmov %rsp, %rdi\n"
	"\tand $-16, %rsp\n"
	"\tcall loop_main\n");
