/* Pavlov stimulus box: the schedule of ifm run --sim pavlov (devices/Ifm.Devices/Simulation/PavlovPlant.cs), one
 * control period per applied command (the host's period is the box's clock, as for Pong and the servo): trials of
 * PAVLOV_STIMULUS periods with the stimulus on, then PAVLOV_GAP without; PAVLOV_INITIAL food-only trials,
 * PAVLOV_TRAINING trials with food and bell, PAVLOV_TESTING bell-only trials, then no stimulus (stage 3). */
#include "plant.h"

static uint32_t trial_of(uint32_t period) { return period / PAVLOV_TRIAL; }

static int stage_of(uint32_t period)
{
    uint32_t trial = trial_of(period);
    return trial < PAVLOV_INITIAL ? 0 : trial < PAVLOV_INITIAL + PAVLOV_TRAINING ? 1 : trial < PAVLOV_TRIALS ? 2 : 3;
}

static int stimulus_on(uint32_t period) { return period % PAVLOV_TRIAL < PAVLOV_STIMULUS; }

static void describe(ifm_device_info_t *info)
{
    info->sensor_count = 4;
    info->sensors[0] = (ifm_sensor_desc_t){IFM_KIND_DIGITAL, 0.0f, 1.0f};
    info->sensors[1] = (ifm_sensor_desc_t){IFM_KIND_DIGITAL, 0.0f, 1.0f};
    info->sensors[2] = (ifm_sensor_desc_t){IFM_KIND_COUNTER, 0.0f, 3.0f};
    info->sensors[3] = (ifm_sensor_desc_t){IFM_KIND_COUNTER, 0.0f, (float)PAVLOV_TRIALS};
    info->actuator_count = 1;
    info->actuators[0] = (ifm_actuator_desc_t){IFM_KIND_DUTY, 0.0f, 1.0f, 0.0f};
}

static void reset(void *state, uint32_t seed)
{
    (void)seed;
    pavlov_state_t *p = state;
    p->period = 0;
    p->saliva = 0.0f;
    p->bell_only_responses = 0;
}

static void step(void *state, float dt)
{
    (void)state; /* the box advances one period per command (plant_pavlov_command), not with wall time */
    (void)dt;
}

void plant_pavlov_command(pavlov_state_t *p)
{
    if (stage_of(p->period) == 2 && stimulus_on(p->period) && p->saliva >= 0.5f) {
        p->bell_only_responses++;
    }
    p->period++;
}

static float sensor(const void *state, uint8_t ch)
{
    const pavlov_state_t *p = state;
    int stage = stage_of(p->period);
    int on = stage < 3 && stimulus_on(p->period);
    switch (ch) {
    case 0: return (on && stage != 2) ? 1.0f : 0.0f;
    case 1: return (on && stage != 0) ? 1.0f : 0.0f;
    case 2: return (float)stage;
    case 3: return (float)(stage < 3 ? trial_of(p->period) : PAVLOV_TRIALS);
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
