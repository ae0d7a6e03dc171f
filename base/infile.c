/* base/infile.c - see infile.h. */
#include "base/infile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"

/* "PATH: reason" for an errno of stat or open. */
static int path_error(struct sim_error *err, const char *name, int e)
{
    if (e == ELOOP)
        return sim_error_set(err, SIM_EINVAL, name, 0, 0,
                             "symbolic-link loop (too many levels of symbolic links)");
    if (e == ENXIO)
        return sim_error_set(err, SIM_EINVAL, name, 0, 0, "not a file that can be opened "
                             "(a socket, or a device without a driver)");
    return sim_error_set(err, SIM_EINVAL, name, 0, 0, "%s", strerror(e));
}

bool infile_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int infile_check_dir(const char *path, const char *display, bool want_dir, struct sim_error *err)
{
    const char *name = display ? display : path;
    struct stat st;
    if (stat(path, &st) < 0)
        return path_error(err, name, errno);
    if (want_dir && !S_ISDIR(st.st_mode))
        return sim_error_set(err, SIM_EINVAL, name, 0, 0, "not a directory");
    if (!want_dir && S_ISDIR(st.st_mode))
        return sim_error_set(err, SIM_EINVAL, name, 0, 0, "is a directory, not a file");
    return SIM_OK;
}

int infile_open(const char *path, const char *display, unsigned flags, int *fd,
                enum infile_kind *kind, struct sim_error *err)
{
    const char *name = display ? display : path;
    enum infile_kind k = INFILE_REGULAR;
    *fd = -1;
    if ((flags & INFILE_ALLOW_STDIN) && strcmp(path, "-") == 0) {
        int d = dup(STDIN_FILENO);
        if (d < 0)
            return sim_error_set(err, SIM_EINVAL, "-", 0, 0, "standard input is not open: %s",
                                 strerror(errno));
        *fd = d;
        if (kind)
            *kind = INFILE_STDIN;
        return SIM_OK;
    }
    struct stat st;
    if (stat(path, &st) < 0)
        return path_error(err, name, errno);
    if (S_ISDIR(st.st_mode))
        return sim_error_set(err, SIM_EINVAL, name, 0, 0, "is a directory, not a file");
    if (S_ISSOCK(st.st_mode))
        return sim_error_set(err, SIM_EINVAL, name, 0, 0, "is a socket, not a file");
    int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY;
    /* Opening a FIFO waits for its writer; a caller that must not hang
     * opens it non-blocking (no writer: it reads as empty) and then reads
     * normally. */
    if (S_ISFIFO(st.st_mode) && (flags & INFILE_NO_WAIT))
        oflags |= O_NONBLOCK;
    int d;
    do
        d = open(path, oflags);
    while (d < 0 && errno == EINTR);
    if (d < 0)
        return path_error(err, name, errno);
    if (oflags & O_NONBLOCK) {
        int fl = fcntl(d, F_GETFL);
        if (fl < 0 || fcntl(d, F_SETFL, fl & ~O_NONBLOCK) < 0) {
            int e = errno;
            close(d);
            return sim_error_set(err, SIM_EIO, name, 0, 0, "cannot read: %s", strerror(e));
        }
    }
    /* What was opened, not what was there a moment before. */
    if (fstat(d, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            close(d);
            return sim_error_set(err, SIM_EINVAL, name, 0, 0, "is a directory, not a file");
        }
        if (S_ISFIFO(st.st_mode))
            k = INFILE_FIFO;
        else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
            k = INFILE_DEVICE;
    }
    *fd = d;
    if (kind)
        *kind = k;
    return SIM_OK;
}

long infile_read(int fd, void *buf, size_t len)
{
    ssize_t n;
    do
        n = read(fd, buf, len);
    while (n < 0 && errno == EINTR);
    return (long)n;
}

int infile_slurp(const char *path, size_t max, char **data, size_t *len, struct sim_error *err)
{
    *data = NULL;
    *len = 0;
    int fd;
    int rc = infile_open(path, NULL, INFILE_NO_WAIT, &fd, NULL, err);
    if (rc < 0)
        return rc;
    size_t cap = 0, n = 0;
    char *buf = NULL;
    for (;;) {
        if (n + 65536 + 1 > cap)
            buf = xgrow(buf, &cap, n + 65536 + 1, 1);
        long got = infile_read(fd, buf + n, cap - n - 1);
        if (got < 0) {
            rc = sim_error_set(err, errno == EISDIR ? SIM_EINVAL : SIM_EIO, path, 0, 0,
                               "cannot read: %s", strerror(errno));
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > max) {
            rc = sim_error_set(err, SIM_EINVAL, path, 0, 0, "larger than %zu MiB (is it the "
                               "file meant?)", max >> 20);
            break;
        }
    }
    close(fd);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    if (!buf)
        buf = xmalloc(1);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return SIM_OK;
}
