/*
 * The input schedule the samples feed (and the tests reproduce in C#): exact in binary floating point, so C, C++
 * and C# produce bit-identical inputs.
 */
#ifndef IFM_SAMPLE_INPUT_SCHEDULE_H
#define IFM_SAMPLE_INPUT_SCHEDULE_H

#include <stdint.h>

/** Input channel c at tick t: one of -0.5, -0.4, ..., 0.5 (as float division of small integers). */
static inline float ifm_sample_input(int64_t t, uint32_t c) {
    return (float)((t * 7 + (int64_t)c * 3) % 11) / 10.0f - 0.5f;
}

#endif
