/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Drawing (htop's Panel): the header, the table, the detail pane, the
 * pager (help, probe results) and the prompts in the last line.  Every
 * string that came from a process, an engine or a cgroup path is escaped
 * before it gets here; text is cut by display columns, not bytes.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <wchar.h>

#include "escape.h"
#include "render.h"
#include "tui.h"

enum { PAIR_HEADER = 1, PAIR_CONTAINER, PAIR_ENGINE, PAIR_SHIM, PAIR_STATUS, PAIR_WARN, PAIR_DIM };

static bool use_colors;

static attr_t attr_of(int pair, attr_t mono)
{
	return use_colors ? (attr_t)COLOR_PAIR(pair) : mono;
}

void tui_screen_init(struct tui_state *st)
{
	const char *nc = getenv("NO_COLOR");

	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	use_colors = !st->opts.no_color && !(nc && *nc) && has_colors();
	if (use_colors) {
		start_color();
		use_default_colors();
		init_pair(PAIR_HEADER, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_CONTAINER, COLOR_CYAN, -1);
		init_pair(PAIR_ENGINE, COLOR_YELLOW, -1);
		init_pair(PAIR_SHIM, COLOR_MAGENTA, -1);
		init_pair(PAIR_STATUS, COLOR_BLACK, COLOR_GREEN);
		init_pair(PAIR_WARN, COLOR_RED, -1);
		init_pair(PAIR_DIM, COLOR_BLUE, -1);
	}
	st->colors = use_colors;
}

void tui_screen_end(void)
{
	if (!isendwin())
		endwin();
}

/* Put s at (y, x) in at most width columns, padding with blanks when pad. */
static int put(int y, int x, int width, const char *s, bool pad)
{
	mbstate_t ps = { 0 };
	const char *p = s;
	int used = 0;

	if (width <= 0)
		return 0;
	move(y, x);
	while (*p && used < width) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, p, MB_CUR_MAX, &ps);
		int w;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			/* Cannot happen after escaping; be safe anyway. */
			addch('?');
			used++;
			p++;
			memset(&ps, 0, sizeof(ps));
			continue;
		}
		w = wcwidth(wc);
		if (w < 0 || (unsigned char)*p < 0x20 || *p == 0x7f) {
			addch('?');
			used++;
		} else {
			if (used + w > width)
				break;
			addnstr(p, (int)n);
			used += w;
		}
		p += n;
	}
	while (pad && used < width) {
		addch(' ');
		used++;
	}
	return used;
}

static void fmt_bytes(int64_t v, char *buf, size_t size)
{
	static const char units[] = "KMGTP";
	double d = (double)v / 1024;
	int u = 0;

	if (v < 0) {
		snprintf(buf, size, "-");
		return;
	}
	while (d >= 1000 && u < 4) {
		d /= 1024;
		u++;
	}
	if (d < 10 && u > 0)
		snprintf(buf, size, "%.1f%c", d, units[u]);
	else
		snprintf(buf, size, "%.0f%c", d, units[u]);
}

static void fmt_pct(double v, char *buf, size_t size)
{
	if (v < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1f", v);
}

static const struct ct_proc *node_proc(const struct tui_host *h, size_t node)
{
	ssize_t c;

	if (!tui_node_is_container(h, node))
		return &h->snap->procs[node];
	c = (ssize_t)(node - h->snap->n_procs);
	return h->world->containers[c].init >= 0 ? &h->snap->procs[h->world->containers[c].init] : NULL;
}

#define NS_COLS 3
static const enum ct_ns_type ns_cols[NS_COLS] = { CT_NS_NET, CT_NS_PID, CT_NS_MNT };

static void row_text(const struct tui_host *h, const struct tui_row *row, struct ct_buf *b)
{
	size_t node = row->node;

	for (unsigned d = 1; d < row->depth; d++)
		ct_buf_puts(b, d < 64 && (row->lines & (1ULL << d)) ? "\u2502 " : "  ");
	if (row->depth > 0)
		ct_buf_puts(b, row->last ? "\u2514\u2500" : "\u251c\u2500");
	ct_buf_puts(b, !row->has_children ? " " : row->open ? "-" : "+");
	if (tui_node_is_container(h, node)) {
		const struct ct_container *ct = &h->world->containers[node - h->snap->n_procs];
		_cleanup_free_ char *name = tui_node_name(h, node);

		ct_buf_printf(b, "[%s]", name);
		if (ct->rec.image) {
			ct_buf_puts(b, " ");
			ct_escape_term(b, ct->rec.image, strlen(ct->rec.image));
		}
		ct_buf_printf(b, " (%s", ct_engine_kind_name(ct->rec.engine));
		if (ct->rec.id) {
			ct_buf_putc(b, ' ');
			ct_escape_term(b, ct->rec.id, strnlen(ct->rec.id, 12));
		}
		if (ct->pod.name) {
			ct_buf_puts(b, ", pod ");
			ct_escape_term(b, ct->pod.name, strlen(ct->pod.name));
		}
		if (ct->rec.status && strcmp(ct->rec.status, "running") != 0) {
			ct_buf_puts(b, ", ");
			ct_escape_term(b, ct->rec.status, strlen(ct->rec.status));
		}
		ct_buf_puts(b, ")");
	} else {
		ct_format_command(&h->snap->procs[node], b);
	}
}

static attr_t row_attr(const struct tui_host *h, size_t node)
{
	if (tui_node_is_container(h, node))
		return attr_of(PAIR_CONTAINER, A_BOLD) | (use_colors ? A_BOLD : 0);
	switch (h->world->roles[node].role) {
	case CT_ROLE_ENGINE:
		return attr_of(PAIR_ENGINE, A_NORMAL);
	case CT_ROLE_SHIM:
	case CT_ROLE_PROXY:
		return attr_of(PAIR_SHIM, A_NORMAL);
	case CT_ROLE_NONE:
		return h->snap->procs[node].flags & CT_PROC_KTHREAD ? attr_of(PAIR_DIM, A_DIM) : A_NORMAL;
	default:
		return A_NORMAL;
	}
}

static void draw_header(struct tui_state *st, int cols)
{
	const struct tui_host *h = &st->host;
	char line[512];
	_cleanup_free_ char *host = ct_escape_term_dup(h->snap->host.hostname ? h->snap->host.hostname : "?",
						       h->snap->host.hostname ? strlen(h->snap->host.hostname) : 1);
	size_t running = 0;

	for (size_t c = 0; c < h->world->n_containers; c++)
		running += h->world->containers[c].init >= 0;
	snprintf(line, sizeof(line), "ctrtop %s  %zu processes  %zu containers (%zu running)  %zu engines  %s tree",
		 host, h->snap->n_procs, h->world->n_containers, running, h->world->n_engines,
		 h->kernel_tree ? "kernel" : "logical");
	attron(A_BOLD);
	put(0, 0, cols, line, true);
	attroff(A_BOLD);
	if (st->events.fd >= 0)
		snprintf(line, sizeof(line),
			 "events: connector (%" PRIu64 ")%s  rescan <= %.1fs  last %.0f ms  sort: %s%s",
			 st->events.n_events, st->dirty ? " dirty" : "", tui_rescan_gap_ms(st) / 1000, h->collect_ms,
			 tui_sort_names[st->table.sort], st->table.reverse ? " (reversed)" : "");
	else
		snprintf(line, sizeof(line), "events: unavailable (%s): rescanning every %.1fs  last %.0f ms  sort: %s%s",
			 strerror(-st->events.error), tui_rescan_gap_ms(st) / 1000, h->collect_ms, tui_sort_names[st->table.sort],
			 st->table.reverse ? " (reversed)" : "");
	attrset(st->events.fd < 0 ? attr_of(PAIR_WARN, A_BOLD) : A_NORMAL);
	put(1, 0, cols, line, true);
	attrset(A_NORMAL);
}

static int table_header(struct tui_state *st, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%7s %5s %6s %5s ", "PID", "CPU%", "MEM", "PIDS");

	if (st->show_ns)
		for (int k = 0; k < NS_COLS; k++) {
			char name[16];

			snprintf(name, sizeof(name), "%sNS", ct_ns_names[ns_cols[k]]);
			for (char *p = name; *p; p++)
				*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
			n += snprintf(buf + n, size - (size_t)n, "%10s ", name);
		}
	if (st->show_cgroup)
		n += snprintf(buf + n, size - (size_t)n, "%-24s ", "CGROUP");
	n += snprintf(buf + n, size - (size_t)n, "%s", "NAME / COMMAND");
	return n;
}

static void draw_row(struct tui_state *st, const struct tui_row *row, int y, int cols, bool selected)
{
	const struct tui_host *h = &st->host;
	const struct ct_proc *p = node_proc(h, row->node);
	char cpu[16] = "", mem[16] = "", pids[24] = "", buf[256];
	struct ct_buf b = { 0 };
	int x = 0;
	attr_t attr = row_attr(h, row->node);

	if (tui_node_is_container(h, row->node)) {
		const struct tui_cg_metrics *m = &h->cg[row->node - h->snap->n_procs];

		fmt_pct(m->cpu_pct, cpu, sizeof(cpu));
		fmt_bytes(m->mem, mem, sizeof(mem));
		if (m->pids >= 0)
			snprintf(pids, sizeof(pids), "%" PRId64, m->pids);
		else
			snprintf(pids, sizeof(pids), "-");
	} else {
		const struct tui_proc_metrics *m = &h->pm[row->node];

		if (m->last_time_ns) {
			fmt_pct(m->cpu_pct, cpu, sizeof(cpu));
			fmt_bytes(m->rss, mem, sizeof(mem));
		}
		if (m->gone)
			snprintf(cpu, sizeof(cpu), "gone");
	}
	if (p)
		snprintf(buf, sizeof(buf), "%7d %5s %6s %5s ", p->pid, cpu, mem, pids);
	else
		snprintf(buf, sizeof(buf), "%7s %5s %6s %5s ", "-", cpu, mem, pids);
	attrset(selected ? A_REVERSE : A_NORMAL);
	x += put(y, x, cols - x, buf, false);
	if (st->show_ns)
		for (int k = 0; k < NS_COLS; k++) {
			if (p && p->ns[ns_cols[k]].ino)
				snprintf(buf, sizeof(buf), "%10" PRIu64 " ", p->ns[ns_cols[k]].ino);
			else
				snprintf(buf, sizeof(buf), "%10s ", "?");
			x += put(y, x, cols - x, buf, false);
		}
	if (st->show_cgroup) {
		const char *cg = p ? ct_proc_main_cgroup(p) : NULL;
		struct ct_buf c = { 0 };

		if (cg)
			ct_escape_term(&c, cg, strlen(cg));
		ct_buf_putc(&c, '\0');
		x += put(y, x, 24, c.data, true);
		x += put(y, x, cols - x, " ", false);
		ct_buf_free(&c);
	}
	row_text(h, row, &b);
	ct_buf_putc(&b, '\0');
	attrset(selected ? A_REVERSE | (attr & A_BOLD) : attr);
	put(y, x, cols - x, b.data, true);
	attrset(A_NORMAL);
	ct_buf_free(&b);
}

void tui_status(struct tui_state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->status, sizeof(st->status), fmt, ap);
	va_end(ap);
}

static void draw_status(struct tui_state *st, int y, int cols)
{
	char line[512];

	if (st->filtering) {
		_cleanup_free_ char *f = ct_escape_term_dup(st->table.filter, strlen(st->table.filter));

		snprintf(line, sizeof(line), "Filter: %s", f);
		attrset(attr_of(PAIR_STATUS, A_REVERSE));
		put(y, 0, cols, line, true);
		attrset(A_NORMAL);
		return;
	}
	if (*st->status) {
		attrset(A_BOLD);
		put(y, 0, cols, st->status, true);
		attrset(A_NORMAL);
		return;
	}
	if (*st->table.filter) {
		_cleanup_free_ char *f = ct_escape_term_dup(st->table.filter, strlen(st->table.filter));

		snprintf(line, sizeof(line), "[filter: %s]  ", f);
	} else {
		line[0] = '\0';
	}
	strncat(line, "?:help q:quit /:filter s:sort Enter:detail e:shell x:cmd p:probes w:write K:kill",
		sizeof(line) - strlen(line) - 1);
	attrset(attr_of(PAIR_HEADER, A_REVERSE));
	put(y, 0, cols, line, true);
	attrset(A_NORMAL);
}

static void draw_pager(struct tui_state *st, int rows, int cols)
{
	char title[256];
	int height = rows - 2;

	snprintf(title, sizeof(title), "%s  (%zu lines; Up/Down/PgUp/PgDn scroll, q or Esc closes)", st->pager_title,
		 st->n_pager);
	attrset(attr_of(PAIR_HEADER, A_REVERSE));
	put(0, 0, cols, title, true);
	attrset(A_NORMAL);
	if (height < 1)
		return;
	if (st->n_pager > (size_t)height && st->pager_top > st->n_pager - (size_t)height)
		st->pager_top = st->n_pager - (size_t)height;
	if (st->n_pager <= (size_t)height)
		st->pager_top = 0;
	for (int y = 0; y < height; y++) {
		size_t i = st->pager_top + (size_t)y;

		put(1 + y, 0, cols, i < st->n_pager ? st->pager[i] : "", true);
	}
}

void tui_lines_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void tui_pager_close(struct tui_state *st)
{
	tui_lines_free(st->pager, st->n_pager);
	st->pager = NULL;
	st->n_pager = st->pager_top = 0;
}

/* Text already escaped (ours, or a probe's text output): split it into
 * lines, tabs to blanks, and any control byte left over replaced. */
void tui_pager_open(struct tui_state *st, const char *title, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	tui_pager_close(st);
	snprintf(st->pager_title, sizeof(st->pager_title), "%s", title);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct ct_buf b = { 0 };

		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)p[i];

			if (ch == '\t')
				ct_buf_puts(&b, "        ");
			else if (ch < 0x20 || ch == 0x7f)
				ct_buf_putc(&b, '?');
			else
				ct_buf_putc(&b, (char)ch);
		}
		ct_buf_putc(&b, '\0');
		st->pager = xreallocarray(st->pager, st->n_pager + 1, sizeof(char *));
		st->pager[st->n_pager++] = b.data;
		p = nl ? nl + 1 : end;
	}
	st->pager_top = 0;
}

void tui_screen_draw(struct tui_state *st)
{
	int rows, cols, height, table_h, detail_h = 0;
	size_t node = tui_selected_node(st);
	char hdr[512];

	getmaxyx(stdscr, rows, cols);
	erase();
	if (st->pager) {
		draw_pager(st, rows, cols);
		draw_status(st, rows - 1, cols);
		refresh();
		return;
	}
	if (rows < 5 || cols < 20) {
		put(0, 0, cols, "ctrtop: terminal too small", false);
		refresh();
		return;
	}
	draw_header(st, cols);
	height = rows - 4; /* header 2, column titles 1, status 1 */
	table_h = height;
	if (st->show_detail && node != CT_NONE) {
		detail_h = height / 2 < 6 ? (height > 6 ? 6 : height / 2) : height / 2;
		table_h = height - detail_h;
	}
	table_header(st, hdr, sizeof(hdr));
	attrset(attr_of(PAIR_HEADER, A_REVERSE));
	put(2, 0, cols, hdr, true);
	attrset(A_NORMAL);

	if (st->selected >= st->table.n_rows)
		st->selected = st->table.n_rows ? st->table.n_rows - 1 : 0;
	if (st->selected < st->top)
		st->top = st->selected;
	if (table_h > 0 && st->selected >= st->top + (size_t)table_h)
		st->top = st->selected - (size_t)table_h + 1;
	if (st->top + (size_t)table_h > st->table.n_rows)
		st->top = st->table.n_rows > (size_t)table_h ? st->table.n_rows - (size_t)table_h : 0;
	for (int y = 0; y < table_h; y++) {
		size_t r = st->top + (size_t)y;

		if (r >= st->table.n_rows)
			break;
		draw_row(st, &st->table.rows[r], 3 + y, cols, r == st->selected);
	}
	if (detail_h > 0) {
		size_t n = 0;
		char **lines = tui_detail_lines(&st->host, node, &n);
		int y0 = 3 + table_h;

		attrset(attr_of(PAIR_HEADER, A_REVERSE));
		put(y0, 0, cols, "Detail (Enter closes)", true);
		attrset(A_NORMAL);
		for (int y = 1; y < detail_h && (size_t)(y - 1) < n; y++)
			put(y0 + y, 0, cols, lines[y - 1], true);
		tui_lines_free(lines, n);
	}
	draw_status(st, rows - 1, cols);
	refresh();
}

/* A line editor in the status line; blocking (the view waits meanwhile). */
char *tui_prompt(struct tui_state *st, const char *question, const char *initial)
{
	struct ct_buf in = { 0 };
	int rows, cols;

	ct_buf_puts(&in, initial ? initial : "");
	nodelay(stdscr, FALSE);
	curs_set(1);
	for (;;) {
		_cleanup_free_ char *shown = NULL;
		char line[1024];
		int ch;

		ct_buf_putc(&in, '\0');
		in.len--;
		shown = ct_escape_term_dup(in.data, in.len);
		snprintf(line, sizeof(line), "%s%s", question, shown);
		getmaxyx(stdscr, rows, cols);
		attrset(A_BOLD);
		put(rows - 1, 0, cols, line, true);
		attrset(A_NORMAL);
		move(rows - 1, (int)strlen(line) < cols ? (int)strlen(line) : cols - 1);
		refresh();
		ch = getch();
		if (ch == 27) {
			ct_buf_free(&in);
			break;
		}
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			char *r = xmemdup0(in.data ? in.data : "", in.len);

			ct_buf_free(&in);
			curs_set(0);
			nodelay(stdscr, TRUE);
			return r;
		}
		if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
			/* Drop a whole UTF-8 sequence. */
			while (in.len > 0 && ((unsigned char)in.data[in.len - 1] & 0xc0) == 0x80)
				in.len--;
			if (in.len > 0)
				in.len--;
			continue;
		}
		if (ch == 21) { /* ^U */
			in.len = 0;
			continue;
		}
		if (ch == KEY_RESIZE) {
			tui_screen_draw(st);
			continue;
		}
		if (ch >= 0x20 && ch <= 0xff && ch != 0x7f && in.len < 900)
			ct_buf_putc(&in, (char)ch);
	}
	curs_set(0);
	nodelay(stdscr, TRUE);
	return NULL;
}

bool tui_confirm(struct tui_state *st, const char *question)
{
	int rows, cols, ch;

	nodelay(stdscr, FALSE);
	for (;;) {
		getmaxyx(stdscr, rows, cols);
		attrset(attr_of(PAIR_WARN, A_BOLD) | A_BOLD);
		put(rows - 1, 0, cols, question, true);
		attrset(A_NORMAL);
		refresh();
		ch = getch();
		if (ch == KEY_RESIZE) {
			tui_screen_draw(st);
			continue;
		}
		break;
	}
	nodelay(stdscr, TRUE);
	return ch == 'y' || ch == 'Y';
}
