/* cli/pool.c - see pool.h */
#include "cli/pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/xalloc.h"

struct pool {
    pthread_mutex_t lock;
    long n, next;          /* tasks, and the next one to hand out */
    bool stop;             /* a task failed: hand out no more */
    long failed;           /* the lowest failed task, n = none */
    int status;            /* its status */
    pool_task_fn fn;
    void *ctx;
};

static void *pool_worker(void *arg)
{
    struct pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        long task = p->stop || p->next >= p->n ? -1 : p->next++;
        pthread_mutex_unlock(&p->lock);
        if (task < 0)
            return NULL;
        int rc = p->fn(p->ctx, task);
        if (rc < 0) {
            pthread_mutex_lock(&p->lock);
            p->stop = true;
            if (task < p->failed) {
                p->failed = task;
                p->status = rc;
            }
            pthread_mutex_unlock(&p->lock);
        }
    }
}

int pool_run(long n, int threads, pool_task_fn fn, void *ctx, long *failed)
{
    struct pool p = {.n = n, .failed = n, .fn = fn, .ctx = ctx};
    pthread_mutex_init(&p.lock, NULL);
    long extra = (threads < n ? threads : n) - 1;   /* the caller is one of them */
    pthread_t *tid = extra > 0 ? xcalloc((size_t)extra, sizeof *tid) : NULL;
    long started = 0;
    for (; started < extra; started++)
        if (pthread_create(&tid[started], NULL, pool_worker, &p) != 0)
            break;
    pool_worker(&p);
    for (long i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    free(tid);
    pthread_mutex_destroy(&p.lock);
    if (p.failed < n && failed)
        *failed = p.failed;
    return p.failed < n ? p.status : 0;
}

int pool_online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 4096 ? 4096 : (int)n;
}
