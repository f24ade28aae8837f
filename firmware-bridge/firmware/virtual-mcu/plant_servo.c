/* Servo: a DC-motor joint position servo, the continuous plant where adaptive control is the classic demonstration
 * (the same plant as devices/Ifm.Devices/Simulation/ServoPlant.cs). One physics step of SERVO_DT seconds per applied
 * command (semi-implicit Euler): torque = gain * u - friction * omega - load; omega += dt * torque / J;
 * theta += dt * omega. The target follows two sines; the plant reports the tracking error. Perturbations change the
 * gain, friction or load from a given step on (a heavier payload, a worn gearbox, a weaker supply). */
#include <math.h>

#include "plant.h"

#define SERVO_J 0.02f
#define SERVO_GAIN 1.0f
#define SERVO_FRICTION 0.1f
#define TWO_PI 6.2831853f

static float target_at(uint32_t ticks)
{
    float t = (float)ticks * SERVO_DT;
    return 0.6f * sinf(TWO_PI * 0.2f * t) + 0.3f * sinf(TWO_PI * 0.53f * t);
}

static void apply_due_perturbations(servo_state_t *p)
{
    while (p->next_perturbation < p->perturbation_count && p->perturbations[p->next_perturbation].at_tick <= p->ticks) {
        const servo_perturbation_t *q = &p->perturbations[p->next_perturbation++];
        p->gain = q->gain;
        p->friction = q->friction;
        p->load = q->load;
    }
}

static void describe(ifm_device_info_t *info)
{
    info->sensor_count = 5;
    info->sensors[0] = (ifm_sensor_desc_t){IFM_KIND_POSITION, -1.0f, 1.0f};
    info->sensors[1] = (ifm_sensor_desc_t){IFM_KIND_POSITION, -3.2f, 3.2f};
    info->sensors[2] = (ifm_sensor_desc_t){IFM_KIND_VELOCITY, -50.0f, 50.0f};
    info->sensors[3] = (ifm_sensor_desc_t){IFM_KIND_POSITION, -4.0f, 4.0f};
    info->sensors[4] = (ifm_sensor_desc_t){IFM_KIND_COUNTER, 0.0f, 1.6e7f};
    info->actuator_count = 1;
    info->actuators[0] = (ifm_actuator_desc_t){IFM_KIND_DUTY, -1.0f, 1.0f, 0.0f}; /* safe 0: no torque */
}

static void reset(void *state, uint32_t seed)
{
    (void)seed;
    servo_state_t *p = state;
    p->theta = 0.0f;
    p->omega = 0.0f;
    p->u = 0.0f;
    p->gain = SERVO_GAIN;
    p->friction = SERVO_FRICTION;
    p->load = 0.0f;
    p->ticks = 0;
    p->sq_error = 0.0;
    p->next_perturbation = 0;
    apply_due_perturbations(p);
}

static void step(void *state, float dt)
{
    (void)state; /* the plant advances one SERVO_DT per command (plant_servo_command), not with wall time */
    (void)dt;
}

void plant_servo_command(servo_state_t *p)
{
    float torque = p->gain * p->u - p->friction * p->omega - p->load;
    p->omega += SERVO_DT * torque / SERVO_J;
    p->theta += SERVO_DT * p->omega;
    p->ticks++;
    float e = target_at(p->ticks) - p->theta;
    p->sq_error += (double)e * (double)e;
    apply_due_perturbations(p);
}

static float sensor(const void *state, uint8_t ch)
{
    const servo_state_t *p = state;
    switch (ch) {
    case 0: return target_at(p->ticks);
    case 1: return p->theta;
    case 2: return p->omega;
    case 3: return target_at(p->ticks) - p->theta;
    case 4: return (float)p->ticks;
    default: return 0.0f;
    }
}

static void actuate(void *state, uint8_t ch, float value)
{
    servo_state_t *p = state;
    if (ch == 0) {
        p->u = value;
    }
}

const plant_ops_t plant_servo = {"servo", describe, reset, step, sensor, actuate};
