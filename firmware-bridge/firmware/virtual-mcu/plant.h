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

/* A change of the Pong plant from tick at_tick on (as Ifm.Devices' PongPerturbation): the paddle sensor reads
 * sensor_offset px more than the true paddle, a key moves the paddle paddle_speed px per tick. */
typedef struct {
    uint32_t at_tick;
    int32_t sensor_offset;
    int32_t paddle_speed;
} pong_perturbation_t;

#define PONG_MAX_PERTURBATIONS 8

/* Pong: the recordings' one-paddle game in integer pixels (plant_pong.c), one tick per applied command.
 * Sensors: 0 ball_x, 1 ball_y, 2 paddle_x (as sensed), 3 hits, 4 misses, 5 game ticks. Actuator: 0 key
 * (> 0.5 right, < -0.5 left, otherwise none; safe 0). */
typedef struct {
    int32_t ball_x, ball_y, ball_dx, ball_dy;
    int32_t paddle_x, paddle_step, sensor_offset;
    float key;
    uint32_t hits, misses, ticks;
    uint64_t rng;
    pong_perturbation_t perturbations[PONG_MAX_PERTURBATIONS];
    uint32_t perturbation_count, next_perturbation;
} pong_state_t;

/* Advances the Pong game one tick with the last commanded key (the virtual MCU calls it once per applied ACTUATE). */
void plant_pong_command(pong_state_t *p);

/* Pavlov stimulus box (plant_pavlov.c): the schedule of ifm run --sim pavlov, one period per applied command.
 * Sensors: 0 food, 1 bell, 2 stage (0 food only, 1 paired, 2 bell only, 3 done), 3 trial.
 * Actuator: 0 salivation level (an LED or pump on a real box). */
#define PAVLOV_INITIAL 3u
#define PAVLOV_TRAINING 10u
#define PAVLOV_TESTING 3u
#define PAVLOV_TRIALS (PAVLOV_INITIAL + PAVLOV_TRAINING + PAVLOV_TESTING)
#define PAVLOV_STIMULUS 5u
#define PAVLOV_TRIAL 15u /* PAVLOV_STIMULUS periods with the stimulus, then 10 without */

typedef struct {
    uint32_t period;
    float saliva;
    uint32_t bell_only_responses; /* periods salivating to the bell alone, for the log */
} pavlov_state_t;

/* Advances the box one period with the last salivation level (once per applied ACTUATE). */
void plant_pavlov_command(pavlov_state_t *p);

/* A change of the servo from step at_tick on (as Ifm.Devices' ServoPerturbation). */
typedef struct {
    uint32_t at_tick;
    float gain, friction, load;
} servo_perturbation_t;

#define SERVO_MAX_PERTURBATIONS 8
#define SERVO_DT 0.01f

/* Servo: a DC-motor joint (plant_servo.c), one SERVO_DT step per applied command. Sensors: 0 target, 1 position,
 * 2 velocity, 3 error (target - position), 4 steps. Actuator: 0 motor command in [-1, 1] (safe 0). */
typedef struct {
    float theta, omega, u;
    float gain, friction, load;
    uint32_t ticks;
    double sq_error;
    servo_perturbation_t perturbations[SERVO_MAX_PERTURBATIONS];
    uint32_t perturbation_count, next_perturbation;
} servo_state_t;

/* Advances the servo one SERVO_DT step with the last command (once per applied ACTUATE). */
void plant_servo_command(servo_state_t *p);

extern const plant_ops_t plant_pong;
extern const plant_ops_t plant_servo;
extern const plant_ops_t plant_pavlov;

#endif
