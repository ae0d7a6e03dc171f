/*
 * scripts/bench/simgrid-mm1.cpp - `make bench`'s first row, M/M/1 FCFS,
 * written for SimGrid's S4U interface, to be timed side by side with
 * hvsim on the same machine (built only where SimGrid is installed:
 * Debian's libsimgrid-dev).
 *
 * The model is hvsim's: one server of speed 1, jobs arriving with
 * exponential gaps of mean 1/rho, each needing Exp(1) seconds of work,
 * served one at a time in arrival order; the mean and the exact p50,
 * p95 and p99 of the response time, as hvsim reports them.  In S4U: a
 * generator actor sleeps each gap and appends a job to a FIFO, releasing
 * a semaphore; a server actor on the host takes the semaphore and
 * executes the job's work (this_actor::execute, flops at 1 flop/s).  The
 * draws are GSL's (MT19937, one stream for gaps and one for work), as
 * scripts/bench/lindley.c draws them.
 *
 * Usage: simgrid-mm1 [N [RHO]]  (default 10^6 jobs at rho = 0.9).
 */
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <simgrid/s4u.hpp>
#include <simgrid/version.h>

namespace sg4 = simgrid::s4u;

namespace {

struct Job {
    double arrival;
    double work;
};

struct Model {
    long n;
    double rho;
    gsl_rng* gaps;   // the gaps between arrivals and the jobs' work: two streams
    gsl_rng* work;
    std::deque<Job> queue;
    sg4::SemaphorePtr waiting = sg4::Semaphore::create(0);
    std::vector<double> response;
};

// The generator's step: sleep until the next arrival, and the job.
Job next_arrival(Model* m)
{
    sg4::this_actor::sleep_for(gsl_ran_exponential(m->gaps, 1.0 / m->rho));
    return {sg4::Engine::get_clock(), gsl_ran_exponential(m->work, 1.0)};
}

// The server's step: run the job (1 flop/s: work seconds), its response.
void serve(Model* m, const Job& job)
{
    sg4::this_actor::execute(job.work);
    m->response.push_back(sg4::Engine::get_clock() - job.arrival);
}

void generator(Model* m)
{
    for (long i = 0; i < m->n; i++) {
        m->queue.push_back(next_arrival(m));
        m->waiting->release();
    }
}

void server(Model* m)
{
    for (long i = 0; i < m->n; i++) {
        m->waiting->acquire();
        Job job = m->queue.front();
        m->queue.pop_front();
        serve(m, job);
    }
}

// The same with the jobs sent through a mailbox (an asynchronous send of
// 0 bytes on the host's loopback), the usual S4U producer-consumer.
void generator_mailbox(Model* m)
{
    sg4::Mailbox* box = sg4::Mailbox::by_name("jobs");
    std::vector<Job> jobs((size_t)m->n);
    for (long i = 0; i < m->n; i++) {
        jobs[(size_t)i] = next_arrival(m);
        box->put_init(&jobs[(size_t)i], 0)->detach();
    }
    m->waiting->acquire();   // (the jobs live until the server is done)
}

void server_mailbox(Model* m)
{
    sg4::Mailbox* box = sg4::Mailbox::by_name("jobs");
    for (long i = 0; i < m->n; i++)
        serve(m, *box->get<Job>());
    m->waiting->release();
}

double quantile(std::vector<double>& v, double f)
{
    // the same definition as hvsim's (and GSL's gsl_stats_quantile_from_sorted_data)
    double index = f * (double)(v.size() - 1);
    size_t lhs = (size_t)index;
    double delta = index - (double)lhs;
    std::nth_element(v.begin(), v.begin() + (long)lhs, v.end());
    double lo = v[lhs];
    if (delta == 0 || lhs + 1 >= v.size())
        return lo;
    double hi = *std::min_element(v.begin() + (long)lhs + 1, v.end());
    return (1 - delta) * lo + delta * hi;
}

}  // namespace

int main(int argc, char** argv)
{
    Model m;
    m.n = argc > 1 ? atol(argv[1]) : 1000000;
    m.rho = argc > 2 ? atof(argv[2]) : 0.9;
    if (m.n < 100 || !(m.rho > 0 && m.rho < 1)) {
        fprintf(stderr, "usage: simgrid-mm1 [N >= 100 [0 < RHO < 1]]\n");
        return 2;
    }
    int sg_argc = 2;
    char prog[] = "simgrid-mm1", quiet[] = "--log=root.thres:critical";
    char* sg_argv[] = {prog, quiet, nullptr};
    sg4::Engine engine(&sg_argc, sg_argv);
    auto* zone = sg4::create_full_zone("zone");
    sg4::Host* host = zone->create_host("server", 1.0);
    zone->seal();
    m.response.reserve((size_t)m.n);
    m.gaps = gsl_rng_alloc(gsl_rng_mt19937);
    m.work = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(m.gaps, 1);
    gsl_rng_set(m.work, 2);
    bool mailbox = argc > 3 && std::string(argv[3]) == "mailbox";
    sg4::Actor::create("generator", host, mailbox ? generator_mailbox : generator, &m);
    sg4::Actor::create("server", host, mailbox ? server_mailbox : server, &m);
    engine.run();
    gsl_rng_free(m.gaps);
    gsl_rng_free(m.work);

    double sum = 0;
    for (double r : m.response)
        sum += r;
    double mean = sum / (double)m.response.size();
    double p50 = quantile(m.response, 0.5), p95 = quantile(m.response, 0.95),
           p99 = quantile(m.response, 0.99);
    printf("SimGrid %d.%d.%d M/M/1: %zu jobs, mean response %.3f (theory %.3f), p50 %.2f, "
           "p95 %.2f, p99 %.2f\n",
           SIMGRID_VERSION_MAJOR, SIMGRID_VERSION_MINOR, SIMGRID_VERSION_PATCH,
           m.response.size(), mean, 1.0 / (1.0 - m.rho), p50, p95, p99);
    return 0;
}
