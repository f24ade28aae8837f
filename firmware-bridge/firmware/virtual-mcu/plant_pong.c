#include "plant.h"

#define PADDLE_HALF 0.1f
#define BALL_SPEED 0.8f
#define PADDLE_MAX_SPEED 1.5f

static uint32_t xorshift(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static void serve(pong_state_t *p)
{
    float r = (float)(xorshift(&p->rng) % 1000u) / 1000.0f; /* 0..1 */
    p->ball_x = 0.2f;
    p->ball_y = 0.2f + 0.6f * r;
    p->ball_vx = BALL_SPEED;
    p->ball_vy = (r - 0.5f) * BALL_SPEED;
}

static void describe(ifm_device_info_t *info)
{
    static const ifm_sensor_desc_t sensors[7] = {
        {IFM_KIND_POSITION, 0.0f, 1.0f},  {IFM_KIND_POSITION, 0.0f, 1.0f},  {IFM_KIND_VELOCITY, -2.0f, 2.0f},
        {IFM_KIND_VELOCITY, -2.0f, 2.0f}, {IFM_KIND_POSITION, 0.0f, 1.0f},  {IFM_KIND_COUNTER, 0.0f, 1e7f},
        {IFM_KIND_COUNTER, 0.0f, 1e7f},
    };
    info->sensor_count = 7;
    for (int i = 0; i < 7; i++) {
        info->sensors[i] = sensors[i];
    }
    info->actuator_count = 1;
    info->actuators[0].kind = IFM_KIND_VELOCITY;
    info->actuators[0].min = -1.0f;
    info->actuators[0].max = 1.0f;
    info->actuators[0].safe = 0.0f; /* paddle stops */
}

static void reset(void *state, uint32_t seed)
{
    pong_state_t *p = state;
    p->rng = seed ? seed : 1u;
    p->paddle_y = 0.5f;
    p->paddle_cmd = 0.0f;
    p->hits = 0.0f;
    p->misses = 0.0f;
    serve(p);
}

static void step(void *state, float dt)
{
    pong_state_t *p = state;
    p->paddle_y += p->paddle_cmd * PADDLE_MAX_SPEED * dt;
    if (p->paddle_y < PADDLE_HALF) p->paddle_y = PADDLE_HALF;
    if (p->paddle_y > 1.0f - PADDLE_HALF) p->paddle_y = 1.0f - PADDLE_HALF;

    p->ball_x += p->ball_vx * dt;
    p->ball_y += p->ball_vy * dt;
    if (p->ball_y < 0.0f) { p->ball_y = -p->ball_y; p->ball_vy = -p->ball_vy; }
    if (p->ball_y > 1.0f) { p->ball_y = 2.0f - p->ball_y; p->ball_vy = -p->ball_vy; }
    if (p->ball_x < 0.0f) { p->ball_x = -p->ball_x; p->ball_vx = -p->ball_vx; }
    if (p->ball_x >= 1.0f) {
        float d = p->ball_y - p->paddle_y;
        if (d >= -PADDLE_HALF && d <= PADDLE_HALF) {
            p->hits += 1.0f;
            p->ball_x = 2.0f - p->ball_x;
            p->ball_vx = -p->ball_vx;
            p->ball_vy += d * 2.0f; /* off-centre hits change the angle */
            if (p->ball_vy > 1.5f) p->ball_vy = 1.5f;
            if (p->ball_vy < -1.5f) p->ball_vy = -1.5f;
        } else {
            p->misses += 1.0f;
            serve(p);
        }
    }
}

static float sensor(const void *state, uint8_t ch)
{
    const pong_state_t *p = state;
    switch (ch) {
    case 0: return p->ball_x;
    case 1: return p->ball_y;
    case 2: return p->ball_vx;
    case 3: return p->ball_vy;
    case 4: return p->paddle_y;
    case 5: return p->hits;
    case 6: return p->misses;
    default: return 0.0f;
    }
}

static void actuate(void *state, uint8_t ch, float value)
{
    pong_state_t *p = state;
    if (ch == 0) {
        p->paddle_cmd = value;
    }
}

const plant_ops_t plant_pong = {"pong", describe, reset, step, sensor, actuate};
