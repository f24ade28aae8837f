/* ifm-virtual-mcu: the firmware core (the same C sources as on a board) on a Linux serial device,
 * with a simulated plant behind its channels. See firmware-bridge/README.md. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ifm_device.h"
#include "plant.h"

#define REOPEN_INTERVAL_US 20000u
#define STATUS_INTERVAL_US 1000000u

typedef struct {
    const char *path;
    int fd;
    int use_stdio;
    uint32_t last_open_try_us;
    const plant_ops_t *plant;
    union {
        pong_state_t pong;
        servo_state_t servo;
        pavlov_state_t pavlov;
    } state;
    ifm_device_t *dev;
    unsigned long write_drops;
    int stepped_once;          /* a command stepped the plant since boot */
    uint32_t last_stepped_seq; /* its sequence number: a retransmission does not step again */
    int report_events;         /* --events: a line for every ball Pong wins or loses */
    int watch_stdin;           /* --exit-on-stdin-eof: stdin is a pipe from the parent; its EOF ends the MCU */
} app_t;

static volatile sig_atomic_t g_stop;
static FILE *g_log; /* stdout, or stderr when stdout carries the protocol */
static volatile sig_atomic_t g_reboot;

static void on_signal(int sig)
{
    if (sig == SIGUSR1) {
        g_reboot = 1;
    } else {
        g_stop = 1;
    }
}

static uint32_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
}

static void close_port(app_t *a, const char *why)
{
    if (a->fd >= 0 && !a->use_stdio) {
        close(a->fd);
        fprintf(g_log, "EVENT port-closed reason=%s\n", why);
    }
    a->fd = -1;
}

static void try_open(app_t *a)
{
    if (a->fd >= 0 || a->use_stdio) {
        return;
    }
    uint32_t now = now_us();
    if ((uint32_t)(now - a->last_open_try_us) < REOPEN_INTERVAL_US) {
        return;
    }
    a->last_open_try_us = now;
    int fd = open(a->path, O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        return;
    }
    if (isatty(fd)) {
        struct termios t;
        if (tcgetattr(fd, &t) == 0) {
            cfmakeraw(&t);
            cfsetispeed(&t, B115200);
            cfsetospeed(&t, B115200);
            t.c_cflag |= CLOCAL | CREAD;
            tcsetattr(fd, TCSANOW, &t);
        }
    }
    a->fd = fd;
    fprintf(g_log, "EVENT port-open path=%s\n", a->path);
}

static size_t hal_read(void *ctx, uint8_t *buf, size_t cap)
{
    app_t *a = ctx;
    if (a->fd < 0) {
        return 0;
    }
    ssize_t n = read(a->fd, buf, cap);
    if (n > 0) {
        return (size_t)n;
    }
    if (n == 0) {
        if (a->use_stdio) {
            g_stop = 1; /* the host closed our stdin */
        }
        close_port(a, "eof");
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        close_port(a, strerror(errno));
    }
    return 0;
}

static void hal_write(void *ctx, const uint8_t *data, size_t len)
{
    app_t *a = ctx;
    int ofd = a->use_stdio ? STDOUT_FILENO : a->fd;
    size_t done = 0;
    int waits = 0;
    while (ofd >= 0 && done < len) {
        ssize_t n = write(ofd, data + done, len - done);
        if (n > 0) {
            done += (size_t)n;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && waits < 5) {
            /* Nobody drains the line: wait a little, then drop rather than stall the control loop. */
            struct pollfd p = {ofd, POLLOUT, 0};
            poll(&p, 1, 2);
            waits++;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        break;
    }
    if (done < len) {
        a->write_drops++;
    }
}

static uint32_t hal_micros(void *ctx)
{
    (void)ctx;
    return now_us();
}

static float hal_read_sensor(void *ctx, uint8_t ch)
{
    app_t *a = ctx;
    return a->plant->sensor(&a->state, ch);
}

static void hal_write_actuator(void *ctx, uint8_t ch, float value)
{
    app_t *a = ctx;
    a->plant->actuate(&a->state, ch, value);
}

static void hal_event(void *ctx, ifm_event_t ev, uint32_t arg)
{
    app_t *a = ctx;
    FILE *log = g_log;
    switch (ev) {
    case IFM_EVENT_HOST_UP:
        fprintf(log, "EVENT host-up\n");
        break;
    case IFM_EVENT_SAFE_ENTERED:
        if (arg == IFM_SAFE_REASON_HEARTBEAT) {
            uint32_t since = (uint32_t)(now_us() - a->dev->last_host_rx_us);
            fprintf(log, "EVENT safe reason=heartbeat since_host_ms=%u timeout_ms=%u\n", (unsigned)(since / 1000u),
                    (unsigned)(a->dev->heartbeat_timeout_us / 1000u));
        } else {
            fprintf(log, "EVENT safe reason=%s\n", arg == IFM_SAFE_REASON_RESET ? "reset" : "boot");
        }
        break;
    case IFM_EVENT_SAFE_LEFT:
        fprintf(log, "EVENT safe-left\n");
        break;
    case IFM_EVENT_CONFIG:
        fprintf(log, "EVENT config key=%u\n", (unsigned)arg);
        break;
    case IFM_EVENT_RESET:
        fprintf(log, "EVENT reset\n");
        break;
    case IFM_EVENT_ACTUATED:
        /* Every plant steps once per host command (the host's period is the plant's clock), not again for a
         * retransmission of the same command; the new state goes out in this same poll. */
        if (!(a->stepped_once && arg == a->last_stepped_seq)) {
            if (a->plant == &plant_pong) {
                uint32_t hits = a->state.pong.hits, misses = a->state.pong.misses;
                plant_pong_command(&a->state.pong);
                if (a->report_events && (hits != a->state.pong.hits || misses != a->state.pong.misses)) {
                    fprintf(log, "EVENT ball %s hits=%u misses=%u ticks=%u\n", hits != a->state.pong.hits ? "hit" : "miss",
                            (unsigned)a->state.pong.hits, (unsigned)a->state.pong.misses, (unsigned)a->state.pong.ticks);
                }
            } else if (a->plant == &plant_servo) {
                plant_servo_command(&a->state.servo);
            } else {
                plant_pavlov_command(&a->state.pavlov);
            }
            a->stepped_once = 1;
            a->last_stepped_seq = arg;
            a->dev->last_sensor_tx_us = now_us() - a->dev->sensor_period_us;
        }
        break;
    }
}

static void boot(app_t *a, ifm_device_t *dev, uint32_t boot_id, uint32_t seed)
{
    ifm_device_info_t info;
    memset(&info, 0, sizeof info);
    info.fw_major = 1;
    info.fw_minor = 0;
    info.fw_patch = 0;
    info.boot_id = boot_id;
    a->plant->describe(&info);
    a->plant->reset(&a->state, seed);
    a->stepped_once = 0;
    ifm_hal_t hal = {a, hal_read, hal_write, hal_micros, hal_read_sensor, hal_write_actuator, hal_event};
    a->dev = dev;
    fprintf(g_log, "EVENT boot id=0x%08x plant=%s\n", (unsigned)boot_id, a->plant->name);
    ifm_device_init(dev, &hal, &info);
}

static void print_status(const app_t *a)
{
    const ifm_device_t *d = a->dev;
    FILE *log = g_log;
    fprintf(log, "STATUS safe=%d host=%d act0=%.4f sent=%u rx_ok=%u crc=%u resyncs=%u host_gaps=%u drops=%lu",
            d->safe_active, d->host_alive, (double)d->actuator_values[0], (unsigned)d->stats.frames_sent,
            (unsigned)d->parser.stats.frames_ok, (unsigned)d->parser.stats.crc_errors,
            (unsigned)d->parser.stats.resyncs, (unsigned)d->stats.host_gaps, a->write_drops);
    if (a->plant == &plant_pong) {
        fprintf(log, " hits=%u misses=%u ticks=%u", (unsigned)a->state.pong.hits, (unsigned)a->state.pong.misses,
                (unsigned)a->state.pong.ticks);
    } else if (a->plant == &plant_servo) {
        const servo_state_t *s = &a->state.servo;
        fprintf(log, " ticks=%u theta=%.4f rms_error=%.5f", (unsigned)s->ticks, (double)s->theta,
                s->ticks ? sqrt(s->sq_error / (double)s->ticks) : 0.0);
    } else {
        fprintf(log, " period=%u bell_only_responses=%u", (unsigned)a->state.pavlov.period,
                (unsigned)a->state.pavlov.bell_only_responses);
    }
    fprintf(log, "\n");
}

static int usage(void)
{
    fprintf(stderr, "usage: ifm-virtual-mcu [--plant pong|servo|pavlov] [--seed N] [--boot-id N] [--perturb ...]...\n"
                    "                      [--status-ms N] [--events] [--exit-on-stdin-eof] <serial-device | ->\n"
                    "  '-' speaks the protocol on stdin/stdout (events go to stderr).\n"
                    "  --status-ms N: a STATUS line every N ms (1..60000, default 1000).\n"
                    "  --events: an 'EVENT ball hit|miss hits=H misses=M ticks=T' line for every ball (pong).\n"
                    "  --exit-on-stdin-eof: stdin is a pipe held by the parent; the MCU exits when it closes (the\n"
                    "    parent ended, even by SIGKILL).\n"
                    "  --perturb (pong, up to 8): from game tick TICK the paddle sensor reads OFFSET px more and a key\n"
                    "    moves the paddle SPEED px per tick (nominal: 0 and 7).\n"
                    "  --perturb (servo, up to 8): TICK:GAIN:FRICTION:LOAD from step TICK on (nominal 1:0.1:0).\n"
                    "  SIGUSR1 simulates an MCU reboot (new boot id); SIGTERM/SIGINT exit.\n");
    return 2;
}

int main(int argc, char **argv)
{
    app_t a;
    memset(&a, 0, sizeof a);
    a.fd = -1;
    a.plant = &plant_pong;
    uint32_t seed = 12345u;
    pong_perturbation_t perturbations[PONG_MAX_PERTURBATIONS] = {{0, 0, 0}};
    uint32_t perturbation_count = 0;
    servo_perturbation_t servo_perturbations[SERVO_MAX_PERTURBATIONS] = {{0, 0.0f, 0.0f, 0.0f}};
    uint32_t servo_count = 0;
    uint32_t boot_id = now_us() ^ ((uint32_t)getpid() << 16);
    uint32_t status_interval_us = STATUS_INTERVAL_US;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--plant") == 0 && i + 1 < argc) {
            const char *p = argv[++i];
            if (strcmp(p, "pong") == 0) {
                a.plant = &plant_pong;
            } else if (strcmp(p, "servo") == 0) {
                a.plant = &plant_servo;
            } else if (strcmp(p, "pavlov") == 0) {
                a.plant = &plant_pavlov;
            } else {
                fprintf(stderr, "ifm-virtual-mcu: unknown plant '%s'\n", p);
                return 2;
            }
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            seed = (uint32_t)strtoul(argv[++i], NULL, 0);
        } else if (strcmp(argv[i], "--perturb") == 0 && i + 1 < argc && a.plant == &plant_servo) {
            unsigned long at;
            float gain, friction, load;
            char tail;
            if (servo_count == SERVO_MAX_PERTURBATIONS ||
                sscanf(argv[++i], "%lu:%f:%f:%f%c", &at, &gain, &friction, &load, &tail) != 4 || !(gain > 0.0f && gain <= 10.0f) ||
                !(friction >= 0.0f && friction <= 10.0f) || !(load >= -1.0f && load <= 1.0f) ||
                (servo_count > 0 && at < servo_perturbations[servo_count - 1].at_tick)) {
                fprintf(stderr, "ifm-virtual-mcu: --perturb '%s': expected TICK:GAIN:FRICTION:LOAD in tick order with GAIN in (0, 10], "
                                "FRICTION 0..10 and LOAD -1..1 (at most %d; --plant before --perturb)\n",
                        argv[i], SERVO_MAX_PERTURBATIONS);
                return 2;
            }
            servo_perturbations[servo_count++] = (servo_perturbation_t){(uint32_t)at, gain, friction, load};
        } else if (strcmp(argv[i], "--perturb") == 0 && i + 1 < argc) {
            unsigned long at;
            long offset, speed;
            char tail;
            if (perturbation_count == PONG_MAX_PERTURBATIONS ||
                sscanf(argv[++i], "%lu:%ld:%ld%c", &at, &offset, &speed, &tail) != 3 || offset < -200 || offset > 200 ||
                speed < 1 || speed > 50) {
                fprintf(stderr, "ifm-virtual-mcu: --perturb '%s': expected TICK:OFFSET:SPEED with |OFFSET| <= 200 and SPEED 1..50 (at most %d)\n",
                        argv[i], PONG_MAX_PERTURBATIONS);
                return 2;
            }
            if (perturbation_count > 0 && at < perturbations[perturbation_count - 1].at_tick) {
                fprintf(stderr, "ifm-virtual-mcu: --perturb '%s': perturbations must be given in tick order\n", argv[i]);
                return 2;
            }
            perturbations[perturbation_count++] = (pong_perturbation_t){(uint32_t)at, (int32_t)offset, (int32_t)speed};
        } else if (strcmp(argv[i], "--status-ms") == 0 && i + 1 < argc) {
            char *end;
            unsigned long ms = strtoul(argv[++i], &end, 10);
            if (*end != '\0' || ms < 1 || ms > 60000) {
                fprintf(stderr, "ifm-virtual-mcu: --status-ms '%s': expected 1..60000 milliseconds\n", argv[i]);
                return 2;
            }
            status_interval_us = (uint32_t)ms * 1000u;
        } else if (strcmp(argv[i], "--events") == 0) {
            a.report_events = 1;
        } else if (strcmp(argv[i], "--exit-on-stdin-eof") == 0) {
            a.watch_stdin = 1;
        } else if (strcmp(argv[i], "--boot-id") == 0 && i + 1 < argc) {
            boot_id = (uint32_t)strtoul(argv[++i], NULL, 0);
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return usage();
        } else if (a.path == NULL) {
            a.path = argv[i];
        } else {
            return usage();
        }
    }
    if (a.path == NULL) {
        return usage();
    }
    g_log = strcmp(a.path, "-") == 0 ? stderr : stdout;
    setvbuf(stdout, NULL, _IOLBF, 0);
    setvbuf(stderr, NULL, _IOLBF, 0);
    if (strcmp(a.path, "-") == 0 && a.watch_stdin) {
        fprintf(stderr, "ifm-virtual-mcu: --exit-on-stdin-eof needs a serial device (with '-' stdin carries the protocol)\n");
        return 2;
    }
    if (a.watch_stdin) {
        fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
    }
    if (strcmp(a.path, "-") == 0) {
        a.use_stdio = 1;
        a.fd = STDIN_FILENO;
        fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (perturbation_count > 0 && a.plant != &plant_pong) {
        fprintf(stderr, "ifm-virtual-mcu: --perturb TICK:OFFSET:SPEED applies to the pong plant (give --plant before --perturb)\n");
        return 2;
    }
    if (a.plant == &plant_pong) {
        memcpy(a.state.pong.perturbations, perturbations, sizeof perturbations);
        a.state.pong.perturbation_count = perturbation_count;
    } else if (a.plant == &plant_servo) {
        memcpy(a.state.servo.perturbations, servo_perturbations, sizeof servo_perturbations);
        a.state.servo.perturbation_count = servo_count;
    }

    static ifm_device_t dev;
    try_open(&a);
    boot(&a, &dev, boot_id, seed);

    uint32_t last_step = now_us();
    uint32_t last_status = last_step;
    while (!g_stop) {
        if (g_reboot) {
            g_reboot = 0;
            boot_id = boot_id * 1664525u + 1013904223u;
            fprintf(g_log, "EVENT reboot\n");
            boot(&a, &dev, boot_id, seed);
        }
        try_open(&a);
        int in_fd = a.fd;
        /* Sub-millisecond sensor periods (throughput tests) need a busy loop; otherwise sleep up to 1 ms. */
        int wait_ms = in_fd >= 0 && dev.sensor_period_us != 0 && dev.sensor_period_us < 1000u && dev.host_alive ? 0 : 1;
        struct pollfd p[2] = {{in_fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        if (in_fd >= 0) {
            poll(p, a.watch_stdin ? 2 : 1, wait_ms);
            if (!a.use_stdio && (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)) && !(p[0].revents & POLLIN)) {
                close_port(&a, "hangup");
            }
        } else if (a.watch_stdin) {
            poll(&p[1], 1, wait_ms);
        } else {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        }
        if (a.watch_stdin && p[1].revents != 0) {
            char drain[64];
            ssize_t n = read(STDIN_FILENO, drain, sizeof drain);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                fprintf(g_log, "EVENT parent-gone\n");
                break;
            }
        }
        uint32_t now = now_us();
        float dt = (float)(uint32_t)(now - last_step) * 1e-6f;
        if (dt > 0.05f) {
            dt = 0.05f; /* a stalled process must not teleport the ball */
        }
        last_step = now;
        a.plant->step(&a.state, dt);
        ifm_device_poll(&dev);
        if ((uint32_t)(now - last_status) >= status_interval_us) {
            last_status = now;
            print_status(&a);
        }
    }
    ifm_device_enter_safe(&dev, IFM_SAFE_REASON_RESET);
    print_status(&a);
    fprintf(g_log, "EVENT exit\n");
    close_port(&a, "exit");
    return 0;
}
