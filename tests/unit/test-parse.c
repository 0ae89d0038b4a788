/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The /proc parsers on real, odd and hostile text. */
#include "snapshot.h"
#include "tap.h"
#include "util.h"

static const char stat_line[] =
	"4374 (nginx) S 4351 4374 4374 0 -1 4194560 1234 0 0 0 1 2 0 0 20 0 1 0 "
	"98765 10000000 500 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";

static void test_stat(void)
{
	struct ct_arena a = { 0 };
	struct ct_proc p = { 0 };
	char buf[512];

	is_int(ct_parse_stat(stat_line, sizeof(stat_line) - 1, &a, &p), 0, "stat: parses");
	is_int(p.pid, 4374, "stat: pid");
	is_int(p.ppid, 4351, "stat: ppid");
	is_int(p.start_time, 98765, "stat: start time is field 22");
	is_int(p.state, 'S', "stat: state");
	is_str(p.comm, "nginx", "stat: comm");
	ok(!(p.flags & CT_PROC_KTHREAD), "stat: not a kernel thread");

	/* comm may hold ") (", spaces and a newline: it ends at the LAST ')'. */
	snprintf(buf, sizeof(buf), "77 (a) S 1 (\n x) Z 5 0 0 0 -1 2097216 0 0 0 0 0 0 0 0 20 0 1 0 "
				   "4242 0 0\n");
	p = (struct ct_proc){ 0 };
	is_int(ct_parse_stat(buf, strlen(buf), &a, &p), 0, "stat: hostile comm parses");
	is_str(p.comm, "a) S 1 (\n x", "stat: hostile comm kept whole");
	is_int(p.state, 'Z', "stat: state after hostile comm");
	is_int(p.ppid, 5, "stat: ppid after hostile comm");
	is_int(p.start_time, 4242, "stat: start after hostile comm");
	ok(p.flags & CT_PROC_KTHREAD, "stat: PF_KTHREAD flag seen");

	static const char *const bad[] = {
		"",
		"12 (x",
		"12 x) S 1",
		"(x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0",
		"-1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0",
		"12 (x) S 1",
		"12 (x) S +1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0",
		"12 (x) SS 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0",
		"12 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5x 0 0",
		"99999999999999999999 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		p = (struct ct_proc){ 0 };
		ok(ct_parse_stat(bad[i], strlen(bad[i]), &a, &p) < 0, "stat: rejects bad input %zu", i);
	}
	ct_arena_free(&a);
}

static void test_status(void)
{
	static const char status[] = "Name:\tsh\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t9\n"
				     "Uid:\t1000\t1001\t1002\t1003\nGid:\t0\t0\t0\t0\n"
				     "NSpid:\t4374\t17\t1\nNSpgid:\t1\n";
	struct ct_arena a = { 0 };
	struct ct_proc p = { 0 };

	is_int(ct_parse_status(status, sizeof(status) - 1, &a, &p), 0, "status: parses");
	is_int(p.uid, 1001, "status: effective uid");
	is_int(p.n_nspid, 3, "status: three nested pids");
	ok(p.n_nspid == 3 && p.nspid[0] == 4374 && p.nspid[1] == 17 && p.nspid[2] == 1,
	   "status: NSpid outermost first");

	p = (struct ct_proc){ 0 };
	ok(ct_parse_status("Name:\tx\nUid:\t1\t2\n", 17, &a, &p) < 0, "status: short Uid rejected");
	p = (struct ct_proc){ 0 };
	ok(ct_parse_status("Uid:\t0\t0\t0\t0\nNSpid:\t1\tx\n", 24, &a, &p) < 0,
	   "status: junk NSpid rejected");
	p = (struct ct_proc){ 0 };
	is_int(ct_parse_status("Uid:\t0\t0\t0\t0\n", 13, &a, &p), 0, "status: old kernel without NSpid");
	ct_arena_free(&a);
}

static void test_cmdline(void)
{
	struct ct_arena a = { 0 };
	struct ct_proc p = { 0 };

	ct_parse_cmdline("sleep\0" "30\0", 9, &a, &p);
	ok(p.argc == 2 && strcmp(p.argv[0], "sleep") == 0 && strcmp(p.argv[1], "30") == 0,
	   "cmdline: argv split on NUL");
	ct_parse_cmdline("nginx: master process", 21, &a, &p);
	ok(p.argc == 1 && strcmp(p.argv[0], "nginx: master process") == 0,
	   "cmdline: rewritten argv without trailing NUL");
	ct_parse_cmdline("a\0\0b\0", 5, &a, &p);
	ok(p.argc == 3 && p.argv[1][0] == '\0' && strcmp(p.argv[2], "b") == 0,
	   "cmdline: empty argument kept");
	ct_parse_cmdline("", 0, &a, &p);
	is_int(p.argc, 0, "cmdline: empty (kernel thread, zombie)");
	ct_arena_free(&a);
}

static void test_cgroup(void)
{
	static const char hybrid[] = "9:name=systemd:/\n8:pids:/docker/abc\n1:cpu,cpuacct:/docker/abc\n"
				     "0::/docker/abc\n";
	static const char nl[] = "0::/evil\n1:fake:/x\n";
	static const char weird[] = "0::/a:b c\n";
	struct ct_arena a = { 0 };
	struct ct_proc p = { 0 };

	is_int(ct_parse_cgroup(hybrid, sizeof(hybrid) - 1, &a, &p), 0, "cgroup: hybrid parses");
	is_int(p.n_cgroups, 4, "cgroup: every line kept");
	is_str(p.cgroups[0].controllers, "name=systemd", "cgroup: named hierarchy");
	is_str(p.cgroups[2].controllers, "cpu,cpuacct", "cgroup: co-mounted controllers");
	is_int(p.cgroups[3].hierarchy, 0, "cgroup: v2 line hierarchy 0");
	is_str(p.cgroups[3].controllers, "", "cgroup: v2 line has no controllers");
	is_str(ct_proc_main_cgroup(&p), "/docker/abc", "cgroup: main path from v2");

	p = (struct ct_proc){ 0 };
	ct_parse_cgroup(weird, sizeof(weird) - 1, &a, &p);
	is_str(p.cgroups[0].path, "/a:b c", "cgroup: ':' and space inside a path");

	/* "1:fake:/x" parses as a line; a line that cannot continues the path. */
	p = (struct ct_proc){ 0 };
	ct_parse_cgroup("0::/a\nb\n", 8, &a, &p);
	ok(p.n_cgroups == 1 && strcmp(p.cgroups[0].path, "/a\nb") == 0,
	   "cgroup: a newline inside a cgroup name is kept");
	p = (struct ct_proc){ 0 };
	is_int(ct_parse_cgroup(nl, sizeof(nl) - 1, &a, &p), 0, "cgroup: two lines");
	p = (struct ct_proc){ 0 };
	ok(ct_parse_cgroup("junk\n", 5, &a, &p) < 0, "cgroup: junk first line rejected");

	static const char v1only[] = "3:memory:/\n2:pids:/lxc.payload.web\n";
	p = (struct ct_proc){ 0 };
	ct_parse_cgroup(v1only, sizeof(v1only) - 1, &a, &p);
	is_str(ct_proc_main_cgroup(&p), "/lxc.payload.web", "cgroup: main path from v1");
	ct_arena_free(&a);
}

static void test_numbers(void)
{
	uint64_t u;
	int64_t i;
	int pid;

	ok(ct_parse_u64("18446744073709551615", 20, &u) == 0 && u == UINT64_MAX, "u64: max");
	is_int(ct_parse_u64("18446744073709551616", 20, &u), -ERANGE, "u64: overflow");
	is_int(ct_parse_u64("", 0, &u), -EINVAL, "u64: empty");
	is_int(ct_parse_u64(" 1", 2, &u), -EINVAL, "u64: leading space");
	is_int(ct_parse_u64("+1", 2, &u), -EINVAL, "u64: sign");
	is_int(ct_parse_u64("1x", 2, &u), -EINVAL, "u64: trailing junk");
	ok(ct_parse_i64("-9223372036854775808", 20, &i) == 0 && i == INT64_MIN, "i64: min");
	is_int(ct_parse_i64("9223372036854775808", 19, &i), -ERANGE, "i64: overflow");
	is_int(ct_parse_pid("2147483648", 10, &pid), -ERANGE, "pid: overflow");

	uint64_t ino;
	ok(ct_parse_ns_link("net:[4026531840]", 16, "net", &ino) == 0 && ino == 4026531840ULL,
	   "ns link: parses");
	ok(ct_parse_ns_link("pid:[4026531840]", 16, "net", &ino) < 0, "ns link: wrong type");
	ok(ct_parse_ns_link("net:[]", 6, "net", &ino) < 0, "ns link: empty inode");
	ok(ct_parse_ns_link("net:[12", 7, "net", &ino) < 0, "ns link: unterminated");
}

int main(void)
{
	test_stat();
	test_status();
	test_cmdline();
	test_cgroup();
	test_numbers();
	return tap_done();
}
