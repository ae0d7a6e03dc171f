/*
 * report/outdir.c - see outdir.h.
 *
 * The signal handler may only call async-signal-safe functions (unlink,
 * rmdir, kill, waitpid, _exit), so everything it needs is prepared
 * beforehand: the paths of the files written so far (tracked as they are
 * opened, complete before they are counted), the temporary directory, the
 * parents begin created, the lock file and the gnuplot child.
 */
#define _GNU_SOURCE   /* renameat2, RENAME_EXCHANGE */
#include "report/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/xalloc.h"

/* ---- what a signal handler must undo (one transaction at a time) ---- */

#define TRACK_MAX 512
static char *track_path[TRACK_MAX];       /* files in the temporary directory */
static volatile sig_atomic_t ntrack;
static struct outdir *active;              /* the transaction in progress */
static volatile sig_atomic_t child;        /* gnuplot's pid, 0 = none */
static const int caught[] = {SIGINT, SIGTERM, SIGHUP};
#define NCAUGHT (sizeof caught / sizeof caught[0])
static struct sigaction saved[NCAUGHT];

static void on_signal(int sig)
{
    pid_t c = (pid_t)child;
    if (c > 0) {
        kill(c, SIGKILL);
        waitpid(c, NULL, 0);
    }
    for (sig_atomic_t i = 0; i < ntrack; i++)
        unlink(track_path[i]);
    if (active) {
        if (active->tmp)
            rmdir(active->tmp);
        if (active->lockpath)
            unlink(active->lockpath);
        for (size_t i = active->nmade; i > 0; i--)
            rmdir(active->made[i - 1]);
    }
    _exit(128 + sig);
}

static void signals_catch(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask);   /* one handler at a time */
    for (size_t i = 0; i < NCAUGHT; i++) {
        sigaction(caught[i], NULL, &saved[i]);
        if (saved[i].sa_handler != SIG_IGN)   /* nohup stays nohup */
            sigaction(caught[i], &sa, NULL);
    }
}

static void signals_restore(void)
{
    for (size_t i = 0; i < NCAUGHT; i++)
        sigaction(caught[i], &saved[i], NULL);
}

static void track_reset(void)
{
    sig_atomic_t n = ntrack;
    ntrack = 0;
    for (sig_atomic_t i = 0; i < n; i++) {
        free(track_path[i]);
        track_path[i] = NULL;
    }
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *s = xmalloc(n);
    snprintf(s, n, "%s/%s", dir, name);
    return s;
}

void outdir_track(const char *dir, const char *name)
{
    if (!active || ntrack >= TRACK_MAX)
        return;   /* untracked files only keep rmdir from working: begin's sweep removes them */
    for (sig_atomic_t i = 0; i < ntrack; i++) {
        const char *p = track_path[i];
        size_t n = strlen(dir);
        if (strncmp(p, dir, n) == 0 && p[n] == '/' && strcmp(p + n + 1, name) == 0)
            return;
    }
    track_path[ntrack] = join(dir, name);
    ntrack = ntrack + 1;   /* the path is complete before it is counted */
}

void outdir_child(pid_t pid) { child = pid; }

/* ---- files ---- */

FILE *outdir_fopen(const char *dir, const char *name, struct sim_error *err)
{
    outdir_track(dir, name);
    char *path = join(dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        sim_error_set(err, SIM_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
    free(path);
    return f;
}

int outdir_fclose(FILE *f, const char *dir, const char *name, struct sim_error *err)
{
    char *path = join(dir, name);
    const char *step = NULL;
    int e = 0;
    errno = 0;
    off_t written = ftello(f);
    if (fflush(f) != 0 || ferror(f)) {
        step = "write";
        e = errno;
    } else if (fsync(fileno(f)) != 0) {
        step = "sync";
        e = errno;
    }
    if (fclose(f) != 0 && !step) {
        step = "close";
        e = errno;
    }
    struct stat st;
    if (!step && (stat(path, &st) < 0 || (written >= 0 && st.st_size != written))) {
        step = "check";
        e = errno;
    }
    int rc = SIM_OK;
    if (step)
        rc = sim_error_set(err, SIM_EIO, path, 0, 0, "cannot %s it: %s", step,
                           e ? strerror(e) : "a write failed or the file is short");
    free(path);
    return rc;
}

int outdir_write(const char *dir, const char *name, const char *data, size_t len,
                 struct sim_error *err)
{
    FILE *f = outdir_fopen(dir, name, err);
    if (!f)
        return SIM_EIO;
    if (len > 0 && fwrite(data, 1, len, f) != len) {
        int e = errno;
        fclose(f);
        char *path = join(dir, name);
        int rc = sim_error_set(err, SIM_EIO, path, 0, 0, "cannot write it: %s", strerror(e));
        free(path);
        return rc;
    }
    return outdir_fclose(f, dir, name, err);
}

/* ---- directories ---- */

/* Remove the regular files of path (a directory of ours: flat) and path. */
static int remove_flat(const char *path)
{
    DIR *dir = opendir(path);
    if (dir) {
        struct dirent *e;
        while ((e = readdir(dir)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                unlinkat(dirfd(dir), e->d_name, 0);
        closedir(dir);
    }
    return rmdir(path);
}

static int fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    /* Some file systems cannot sync a directory; that is not a failure. */
    if (rc < 0 && (errno == EINVAL || errno == EROFS))
        rc = 0;
    close(fd);
    return rc;
}

/* mkdir -p path, recording the directories made into d->made. */
static int make_parents(struct outdir *d, const char *path, struct sim_error *err)
{
    char *p = xstrdup(path);
    int rc = SIM_OK;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0777) == 0) {
            d->made = xrealloc(d->made, (d->nmade + 1) * sizeof *d->made);
            d->made[d->nmade++] = xstrdup(p);
        } else if (errno != EEXIST) {
            rc = sim_error_set(err, SIM_EIO, p, 0, 0, "cannot create directory: %s",
                               strerror(errno));
            break;
        }
        *s = c;
        if (!c)
            break;
    }
    free(p);
    struct stat st;
    if (rc == SIM_OK && (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)))
        rc = sim_error_set(err, SIM_EIO, path, 0, 0, "not a directory");
    return rc;
}

static void host_name(char *buf, size_t len)
{
    if (gethostname(buf, len) < 0)
        snprintf(buf, len, "localhost");
    buf[len - 1] = '\0';
    for (char *p = buf; *p; p++)
        if (*p == '/' || *p == '@')
            *p = '_';
}

static bool name_in(const char *name, const char *const *list)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcmp(name, list[i]) == 0)
            return true;
    return false;
}

/* A hidden temporary of an earlier hvsim version (.jobs.csv.tmp.PID,
 * .timeline.tmp.PID.png): part of an earlier run, replaceable with it. */
static bool old_temporary(const char *name)
{
    return name[0] == '.' && strstr(name, ".tmp.") != NULL;
}

/* May the existing target be replaced?  extra: a directory whose files
 * are also allowed (the new result), or NULL. */
static int check_replaceable(const struct outdir *d, const char *extra, struct sim_error *err)
{
    struct stat st;
    if (lstat(d->target, &st) < 0) {
        if (errno == ENOENT)
            return SIM_OK;
        return sim_error_set(err, SIM_EIO, d->dir, 0, 0, "%s", strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return sim_error_set(err, SIM_EIO, d->dir, 0, 0, "exists and is not a directory");
    if (d->merge)
        return SIM_OK;
    DIR *dir = opendir(d->target);
    if (!dir)
        return sim_error_set(err, SIM_EIO, d->dir, 0, 0, "cannot read the directory: %s",
                             strerror(errno));
    int rc = SIM_OK;
    struct dirent *e;
    while (rc == SIM_OK && (e = readdir(dir))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        struct stat es;
        bool regular = fstatat(dirfd(dir), e->d_name, &es, AT_SYMLINK_NOFOLLOW) == 0 &&
                       S_ISREG(es.st_mode);
        bool ours = name_in(e->d_name, d->known) || old_temporary(e->d_name);
        if (!ours && extra) {
            char *p = join(extra, e->d_name);
            ours = access(p, F_OK) == 0;
            free(p);
        }
        if (!regular || !ours)
            rc = sim_error_set(err, SIM_EIO, d->dir, 0, 0, "holds '%s', which hvsim does not "
                               "write: a run replaces its --out directory as a whole, so it "
                               "must be new, empty or an earlier run's (remove '%s' or give "
                               "another --out)", e->d_name, e->d_name);
    }
    closedir(dir);
    return rc;
}

/* Temporaries of processes of this host that are gone: a kill -9 or a
 * crash left them.  Names: .BASE.hvsim.PID@HOST.XXXXXX (also
 * .BASE.hvsim-old.PID@HOST.XXXXXX), and unlocked .BASE.hvsim-lock. */
static void sweep_stale(const char *parent, const char *host)
{
    DIR *dir = opendir(parent);
    if (!dir)
        return;
    struct dirent *e;
    while ((e = readdir(dir))) {
        const char *n = e->d_name;
        if (n[0] != '.')
            continue;
        size_t len = strlen(n);
        char *full = join(parent, n);
        if (len > 12 && strcmp(n + len - 11, ".hvsim-lock") == 0) {
            int fd = open(full, O_RDWR | O_CLOEXEC);
            struct stat a, b;
            if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &a) == 0 &&
                stat(full, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
                unlink(full);
            if (fd >= 0)
                close(fd);
            free(full);
            continue;
        }
        const char *mark = strstr(n, ".hvsim.");
        size_t skip = 7;
        if (!mark) {
            mark = strstr(n, ".hvsim-old.");
            skip = 11;
        }
        const char *at = mark ? strchr(mark + skip, '@') : NULL;
        const char *dot = strrchr(n, '.');
        struct stat st;
        if (at && dot > at && strlen(dot) == 7 && strncmp(at + 1, host, (size_t)(dot - at - 1)) ==
            0 && strlen(host) == (size_t)(dot - at - 1) && lstat(full, &st) == 0 &&
            S_ISDIR(st.st_mode)) {
            long pid = strtol(mark + skip, NULL, 10);
            if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
                remove_flat(full);
        }
        free(full);
    }
    closedir(dir);
}

/* Take the lock beside DIR; SIM_EIO naming the holder if another run has it. */
static int take_lock(struct outdir *d, struct sim_error *err)
{
    for (int attempt = 0; attempt < 8; attempt++) {
        int fd = open(d->lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            return sim_error_set(err, SIM_EIO, d->dir, 0, 0, "cannot create the lock %s: %s",
                                 d->lockpath, strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
            int e = errno;
            char pid[32] = "";
            ssize_t n = read(fd, pid, sizeof pid - 1);
            pid[n > 0 ? n : 0] = '\0';
            pid[strcspn(pid, "\n")] = '\0';
            close(fd);
            if (e == EWOULDBLOCK)
                return sim_error_set(err, SIM_EIO, d->dir, 0, 0, "another hvsim (%s%s) is "
                                     "writing this directory now; wait for it to end or give "
                                     "another --out", pid[0] ? "pid " : "lock ",
                                     pid[0] ? pid : d->lockpath);
            return sim_error_set(err, SIM_EIO, d->dir, 0, 0, "cannot lock %s: %s", d->lockpath,
                                 strerror(e));
        }
        /* The holder before us may have removed the file after we opened
         * it: the lock counts only on the file that is still there. */
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(d->lockpath, &b) == 0 && a.st_ino == b.st_ino &&
            a.st_dev == b.st_dev) {
            char pid[32];
            int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) < 0 || write(fd, pid, (size_t)n) != n) {
                /* the pid is only for the message of a run that waits */
            }
            d->lock_fd = fd;
            return SIM_OK;
        }
        close(fd);
    }
    return sim_error_set(err, SIM_EIO, d->dir, 0, 0, "cannot lock %s: it keeps changing",
                         d->lockpath);
}

static void release(struct outdir *d)
{
    if (d->lock_fd >= 0) {
        unlink(d->lockpath);   /* while still holding it: see take_lock */
        close(d->lock_fd);
    }
    if (active == d) {
        signals_restore();
        active = NULL;
        child = 0;
        track_reset();
    }
    free(d->dir);
    free(d->target);
    free(d->parent);
    free(d->tmp);
    free(d->lockpath);
    for (size_t i = 0; i < d->nmade; i++)
        free(d->made[i]);
    free(d->made);
    memset(d, 0, sizeof *d);
    d->lock_fd = -1;
}

int outdir_begin(struct outdir *d, const char *dir, const char *const *known, bool merge,
                 struct sim_error *err)
{
    memset(d, 0, sizeof *d);
    d->lock_fd = -1;
    if (active)
        return sim_error_set(err, SIM_EINTERNAL, dir, 0, 0, "an output is already being "
                             "written");
    d->dir = xstrdup(dir);
    d->known = known;
    d->merge = merge;
    /* DIR without trailing slashes; "." and ".." by their real names. */
    char *t = xstrdup(dir);
    size_t n = strlen(t);
    while (n > 1 && t[n - 1] == '/')
        t[--n] = '\0';
    const char *base = strrchr(t, '/') ? strrchr(t, '/') + 1 : t;
    /* "." and ".." by their real names; a symbolic link to a directory
     * (results -> /scratch/results) by its target, which is replaced and
     * the link kept. */
    struct stat lst, st;
    bool dir_link = lstat(t, &lst) == 0 && S_ISLNK(lst.st_mode) && stat(t, &st) == 0 &&
                    S_ISDIR(st.st_mode);
    if (!strcmp(base, ".") || !strcmp(base, "..") || dir_link) {
        char *real = realpath(t, NULL);
        free(t);
        if (!real) {
            int rc = sim_error_set(err, SIM_EIO, dir, 0, 0, "%s", strerror(errno));
            release(d);
            return rc;
        }
        t = real;
    }
    d->target = t;
    if (!strcmp(t, "/") || !t[0]) {
        int rc = sim_error_set(err, SIM_EIO, dir, 0, 0, "not a directory an output can replace");
        release(d);
        return rc;
    }
    const char *slash = strrchr(t, '/');
    base = slash ? slash + 1 : t;
    d->parent = slash == t ? xstrdup("/") : slash ? strndup(t, (size_t)(slash - t)) : xstrdup(".");
    if (!d->parent)
        d->parent = xstrdup(".");
    char host[128];
    host_name(host, sizeof host);
    size_t blen = strlen(base);
    d->lockpath = xmalloc(strlen(d->parent) + blen + 16);
    sprintf(d->lockpath, "%s/.%s.hvsim-lock", d->parent, base);
    /* From the lock's creation until the handler knows what to undo, a
     * SIGINT, SIGTERM or SIGHUP waits (blocked) instead of killing the
     * run with its lock and temporary directory left behind. */
    sigset_t block, unblocked;
    sigemptyset(&block);
    for (size_t i = 0; i < NCAUGHT; i++)
        sigaddset(&block, caught[i]);
    pthread_sigmask(SIG_BLOCK, &block, &unblocked);
    int rc = make_parents(d, d->parent, err);
    if (rc == SIM_OK)
        rc = take_lock(d, err);
    if (rc == SIM_OK)
        rc = check_replaceable(d, NULL, err);
    if (rc == SIM_OK) {
        sweep_stale(d->parent, host);
        size_t len = strlen(d->parent) + blen + strlen(host) + 48;
        d->tmp = xmalloc(len);
        snprintf(d->tmp, len, "%s/.%s.hvsim.%ld@%s.XXXXXX", d->parent, base, (long)getpid(), host);
        if (!mkdtemp(d->tmp)) {
            rc = sim_error_set(err, SIM_EIO, d->dir, 0, 0, "cannot create a temporary "
                               "directory beside it: %s", strerror(errno));
            free(d->tmp);
            d->tmp = NULL;
        } else {
            /* mkdtemp makes it private (0700); DIR gets the mode mkdir gives */
            mode_t mask = umask(0);
            umask(mask);
            chmod(d->tmp, 0777 & ~mask);
        }
    }
    if (rc < 0) {
        outdir_abort(d);
        pthread_sigmask(SIG_SETMASK, &unblocked, NULL);
        return rc;
    }
    active = d;
    track_reset();
    signals_catch();
    pthread_sigmask(SIG_SETMASK, &unblocked, NULL);   /* a signal held meanwhile runs now */
    return SIM_OK;
}

const char *outdir_tmp(const struct outdir *d) { return d->tmp; }

void outdir_abort(struct outdir *d)
{
    if (d->tmp)
        remove_flat(d->tmp);
    if (d->lock_fd >= 0) {
        unlink(d->lockpath);   /* still held: see take_lock */
        close(d->lock_fd);
        d->lock_fd = -1;
    }
    for (size_t i = d->nmade; i > 0; i--)
        rmdir(d->made[i - 1]);
    release(d);
}

/* Merge mode: each file into DIR by its own rename; the listed names this
 * result lacks are removed (they would describe another comparison). */
static int commit_merge(struct outdir *d, struct sim_error *err)
{
    if (mkdir(d->target, 0777) < 0 && errno != EEXIST)
        return sim_error_set(err, SIM_EIO, d->dir, 0, 0, "cannot create directory: %s",
                             strerror(errno));
    /* The listed names this result lacks go first (looked up while the
     * new files are still in the temporary directory). */
    for (size_t i = 0; d->known && d->known[i]; i++) {
        char *in_tmp = join(d->tmp, d->known[i]);
        if (access(in_tmp, F_OK) < 0) {
            char *stale = join(d->target, d->known[i]);
            unlink(stale);
            free(stale);
        }
        free(in_tmp);
    }
    DIR *dir = opendir(d->tmp);
    if (!dir)
        return sim_error_set(err, SIM_EIO, d->tmp, 0, 0, "cannot read: %s", strerror(errno));
    int rc = SIM_OK;
    struct dirent *e;
    while (rc == SIM_OK && (e = readdir(dir))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *to = join(d->target, e->d_name);
        if (renameat(dirfd(dir), e->d_name, AT_FDCWD, to) < 0)
            rc = sim_error_set(err, SIM_EIO, to, 0, 0, "cannot write: %s", strerror(errno));
        free(to);
    }
    closedir(dir);
    if (rc == SIM_OK && fsync_dir(d->target) < 0)
        rc = sim_error_set(err, SIM_EIO, d->dir, 0, 0, "cannot sync: %s", strerror(errno));
    return rc;
}

/* Replace the target by the temporary directory in one step. */
static int commit_replace(struct outdir *d, struct sim_error *err)
{
    int rc = check_replaceable(d, d->tmp, err);
    if (rc < 0)
        return rc;
    if (rename(d->tmp, d->target) == 0)   /* no DIR, or an empty one */
        return SIM_OK;
    if (errno != EEXIST && errno != ENOTEMPTY)
        return sim_error_set(err, SIM_EIO, d->dir, 0, 0, "cannot write: %s", strerror(errno));
    if (renameat2(AT_FDCWD, d->tmp, AT_FDCWD, d->target, RENAME_EXCHANGE) == 0) {
        remove_flat(d->tmp);   /* the old result, now under the temporary name */
        return SIM_OK;
    }
    if (errno != EINVAL && errno != ENOSYS)
        return sim_error_set(err, SIM_EIO, d->dir, 0, 0, "cannot replace it: %s",
                             strerror(errno));
    /* No exchange on this file system (NFS): move the old one aside, then
     * the new one in; DIR is missing for the time between the two. */
    const char *base = strrchr(d->target, '/') ? strrchr(d->target, '/') + 1 : d->target;
    char host[128];
    host_name(host, sizeof host);
    size_t len = strlen(d->parent) + strlen(base) + strlen(host) + 48;
    char *old = xmalloc(len);
    snprintf(old, len, "%s/.%s.hvsim-old.%ld@%s.XXXXXX", d->parent, base, (long)getpid(), host);
    if (!mkdtemp(old) || rename(d->target, old) < 0) {
        rc = sim_error_set(err, SIM_EIO, d->dir, 0, 0, "cannot move it aside: %s",
                           strerror(errno));
        rmdir(old);
    } else if (rename(d->tmp, d->target) < 0) {
        rc = sim_error_set(err, SIM_EIO, d->dir, 0, 0, "cannot replace it: %s", strerror(errno));
        rename(old, d->target);
    } else {
        remove_flat(old);
    }
    free(old);
    return rc;
}

int outdir_commit(struct outdir *d, struct sim_error *err)
{
    int rc = SIM_OK;
    if (fsync_dir(d->tmp) < 0)
        rc = sim_error_set(err, SIM_EIO, d->tmp, 0, 0, "cannot sync: %s", strerror(errno));
    if (rc == SIM_OK)
        rc = d->merge ? commit_merge(d, err) : commit_replace(d, err);
    if (rc < 0) {
        outdir_abort(d);
        return rc;
    }
    if (d->merge)
        rmdir(d->tmp);
    free(d->tmp);
    d->tmp = NULL;
    if (fsync_dir(d->parent) < 0)
        rc = sim_error_set(err, SIM_EIO, d->parent, 0, 0, "cannot sync: %s", strerror(errno));
    release(d);
    return rc;
}
