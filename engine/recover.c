#include "engine/recover.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"

struct procinfo {
	char state;
	pid_t pgrp;
	unsigned long long start;
};

/* /proc/PID/stat: the fields after the command name, which may hold spaces and ')'. */
static bool proc_read(pid_t pid, struct procinfo *p)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *q = strrchr(buf, ')');
	if (!q)
		return false;
	/* Fields 3 (state), 5 (pgrp) and 22 (starttime). */
	int pgrp;
	unsigned long long start;
	if (sscanf(q + 1, " %c %*d %d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   &p->state, &pgrp, &start) != 3)
		return false;
	p->pgrp = pgrp;
	p->start = start;
	return true;
}

unsigned long long recover_proc_start(pid_t pid)
{
	struct procinfo p;
	if (!proc_read(pid, &p) || p.state == 'Z' || p.state == 'X')
		return 0;
	return p.start;
}

static void boot_id(char *buf, size_t n)
{
	char *id = file_read("/proc/sys/kernel/random/boot_id", 256, NULL);
	snprintf(buf, n, "%s", id ? str_trim(id) : "");
	free(id);
}

void recover_claim(struct step_owner *o)
{
	memset(o, 0, sizeof(*o));
	o->pid = (int)getpid();
	o->start = recover_proc_start(getpid());
	boot_id(o->boot_id, sizeof(o->boot_id));
}

void recover_set_job(struct step_owner *o, pid_t pgid)
{
	o->pgid = (int)pgid;
	o->pgid_start = recover_proc_start(pgid);
}

static bool same_boot(const struct step_owner *o)
{
	char now[40];
	boot_id(now, sizeof(now));
	return o->boot_id[0] && strcmp(o->boot_id, now) == 0;
}

static bool path_within(const char *path, const char *dir)
{
	size_t n = dir ? strlen(dir) : 0;
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return n && strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* The live processes of the owner's job group, 0 when the group is gone or is
 * not that job's (another boot, a recycled pid). */
static int group_left(const struct session *s, const struct step_owner *o)
{
	if (o->pgid <= 0 || !o->pgid_start || !same_boot(o))
		return 0;
	struct procinfo leader;
	bool has_leader = proc_read(o->pgid, &leader) && leader.state != 'Z' && leader.state != 'X';
	/* A live leader with another start time: the pid went to a new process. */
	if (has_leader && leader.start != o->pgid_start)
		return 0;
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	int n = 0;
	bool in_tree = false;
	uid_t me = getuid();
	char *obj = session_objtree(s);
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		struct procinfo p;
		if (*end || pid <= 0 || !proc_read((pid_t)pid, &p) || p.pgrp != o->pgid)
			continue;
		if (p.state == 'Z' || p.state == 'X' || p.start < o->pgid_start)
			continue;
		char path[64], cwd[PATH_MAX];
		struct stat st;
		snprintf(path, sizeof(path), "/proc/%ld", pid);
		if (stat(path, &st) < 0 || st.st_uid != me)
			continue;
		n++;
		snprintf(path, sizeof(path), "/proc/%ld/cwd", pid);
		ssize_t len = readlink(path, cwd, sizeof(cwd) - 1);
		if (len > 0) {
			cwd[len] = 0;
			in_tree = in_tree || path_within(cwd, s->tree) || path_within(cwd, obj);
		}
	}
	closedir(d);
	free(obj);
	return has_leader || in_tree ? n : 0;
}

bool recover_find(const struct session *s, struct orphan *out)
{
	for (int i = 0; i < STEP_COUNT; i++) {
		const struct step_state *ss = &s->steps[i];
		if (ss->status != STATUS_RUNNING)
			continue;
		const struct step_owner *o = &ss->owner;
		*out = (struct orphan){ .step = (enum step_id)i, .kfdo_pid = o->pid, .pgid = o->pgid };
		out->owner_alive = o->pid > 0 && same_boot(o) && o->start &&
				   recover_proc_start(o->pid) == o->start;
		if (!out->owner_alive)
			out->left = group_left(s, o);
		return true;
	}
	return false;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int recover_stop(const struct session *s, const struct orphan *o, int grace_ms)
{
	if (o->owner_alive)
		return 0;
	const struct step_owner *ow = &s->steps[o->step].owner;
	int first = group_left(s, ow);
	if (!first)
		return 0;
	/* SIGINT first, as a cancel does: make then removes its half-written targets. */
	static const int sigs[] = { SIGINT, SIGTERM, SIGKILL };
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++) {
		if (!group_left(s, ow))
			break;
		if (sigs[i] == SIGTERM)
			kill(-(pid_t)ow->pgid, SIGCONT);
		kill(-(pid_t)ow->pgid, sigs[i]);
		for (int waited = 0; waited < grace_ms && group_left(s, ow); waited += 50)
			sleep_ms(50);
	}
	return first;
}

void recover_settle(struct session *s, const struct orphan *o)
{
	char *msg = o->kfdo_pid > 0 ? xasprintf(_("interrupted: kfdo (pid %d) was killed during this step"), o->kfdo_pid)
				    : xstrdup(_("interrupted: the run ended without recording the outcome"));
	session_step_set(s, o->step, STATUS_FAILED, msg);
	free(msg);
}
