/*
 * startup_bench — time from launching a process to the return of its first ifm_step, median of RUNS launches.
 * It starts ifm_sample_c with IFM_START_NS set to the launch time (CLOCK_MONOTONIC, system-wide); the sample
 * prints "first-step-ns: N" after its first ifm_step (library load, runtime start, model load, session, one tick).
 *
 *   startup_bench ./ifm_sample_c MODEL.ifm [RUNS]
 */
#define _POSIX_C_SOURCE 200809L
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int compare(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: startup_bench ./ifm_sample_c MODEL.ifm [RUNS]\n");
        return 2;
    }
    int runs = argc > 3 ? atoi(argv[3]) : 11;
    long long *ns = calloc((size_t)runs, sizeof(long long));
    for (int r = 0; r < runs; r++) {
        int pipefd[2];
        if (pipe(pipefd) != 0) return 1;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", 1 /* O_WRONLY */, 0);
        posix_spawn_file_actions_adddup2(&actions, pipefd[1], 2);
        posix_spawn_file_actions_addclose(&actions, pipefd[0]);
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        char start[64];
        snprintf(start, sizeof start, "%lld", (long long)t.tv_sec * 1000000000LL + t.tv_nsec);
        setenv("IFM_START_NS", start, 1);
        char *args[] = {argv[1], argv[2], "1", NULL};
        pid_t pid;
        if (posix_spawn(&pid, argv[1], &actions, NULL, args, environ) != 0) {
            perror("posix_spawn");
            return 1;
        }
        close(pipefd[1]);
        char buffer[4096] = {0};
        size_t used = 0;
        ssize_t n;
        while (used < sizeof buffer - 1 && (n = read(pipefd[0], buffer + used, sizeof buffer - 1 - used)) > 0) used += (size_t)n;
        close(pipefd[0]);
        int status;
        waitpid(pid, &status, 0);
        posix_spawn_file_actions_destroy(&actions);
        char *line = strstr(buffer, "first-step-ns: ");
        if (!line || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "startup_bench: run %d failed: %s\n", r, buffer);
            return 1;
        }
        ns[r] = atoll(line + 15);
    }
    qsort(ns, (size_t)runs, sizeof(long long), compare);
    printf("start-up to first ifm_step return: median %.2f ms (min %.2f, max %.2f, %d runs)\n", ns[runs / 2] / 1e6, ns[0] / 1e6,
           ns[runs - 1] / 1e6, runs);
    free(ns);
    return 0;
}
