/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Process handles that cannot be fooled by a recycled PID: a pidfd, checked
 * against the start time the caller saw, and namespace fds taken through it.
 * Used wherever we act on a process we only know by number: the hostname
 * probe of the collector, nsenter-lite, the probes, the live view.
 */
#ifndef CT_PIDFD_H
#define CT_PIDFD_H

#include <stdbool.h>
#include <stdint.h>

/* Start time of pid in clock ticks since boot (field 22 of /proc/PID/stat).
 * 0 or -errno: -ESRCH when there is no such process. */
int ct_proc_start_time(int pid, uint64_t *ret);

/*
 * A pidfd (close-on-exec) for pid.  The start time is read after the pidfd
 * is open and while the pidfd still shows the process alive, so it is the
 * start time of the process the pidfd holds.  If start_time is not 0 it
 * must match.  Returns the fd, or -ESRCH (no such process, or it exited),
 * -ESTALE (the PID now names another process), -ENOSYS (kernel < 5.3).
 * ret_start (may be NULL) receives the start time.
 */
int ct_pidfd_open_checked(int pid, uint64_t start_time, uint64_t *ret_start);

/*
 * The /proc/PID directory (an fd under proc_fd, the /proc directory) of the
 * process that started at start_time (0: any).  Whatever is read through it
 * is that process's: the kernel ties the directory to the process, not to
 * its number, so a recycled PID gives ESRCH there, never another process's
 * files.  Returns the fd, -ESRCH (gone) or -ESTALE (the PID is another's).
 */
int ct_proc_dir_open_checked(int proc_fd, int pid, uint64_t start_time);

/* Has the process behind the pidfd exited? */
bool ct_pidfd_exited(int pidfd);

/*
 * An fd of the namespace of type name ("net", "uts", ...) of the process
 * behind pidfd, for setns().  Opened through /proc/PID/ns and kept only if
 * the process was still alive after the open: a recycled PID cannot hand
 * us its namespace.  Returns the fd or -errno (-ESRCH: it exited;
 * -ENOENT: the kernel lacks that namespace type).
 */
int ct_pidfd_ns_open(int pidfd, int pid, const char *name);

#endif
