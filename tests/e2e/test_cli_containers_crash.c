/*
 * test_cli_containers_crash.c: `boxcar containers` killed with SIGKILL at
 * random moments of its writes loses nothing it acknowledged.
 *
 * Each round starts one command on the same journal and kills it after a
 * random pause of up to 1.5 times a command's usual run time (measured
 * first), so the kill lands before, during or after the journal write. The
 * commands: register a batch of new containers (most rounds), issue a
 * batch of containers whose registration was acknowledged, and now and
 * then compact or snapshot the journal. A command that exits by itself
 * must exit 0 (a killed predecessor must not make the next one fail).
 * At the end the journal verifies, every acknowledged event is there, and
 * each killed batch is there whole or not at all (one command line is one
 * batch). A last compaction leaves no temporary file of the killed ones.
 *
 * BOXCAR_CRASH_ROUNDS sets the number of rounds (default 50).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#define BATCH 8
#define MAX_ROUNDS 1000

enum kind { REGISTER, ISSUE, COMPACT, SNAPSHOT };

typedef struct round {
    enum kind kind;
    int first; /* REGISTER: ids first..first+BATCH-1; ISSUE: those of round `first` */
    bool acked;
} round;

static char here[4096];
static round rounds[MAX_ROUNDS];
static char list_text[1 << 20];

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000L};
    nanosleep(&ts, NULL);
}

/* The command line of round r, NULL-terminated, in argv (strings in buf). */
static void build_args(const round *r, int index, char *buf, size_t size, char **argv)
{
    int n = 0;
    size_t used = 0;
#define ARG(...)                                                                         \
    do {                                                                                 \
        argv[n++] = buf + used;                                                          \
        used += (size_t)snprintf(buf + used, size - used, __VA_ARGS__) + 1;              \
    } while (0)
    ARG("%s", BOXCAR_BIN);
    ARG("containers");
    switch (r->kind) {
    case REGISTER:
    case ISSUE:
        ARG(r->kind == REGISTER ? "register" : "issue");
        for (int k = 0; k < BATCH; k++)
            ARG("C%d", r->first + k);
        if (r->kind == REGISTER) {
            ARG("--type");
            ARG("crate-pp");
            ARG("--station");
            ARG("S1");
        } else {
            ARG("--station");
            ARG("S1");
            ARG("--order");
            ARG("O%d", index);
        }
        break;
    case COMPACT: ARG("compact"); break;
    case SNAPSHOT: ARG("snapshot"); break;
    }
    ARG("-j");
    ARG("pool.journal");
    argv[n] = NULL;
#undef ARG
}

/* Start round r; kill it after delay_us unless delay_us < 0. True if it
 * exited by itself (exit code in *code), false if the kill ended it. */
static bool run_round(const round *r, int index, long delay_us, int *code, double *took_us)
{
    char buf[2048];
    char *argv[64];
    build_args(r, index, buf, sizeof buf, argv);
    double t0 = now_us();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int out = open("round.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open("round.err", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(120);
        execv(argv[0], argv);
        _exit(121);
    }
    if (delay_us >= 0) {
        sleep_us(delay_us);
        kill(pid, SIGKILL);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    if (took_us)
        *took_us = now_us() - t0;
    if (WIFSIGNALED(status)) {
        assert_int_equal(WTERMSIG(status), SIGKILL);
        return false;
    }
    assert_true(WIFEXITED(status));
    *code = WEXITSTATUS(status);
    return true;
}

static void expect_ok(const round *r, int index, bool exited, int code)
{
    if (exited && code != 0) {
        char err[4096];
        FILE *fp = fopen("round.err", "rb");
        size_t n = fp ? fread(err, 1, sizeof err - 1, fp) : 0;
        err[n] = '\0';
        if (fp)
            fclose(fp);
        fail_msg("round %d (kind %d) exited %d after a kill before it: %s", index, (int)r->kind,
                 code, err);
    }
}

/* The state column of container C<id> in the list, NULL if absent. */
static const char *state_of(int id, char *state, size_t size)
{
    char key[32];
    snprintf(key, sizeof key, "\n\"C%d\",", id);
    const char *p = strstr(list_text, key);
    if (p == NULL)
        return NULL;
    p = strchr(p + strlen(key), ','); /* after the type */
    if (p == NULL)
        return NULL;
    p++;
    size_t n = strcspn(p, ",");
    snprintf(state, size, "%.*s", (int)n, p);
    return state;
}

static int run_quiet(const char *args, const char *out)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' %s >%s 2>cmd.err </dev/null", BOXCAR_BIN, args, out);
    int rc = system(cmd);
    assert_true(WIFEXITED(rc));
    return WEXITSTATUS(rc);
}

static void test_sigkill_during_writes(void **state)
{
    (void)state;
    const char *env = getenv("BOXCAR_CRASH_ROUNDS");
    int nrounds = env ? atoi(env) : 50;
    if (nrounds < 1 || nrounds > MAX_ROUNDS)
        nrounds = 50;
    assert_int_equal(run_quiet("containers station S1 -j pool.journal", "/dev/null"), 0);

    /* a command's usual run time: the median of three registrations */
    double took[3];
    int next_id = 1, code = 0;
    for (int i = 0; i < 3; i++) {
        round r = {REGISTER, next_id, true};
        next_id += BATCH;
        assert_true(run_round(&r, -1, -1, &code, &took[i]));
        assert_int_equal(code, 0);
    }
    double a = took[0], b = took[1], c = took[2];
    double median = a > b ? (b > c ? b : (a > c ? c : a)) : (a > c ? a : (b > c ? c : b));
    long max_delay_us = (long)(median * 1.5) + 1;

    int killed = 0, completed = 0;
    for (int i = 0; i < nrounds; i++) {
        round *r = &rounds[i];
        uint64_t pick = rnd() % 20;
        /* an issue needs an acknowledged registration nobody issued yet */
        int source = -1;
        if (pick >= 14 && pick < 18)
            for (int k = 0; k < i; k++)
                if (rounds[k].kind == REGISTER && rounds[k].acked && rounds[k].first > 0) {
                    source = k;
                    break;
                }
        if (pick == 18)
            *r = (round){COMPACT, 0, false};
        else if (pick == 19)
            *r = (round){SNAPSHOT, 0, false};
        else if (source >= 0) {
            *r = (round){ISSUE, rounds[source].first, false};
            rounds[source].first = -rounds[source].first; /* used */
        } else {
            *r = (round){REGISTER, next_id, false};
            next_id += BATCH;
        }
        long delay = (long)(rnd() % (uint64_t)max_delay_us);
        bool exited = run_round(r, i, delay, &code, NULL);
        expect_ok(r, i, exited, code);
        r->acked = exited;
        if (exited)
            completed++;
        else
            killed++;
    }
    print_message("%d rounds: %d killed, %d completed (kills within %ld us)\n", nrounds, killed,
                  completed, max_delay_us);

    /* the journal opens and checks out in full */
    int rc = run_quiet("containers verify -j pool.journal", "verify.out");
    if (rc != 0) {
        char err[4096];
        FILE *fp = fopen("cmd.err", "rb");
        size_t n = fp ? fread(err, 1, sizeof err - 1, fp) : 0;
        err[n] = '\0';
        if (fp)
            fclose(fp);
        fail_msg("verify exited %d: %s", rc, err);
    }
    assert_int_equal(run_quiet("containers list --format csv -j pool.journal", "list.csv"), 0);
    FILE *fp = fopen("list.csv", "rb");
    assert_non_null(fp);
    list_text[0] = '\n'; /* so every row, the first too, follows a line end */
    size_t n = fread(list_text + 1, 1, sizeof list_text - 2, fp);
    list_text[n + 1] = '\0';
    fclose(fp);

    /* the three warm-up batches were acknowledged */
    char st[32];
    int landed = 0; /* killed batches found whole: killed after their write */
    for (int id = 1; id < 1 + 3 * BATCH; id++)
        assert_non_null(state_of(id, st, sizeof st));
    for (int i = 0; i < nrounds; i++) {
        const round *r = &rounds[i];
        if (r->kind != REGISTER && r->kind != ISSUE)
            continue;
        int first = r->first < 0 ? -r->first : r->first;
        int present = 0, issued = 0;
        for (int k = 0; k < BATCH; k++) {
            const char *s = state_of(first + k, st, sizeof st);
            present += s != NULL;
            issued += s != NULL && strcmp(s, "issued") == 0;
        }
        if (r->kind == REGISTER) {
            if (r->acked)
                assert_int_equal(present, BATCH);
            else if (present != 0 && present != BATCH)
                fail_msg("round %d: a killed registration left %d of %d containers", i,
                         present, BATCH);
            else
                landed += present == BATCH;
        } else {
            assert_int_equal(present, BATCH);
            if (r->acked)
                assert_int_equal(issued, BATCH);
            else if (issued != 0 && issued != BATCH)
                fail_msg("round %d: a killed issue left %d of %d issued", i, issued, BATCH);
            else
                landed += issued == BATCH;
        }
    }
    print_message("%d killed batches were recorded whole, the others not at all\n", landed);

    /* a compaction that runs to its end removes the temporaries that the
     * killed ones left beside the journal */
    assert_int_equal(run_quiet("containers compact -j pool.journal", "/dev/null"), 0);
    DIR *d = opendir(".");
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".tmp.") != NULL)
            fail_msg("%s is left beside the journal", e->d_name);
    closedir(d);
}

static int setup(void **state)
{
    (void)state;
    return test_scratch_enter(here, sizeof here, "cli-crash");
}

static int teardown(void **state)
{
    (void)state;
    return test_scratch_leave(here);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sigkill_during_writes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
