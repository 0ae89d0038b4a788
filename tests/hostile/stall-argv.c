/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stall-argv: a process whose /proc/PID/cmdline read blocks.
 *
 *   stall-argv MNTDIR PIDFILE [SECONDS [PORT]]
 *
 * Mounts a one-file FUSE filesystem on MNTDIR (needs root) and serves it
 * from this process, answering every request but READ.  A child maps
 * MNTDIR/f; one of its threads reads that mapping through /proc/self/mem,
 * which faults while holding the child's mmap lock (read) and waits for a
 * READ reply that never comes; another thread then asks for the lock in
 * write mode (mmap) and queues.  Every later reader of the child's memory,
 * a read of /proc/PID/cmdline or environ among them, queues behind that
 * writer: a killable wait that lasts until the daemon answers.  The child
 * writes its pid to PIDFILE when the stall is set up.  Killing the daemon
 * (or SECONDS, default 60, passing) aborts the connection and frees every
 * waiter; unmount MNTDIR after.  With PORT the child first listens on
 * 127.0.0.1:PORT (TCP), for tools that look up a socket's holder.
 *
 * The kernel refuses the simpler tricks: cmdline is read only from
 * anonymous memory (FOLL_ANON), so a FUSE file mapped over the argv pages
 * gives a short read, and an unserved userfaultfd region gives SIGBUS to
 * a remote reader, not a wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#define FILE_INO  2
#define FILE_SIZE (1024 * 1024)

static int fuse_fd;

static void reply(uint64_t unique, int error, const void *data, size_t len)
{
	struct fuse_out_header h = { .len = (uint32_t)(sizeof(h) + len), .error = error, .unique = unique };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)data, len } };

	(void)!writev(fuse_fd, iov, data ? 2 : 1);
}

static void fill_attr(struct fuse_attr *a, uint64_t ino)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->nlink = 1;
	a->blksize = 4096;
	if (ino == FUSE_ROOT_ID) {
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
	} else {
		a->mode = S_IFREG | 0444;
		a->size = FILE_SIZE;
		a->blocks = FILE_SIZE / 512;
	}
}

static _Noreturn void serve(void)
{
	static char buf[FUSE_MIN_READ_BUFFER + 1024 * 1024];

	for (;;) {
		ssize_t n = read(fuse_fd, buf, sizeof(buf));
		struct fuse_in_header *in = (void *)buf;
		void *arg = buf + sizeof(*in);

		if (n < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			exit(errno == ENODEV ? 0 : 1); /* unmounted */
		}
		if ((size_t)n < sizeof(*in))
			continue;
		switch (in->opcode) {
		case FUSE_INIT: {
			struct fuse_init_in *ii = arg;
			struct fuse_init_out o = { .major = FUSE_KERNEL_VERSION,
						   .minor = FUSE_KERNEL_MINOR_VERSION,
						   .max_readahead = ii->max_readahead,
						   .max_write = 4096,
						   .max_background = 16,
						   .congestion_threshold = 12 };
			reply(in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_LOOKUP: {
			struct fuse_entry_out e = { 0 };

			if (in->nodeid != FUSE_ROOT_ID || strcmp(arg, "f") != 0) {
				reply(in->unique, -ENOENT, NULL, 0);
				break;
			}
			e.nodeid = FILE_INO;
			e.generation = 1;
			e.entry_valid = e.attr_valid = 3600;
			fill_attr(&e.attr, FILE_INO);
			reply(in->unique, 0, &e, sizeof(e));
			break;
		}
		case FUSE_GETATTR: {
			struct fuse_attr_out a = { .attr_valid = 3600 };

			fill_attr(&a.attr, in->nodeid);
			reply(in->unique, 0, &a, sizeof(a));
			break;
		}
		case FUSE_OPEN:
		case FUSE_OPENDIR: {
			struct fuse_open_out o = { 0 };

			reply(in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_READ:
			break; /* the stall: never answered */
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
			break; /* no reply expected */
		case FUSE_FLUSH:
		case FUSE_RELEASE:
		case FUSE_RELEASEDIR:
			reply(in->unique, 0, NULL, 0);
			break;
		default:
			reply(in->unique, -ENOSYS, NULL, 0);
		}
	}
}

static void *hold_read_lock(void *addr)
{
	char c;
	int fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);

	/* A read of /proc/self/mem faults without leave to drop the mmap
	 * lock: it waits on the FUSE page holding it. */
	if (fd >= 0)
		(void)!pread(fd, &c, 1, (off_t)(uintptr_t)addr);
	return NULL;
}

/* The child: pin its own mmap lock, then queue a writer behind it. */
static _Noreturn void victim(const char *file, const char *pidfile, int port)
{
	pthread_t t;
	void *map;
	FILE *f;
	int fd;

	if (port > 0) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
		int one = 1, sk = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (sk < 0 || setsockopt(sk, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
		    bind(sk, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(sk, 1) < 0) {
			perror("stall-argv: listen");
			_exit(1);
		}
	}

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror("stall-argv: victim");
		_exit(1);
	}
	map = mmap(NULL, FILE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		perror("stall-argv: mmap");
		_exit(1);
	}
	close(fd);
	if (pthread_create(&t, NULL, hold_read_lock, map) != 0)
		_exit(1);
	usleep(200 * 1000);
	f = fopen(pidfile, "we");
	if (!f)
		_exit(1);
	fprintf(f, "%d\n", getpid());
	fclose(f);
	/* Waits for the write lock for as long as the reader holds it. */
	mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	char opts[128], file[4096];
	pid_t pid;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: stall-argv MNTDIR PIDFILE [SECONDS [PORT]]\n");
		return 2;
	}
	fuse_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fuse_fd < 0) {
		perror("stall-argv: /dev/fuse");
		return 1;
	}
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other", fuse_fd);
	if (mount("stall-argv", argv[1], "fuse", MS_NOSUID | MS_NODEV, opts) < 0) {
		perror("stall-argv: mount");
		return 1;
	}
	snprintf(file, sizeof(file), "%s/f", argv[1]);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		close(fuse_fd);
		victim(file, argv[2], argc == 5 ? atoi(argv[4]) : 0);
	}
	/* Never stall for ever, whatever happens to the test: SIGALRM kills
	 * the daemon, which aborts the connection and frees every waiter. */
	alarm(argc >= 4 ? (unsigned)atoi(argv[3]) : 60);
	serve();
}
