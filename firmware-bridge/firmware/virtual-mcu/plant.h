/* Simulated plants behind the virtual MCU's channels. */
#ifndef IFM_PLANT_H
#define IFM_PLANT_H

#include "ifm_device.h"

typedef struct {
    const char *name;
    /* Fills the channel descriptions (kinds, ranges, safe values). */
    void (*describe)(ifm_device_info_t *info);
    void (*reset)(void *state, uint32_t seed);
    /* Advances the simulation by dt seconds. */
    void (*step)(void *state, float dt);
    float (*sensor)(const void *state, uint8_t channel);
    void (*actuate)(void *state, uint8_t channel, float value);
} plant_ops_t;

/* Pong: ball in the unit square, paddle on the right wall moved by a velocity command.
 * Sensors: 0 ball_x, 1 ball_y, 2 ball_vx, 3 ball_vy, 4 paddle_y, 5 hits, 6 misses. Actuator: 0 paddle velocity. */
typedef struct {
    float ball_x, ball_y, ball_vx, ball_vy;
    float paddle_y, paddle_cmd;
    float hits, misses;
    uint32_t rng;
} pong_state_t;

/* Pavlov stimulus box: 1 s trials, stimulus for the first 0.3 s. Trials 0-4 food only, 5-14 food and bell,
 * 15-19 bell only, then the schedule repeats. Sensors: 0 food, 1 bell, 2 stage (0/1/2), 3 trial.
 * Actuator: 0 salivation level (an LED or pump on a real box). */
typedef struct {
    float t;
    float saliva;
    float saliva_during_bell_only; /* integral of the response in test trials, for the log */
} pavlov_state_t;

extern const plant_ops_t plant_pong;
extern const plant_ops_t plant_pavlov;

#endif
