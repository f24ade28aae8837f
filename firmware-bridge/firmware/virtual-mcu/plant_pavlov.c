#include "plant.h"

#define TRIAL_S 1.0f
#define STIMULUS_S 0.3f
#define TRIALS 20

static int trial_of(const pavlov_state_t *p) { return (int)(p->t / TRIAL_S) % TRIALS; }
static int stage_of(int trial) { return trial < 5 ? 0 : (trial < 15 ? 1 : 2); }
static int stimulus_on(const pavlov_state_t *p)
{
    float in_trial = p->t - TRIAL_S * (float)(int)(p->t / TRIAL_S);
    return in_trial < STIMULUS_S;
}

static void describe(ifm_device_info_t *info)
{
    info->sensor_count = 4;
    info->sensors[0] = (ifm_sensor_desc_t){IFM_KIND_DIGITAL, 0.0f, 1.0f};
    info->sensors[1] = (ifm_sensor_desc_t){IFM_KIND_DIGITAL, 0.0f, 1.0f};
    info->sensors[2] = (ifm_sensor_desc_t){IFM_KIND_COUNTER, 0.0f, 2.0f};
    info->sensors[3] = (ifm_sensor_desc_t){IFM_KIND_COUNTER, 0.0f, (float)(TRIALS - 1)};
    info->actuator_count = 1;
    info->actuators[0] = (ifm_actuator_desc_t){IFM_KIND_DUTY, 0.0f, 1.0f, 0.0f};
}

static void reset(void *state, uint32_t seed)
{
    (void)seed;
    pavlov_state_t *p = state;
    p->t = 0.0f;
    p->saliva = 0.0f;
    p->saliva_during_bell_only = 0.0f;
}

static void step(void *state, float dt)
{
    pavlov_state_t *p = state;
    if (stage_of(trial_of(p)) == 2 && stimulus_on(p)) {
        p->saliva_during_bell_only += p->saliva * dt;
    }
    p->t += dt;
    if (p->t >= TRIAL_S * TRIALS) {
        p->t -= TRIAL_S * TRIALS;
    }
}

static float sensor(const void *state, uint8_t ch)
{
    const pavlov_state_t *p = state;
    int trial = trial_of(p);
    int stage = stage_of(trial);
    int on = stimulus_on(p);
    switch (ch) {
    case 0: return (on && stage != 2) ? 1.0f : 0.0f;
    case 1: return (on && stage != 0) ? 1.0f : 0.0f;
    case 2: return (float)stage;
    case 3: return (float)trial;
    default: return 0.0f;
    }
}

static void actuate(void *state, uint8_t ch, float value)
{
    pavlov_state_t *p = state;
    if (ch == 0) {
        p->saliva = value;
    }
}

const plant_ops_t plant_pavlov = {"pavlov", describe, reset, step, sensor, actuate};
