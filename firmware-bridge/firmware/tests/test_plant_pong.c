/* The virtual MCU's Pong is the recordings' game: driven by the recorded keys it lands on every recorded state of
 * d0..d3 (tests/data/pong; after a miss the ball is placed where the recording restarts it: the human's game drew its
 * own random numbers), and its perturbations change the plant as Ifm.Devices' PongPerturbation does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../virtual-mcu/plant.h"

static int failures;

#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, __VA_ARGS__);                                                                              \
            fputc('\n', stderr);                                                                                       \
            failures++;                                                                                                \
        }                                                                                                              \
    } while (0)

static void replay(const char *path)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "cannot open %s", path);
    if (f == NULL) {
        return;
    }
    static pong_state_t p;
    memset(&p, 0, sizeof p);
    plant_pong.reset(&p, 1u);
    int bx, by, px, py, key, row = 0, misses = 0, mismatches = 0;
    while (fscanf(f, "%d %d %d %d %d", &bx, &by, &px, &py, &key) == 5) {
        if (row > 0) {
            plant_pong.actuate(&p, 0, (float)key);
            uint32_t before = p.misses;
            plant_pong_command(&p);
            if (p.misses != before) {
                misses++;
                p.ball_x = bx; /* the recording's restart */
                p.ball_y = by;
            }
        }
        if (plant_pong.sensor(&p, 0) != (float)bx || plant_pong.sensor(&p, 1) != (float)by ||
            plant_pong.sensor(&p, 2) != (float)px) {
            if (mismatches++ < 3) {
                fprintf(stderr, "%s row %d: game (%d, %d, %d), recording (%d, %d, %d)\n", path, row, p.ball_x, p.ball_y,
                        p.paddle_x, bx, by, px);
            }
        }
        row++;
    }
    fclose(f);
    CHECK(mismatches == 0, "%s: %d rows differ", path, mismatches);
    CHECK(row > 1000 && misses >= 1, "%s: %d rows, %d misses", path, row, misses);
    printf("%s: %d rows, %u hits, %d misses, all equal\n", path, row, (unsigned)p.hits, misses);
}

static void perturbations(void)
{
    static pong_state_t p;
    memset(&p, 0, sizeof p);
    p.perturbations[0] = (pong_perturbation_t){2, 30, 3};
    p.perturbations[1] = (pong_perturbation_t){4, 0, 7};
    p.perturbation_count = 2;
    plant_pong.reset(&p, 4u);
    int expected[6] = {68, 61, 58, 55, 48, 41};
    int offsets[6] = {0, 30, 30, 0, 0, 0};
    for (int t = 0; t < 6; t++) {
        plant_pong.actuate(&p, 0, -1.0f);
        plant_pong_command(&p);
        CHECK(p.paddle_x == expected[t], "tick %d: paddle at %d, expected %d", t, p.paddle_x, expected[t]);
        CHECK(plant_pong.sensor(&p, 2) == (float)(expected[t] + offsets[t]), "tick %d: sensor reads %g", t,
              (double)plant_pong.sensor(&p, 2));
    }
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        replay(argv[i]);
    }
    perturbations();
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    return 0;
}
