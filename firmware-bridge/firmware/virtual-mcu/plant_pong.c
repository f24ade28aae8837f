/* Pong: the one-paddle game of the IFM Pong recordings, tick for tick the same game as the host's simulated plant
 * (devices/Ifm.Devices/Simulation/PongGame.cs; rules in tests/data/pong/README.md). Integer pixels: field 200 x 300,
 * paddle 50 x 10 with its top at y = 260, ball 15 x 15 moving +-4 px per tick, paddle 7 px per tick. The game's
 * clock is the host's control period: one game tick per applied ACTUATE (plant_pong_command), as the recordings
 * advanced one frame per key; time alone moves nothing. Restart positions come from SplitMix64(seed), the same
 * generator and seed as `ifm run --sim pong` with that seed. */
#include "plant.h"

#define FIELD_W 200
#define FIELD_H 300
#define PADDLE_W 50
#define PADDLE_H 10
#define PADDLE_Y 260
#define PADDLE_START_X 75
#define PADDLE_SPEED 7
#define BALL_SIZE 15
#define BALL_SPEED 4

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int32_t draw(pong_state_t *p, uint32_t bound)
{
    return (int32_t)((splitmix64(&p->rng) >> 33) % bound);
}

static void apply_due_perturbations(pong_state_t *p)
{
    while (p->next_perturbation < p->perturbation_count && p->perturbations[p->next_perturbation].at_tick <= p->ticks) {
        const pong_perturbation_t *q = &p->perturbations[p->next_perturbation++];
        p->sensor_offset = q->sensor_offset;
        p->paddle_step = q->paddle_speed;
    }
}

static void describe(ifm_device_info_t *info)
{
    static const ifm_sensor_desc_t sensors[6] = {
        {IFM_KIND_POSITION, -8.0f, 200.0f}, {IFM_KIND_POSITION, -8.0f, 300.0f}, {IFM_KIND_POSITION, -250.0f, 450.0f},
        {IFM_KIND_COUNTER, 0.0f, 1e7f},     {IFM_KIND_COUNTER, 0.0f, 1e7f},     {IFM_KIND_COUNTER, 0.0f, 1.6e7f},
    };
    info->sensor_count = 6;
    for (int i = 0; i < 6; i++) {
        info->sensors[i] = sensors[i];
    }
    info->actuator_count = 1;
    info->actuators[0].kind = IFM_KIND_VELOCITY;
    info->actuators[0].min = -1.0f;
    info->actuators[0].max = 1.0f;
    info->actuators[0].safe = 0.0f; /* no key: the paddle stays */
}

static void reset(void *state, uint32_t seed)
{
    pong_state_t *p = state;
    p->rng = seed;
    p->ball_x = 100;
    p->ball_y = 150;
    p->ball_dx = BALL_SPEED;
    p->ball_dy = -BALL_SPEED;
    p->paddle_x = PADDLE_START_X;
    p->paddle_step = PADDLE_SPEED;
    p->sensor_offset = 0;
    p->key = 0.0f;
    p->hits = 0;
    p->misses = 0;
    p->ticks = 0;
    p->next_perturbation = 0;
    apply_due_perturbations(p);
}

static void step(void *state, float dt)
{
    (void)state; /* the game advances on commands (plant_pong_command), not with time */
    (void)dt;
}

void plant_pong_command(pong_state_t *p)
{
    p->ticks++;
    p->ball_x += p->ball_dx;
    p->ball_y += p->ball_dy;
    if (p->ball_x <= 0 || p->ball_x + BALL_SIZE >= FIELD_W) {
        p->ball_dx = -p->ball_dx;
    }
    if (p->ball_y <= 0) {
        p->ball_dy = -p->ball_dy;
    }
    /* A hit: the rectangles overlap strictly while the ball falls, against the paddle before this tick's key. */
    if (p->ball_dy > 0 && p->ball_x < p->paddle_x + PADDLE_W && p->ball_x + BALL_SIZE > p->paddle_x &&
        p->ball_y < PADDLE_Y + PADDLE_H && p->ball_y + BALL_SIZE > PADDLE_Y) {
        p->ball_dy = -p->ball_dy;
        p->hits++;
    }
    if (p->ball_y + BALL_SIZE >= FIELD_H) {
        p->misses++;
        p->ball_x = 10 * (3 + draw(p, 14)); /* 30..160 */
        p->ball_y = 10 * (3 + draw(p, 22)); /* 30..240 */
        p->ball_dx = BALL_SPEED;
        p->ball_dy = -BALL_SPEED;
    }
    if (p->key < -0.5f && p->paddle_x > 0) {
        p->paddle_x -= p->paddle_step;
    } else if (p->key > 0.5f && p->paddle_x + PADDLE_W < FIELD_W) {
        p->paddle_x += p->paddle_step;
    }
    apply_due_perturbations(p); /* the sensors read the next tick's plant */
}

static float sensor(const void *state, uint8_t ch)
{
    const pong_state_t *p = state;
    switch (ch) {
    case 0: return (float)p->ball_x;
    case 1: return (float)p->ball_y;
    case 2: return (float)(p->paddle_x + p->sensor_offset);
    case 3: return (float)p->hits;
    case 4: return (float)p->misses;
    case 5: return (float)p->ticks;
    default: return 0.0f;
    }
}

static void actuate(void *state, uint8_t ch, float value)
{
    pong_state_t *p = state;
    if (ch == 0) {
        p->key = value;
    }
}

const plant_ops_t plant_pong = {"pong", describe, reset, step, sensor, actuate};
