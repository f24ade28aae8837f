/*
 * ifm.h — the C ABI of IFM Edge (libifm.so).
 *
 * Runs pretrained state neural networks (.ifm model files) with online plasticity from C, C++ or anything that can
 * call C. One model (immutable, shareable) gives any number of sessions (the running state: neuron states,
 * outputs, learned weights). A control loop sets the inputs, steps the session some ticks and reads the outputs:
 *
 *     ifm_model *model; ifm_session *session;
 *     if (ifm_model_load_file("pong.ifm", &model) != IFM_OK) { fprintf(stderr, "%s\n", ifm_last_error()); ... }
 *     ifm_session_create(model, &session);
 *     for (;;) {
 *         ifm_set_inputs(session, in, n_in);      // caller-owned buffers, nothing allocated per call
 *         ifm_step(session, 1);
 *         ifm_get_outputs(session, out, n_out);
 *     }
 *     ifm_session_destroy(session); ifm_model_free(model);
 *
 * ABI RULES
 *   Versioning   IFM_ABI_VERSION_MAJOR changes on any incompatible change (a function removed, a signature, struct
 *                layout or meaning changed); IFM_ABI_VERSION_MINOR grows when functions or status codes are added.
 *                A program built against this header works with a library whose ifm_abi_version() has the same
 *                major and an equal or greater minor: check IFM_ABI_COMPATIBLE(ifm_abi_version()) once at start-up.
 *   Status       Every function that can fail returns an ifm_status (IFM_OK = 0). On failure it also sets the
 *                calling thread's last-error message (ifm_last_error()), which names the function and the problem.
 *                Successful calls leave the message unchanged (like errno): read it right after a failure.
 *   Exceptions   None ever cross the boundary; an unexpected internal failure returns IFM_ERR_INTERNAL.
 *   Arguments    Every pointer and length is checked before use: a NULL required pointer gives
 *                IFM_ERR_NULL_POINTER, a buffer whose length does not match the model IFM_ERR_SIZE_MISMATCH.
 *                Output parameters (out_*) are written only on success, except handles, set to NULL on failure.
 *                Strings are NUL-terminated UTF-8 of at most 4095 bytes.
 *   Handles      ifm_model* and ifm_session* are opaque tokens, not addresses: never dereference them. A freed or
 *                destroyed handle, a handle of the other kind or any other value gives IFM_ERR_INVALID_HANDLE.
 *                Freeing/destroying NULL is a no-op that returns IFM_OK; freeing twice gives IFM_ERR_INVALID_HANDLE.
 *   Memory       The library never hands out memory the caller must free. Inputs, outputs and text are copied
 *                into or out of caller-owned buffers. ifm_set_inputs, ifm_set_input, ifm_step, ifm_get_outputs,
 *                ifm_get_tick and ifm_plasticity_* (but set_group_enabled, which reads a name) allocate nothing
 *                (no heap, no garbage) after the first tick; failures allocate their message.
 *
 * THREAD SAFETY
 *   - ifm_abi_version, ifm_version_string, ifm_status_string and ifm_last_error may be called from any thread at
 *     any time. The last-error message is per thread.
 *   - Loading, freeing and creating/destroying sessions may happen concurrently from several threads.
 *   - A model is immutable: many threads may query it and create sessions from it at the same time. Sessions do
 *     not depend on the model handle: freeing the model while its sessions run is allowed.
 *   - A session is NOT thread-safe: calls on one session must not overlap (serialise them, e.g. one control
 *     thread per session). A session may move between threads. Different sessions run fully in parallel.
 *   - Destroying a session while another thread is inside a call on that same session is a caller error; the
 *     library stays memory-safe (that call completes or reports IFM_ERR_INVALID_HANDLE) but results are undefined.
 *
 * The first call into the library starts its runtime (a few milliseconds); call ifm_abi_version() at start-up to
 * take that cost outside the control loop.
 */
#ifndef IFM_H
#define IFM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define IFM_API __attribute__((visibility("default")))
#else
#define IFM_API
#endif

/* ---------------------------------------------------------------------------------------------------- versions */

#define IFM_ABI_VERSION_MAJOR 1
#define IFM_ABI_VERSION_MINOR 2
/** The ABI version this header describes: major in the high 16 bits, minor in the low 16 bits. */
#define IFM_ABI_VERSION ((uint32_t)((IFM_ABI_VERSION_MAJOR << 16) | IFM_ABI_VERSION_MINOR))
/** True when a library reporting version v can serve a program built against this header. */
#define IFM_ABI_COMPATIBLE(v) ((((uint32_t)(v)) >> 16) == IFM_ABI_VERSION_MAJOR && (((uint32_t)(v)) & 0xFFFFu) + 1u > (uint32_t)IFM_ABI_VERSION_MINOR)

/** The library's ABI version ((major << 16) | minor). Cannot fail. */
IFM_API uint32_t ifm_abi_version(void);

/** The library's product version, e.g. "0.1.0" (static storage; never NULL). Cannot fail. */
IFM_API const char *ifm_version_string(void);

/* ------------------------------------------------------------------------------------------------------ status */

/**
 * Result of every fallible call. The values are part of the ABI and never change meaning. They are also the error
 * codes of the whole runtime (IfmErrorCode in C#, the `ifm` tool's failures): codes 10 and up came with ABI 1.1; of
 * those the functions here return IFM_ERR_CONFIGURATION and IFM_ERR_BACKEND, the others name failures of the parts
 * that run devices (ifm_status_string knows them all).
 */
typedef int32_t ifm_status;

/* BEGIN ifm_status: generated from runtime/Ifm.Core/IfmErrorCode.cs by scripts/generate-status.sh; do not edit */
enum {
    IFM_OK = 0,                    /**< Success. */
    IFM_ERR_NULL_POINTER = 1,      /**< A required pointer argument is NULL (also a NULL handle where one is needed). */
    IFM_ERR_INVALID_ARGUMENT = 2,  /**< An argument is out of range or malformed (channel index, flag, NaN, unknown group, text too long). */
    IFM_ERR_SIZE_MISMATCH = 3,     /**< A buffer length does not match the model (wrong input/error count, output or text buffer too small). */
    IFM_ERR_INVALID_HANDLE = 4,    /**< The handle is closed, of the other kind, or was never returned by the library. */
    IFM_ERR_MODEL_FORMAT = 5,      /**< The model file or buffer is malformed, truncated, inconsistent or of an unsupported version. */
    IFM_ERR_IO = 6,                /**< A file does not exist or cannot be read or written. */
    IFM_ERR_CHECKPOINT = 7,        /**< The checkpoint is torn or corrupt, of an unknown version, or of another model. */
    IFM_ERR_OUT_OF_MEMORY = 8,     /**< Not enough memory (or too many open handles). */
    IFM_ERR_INTERNAL = 9,          /**< An unexpected internal failure; the message says what. */
    IFM_ERR_CONFIGURATION = 10,    /**< An option or configuration value is invalid (e.g. an unknown backend name). Since 1.1. */
    IFM_ERR_BACKEND = 11,          /**< The backend asked for cannot run here (no OpenCL driver or device), or its device failed. Since 1.1. */
    IFM_ERR_DEVICE_MAP = 12,       /**< A device map cannot be parsed or does not fit the model. Since 1.1. */
    IFM_ERR_DEVICE_FAULT = 13,     /**< A sensor or actuator failed. Since 1.1. */
    IFM_ERR_LINK = 14,             /**< A link to a microcontroller failed or was lost. Since 1.1. */
    IFM_ERR_DATA_FORMAT = 15,      /**< A recorded data file is malformed. Since 1.1. */
    IFM_ERR_CANCELLED = 16,        /**< The operation was cancelled before it finished. Since 1.1. */
    IFM_ERR_NON_FINITE = 17        /**< A network output or learned state became NaN or infinite (the state diverged). Since 1.1. */
};
/* END ifm_status */

/** A static, human-readable name and meaning of a status, e.g. "IFM_ERR_IO: ..." (never NULL). Cannot fail. */
IFM_API const char *ifm_status_string(ifm_status status);

/**
 * The message of the last failed call on the calling thread, e.g.
 * "ifm_get_outputs: 'capacity' is 2, the model has 3 outputs". Never NULL ("" before any failure). The pointer
 * stays valid until the next failing call on the same thread. Cannot fail.
 */
IFM_API const char *ifm_last_error(void);

/* ------------------------------------------------------------------------------------------------------ models */

/** A loaded model (opaque). Immutable; shared by any number of sessions and threads. */
typedef struct ifm_model ifm_model;

/** What a model is. The layout is ABI: new fields are only ever appended, in a new minor version. */
typedef struct ifm_model_info {
    uint32_t neuron_count;  /**< All neurons (inputs, hidden, outputs). */
    uint32_t input_count;   /**< Input channels: the length ifm_set_inputs expects. */
    uint32_t output_count;  /**< Output channels: the length ifm_get_outputs writes. */
    uint32_t edge_count;    /**< Synapses. */
    uint32_t group_count;   /**< Edge groups (each may carry a plasticity rule). */
    int32_t is_plastic;     /**< 1 when at least one group learns online, else 0. */
    float dt;               /**< Simulation time step in seconds. */
} ifm_model_info;

/**
 * Loads and validates a .ifm model file.
 * @param path       NUL-terminated UTF-8 path.
 * @param out_model  receives the model handle (NULL on failure).
 * @return IFM_OK; IFM_ERR_NULL_POINTER (path or out_model NULL); IFM_ERR_INVALID_ARGUMENT (empty or over-long
 *         path); IFM_ERR_IO (no such file, unreadable); IFM_ERR_MODEL_FORMAT (malformed or unsupported content).
 */
IFM_API ifm_status ifm_model_load_file(const char *path, ifm_model **out_model);

/**
 * Loads and validates a model from memory (the bytes of a .ifm file). The bytes are copied: the buffer may be
 * released as soon as the call returns.
 * @param data       the model bytes.
 * @param size       their number (> 0, < 2 GiB).
 * @param out_model  receives the model handle (NULL on failure).
 * @return IFM_OK; IFM_ERR_NULL_POINTER (data or out_model NULL); IFM_ERR_INVALID_ARGUMENT (size too large);
 *         IFM_ERR_MODEL_FORMAT (size 0, malformed or unsupported content).
 */
IFM_API ifm_status ifm_model_load_memory(const void *data, size_t size, ifm_model **out_model);

/**
 * Releases a model handle. Sessions created from it keep working. NULL is a no-op.
 * @return IFM_OK; IFM_ERR_INVALID_HANDLE (already freed, or not a model handle).
 */
IFM_API ifm_status ifm_model_free(ifm_model *model);

/**
 * Describes a model.
 * @return IFM_OK; IFM_ERR_NULL_POINTER (model or out_info NULL); IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_model_get_info(const ifm_model *model, ifm_model_info *out_info);

/*
 * Text getters: copy a NUL-terminated UTF-8 string into buffer[capacity]. out_length (may be NULL) receives the
 * string's length in bytes without the NUL, also when the buffer is too small, so a call with buffer NULL and
 * capacity 0 asks for the size. Returns IFM_OK; IFM_ERR_SIZE_MISMATCH (capacity < length + 1; nothing written);
 * IFM_ERR_NULL_POINTER (model NULL, or buffer NULL with capacity > 0); IFM_ERR_INVALID_HANDLE;
 * IFM_ERR_INVALID_ARGUMENT (channel index out of range).
 */

/** The model's name from its file. */
IFM_API ifm_status ifm_model_name(const ifm_model *model, char *buffer, size_t capacity, size_t *out_length);

/** The model's identity: SHA-256 of its canonical encoding as 64 hex digits (checkpoints are tied to it). */
IFM_API ifm_status ifm_model_id(const ifm_model *model, char *buffer, size_t capacity, size_t *out_length);

/** The name of input channel `index` (0 <= index < input_count). */
IFM_API ifm_status ifm_model_input_name(const ifm_model *model, size_t index, char *buffer, size_t capacity, size_t *out_length);

/** The name of output channel `index` (0 <= index < output_count). */
IFM_API ifm_status ifm_model_output_name(const ifm_model *model, size_t index, char *buffer, size_t capacity, size_t *out_length);

/* ---------------------------------------------------------------------------------------------------- sessions */

/** A running instance of a model (opaque): states, outputs, learned weights. One thread at a time. */
typedef struct ifm_session ifm_session;

/**
 * Creates a session on the CPU engine: states and outputs 0, inputs 0, plasticity enabled (for plastic models).
 * All of the session's memory is allocated here.
 * @return IFM_OK; IFM_ERR_NULL_POINTER (model or out_session NULL); IFM_ERR_INVALID_HANDLE; IFM_ERR_OUT_OF_MEMORY.
 */
IFM_API ifm_status ifm_session_create(const ifm_model *model, ifm_session **out_session);

/** Weight layout of the CPU engine (ifm_session_options.layout). */
enum {
    IFM_LAYOUT_AUTO = 0,    /**< Dense for dense small networks, else sparse (the default). */
    IFM_LAYOUT_DENSE = 1,   /**< An N x N weight matrix (SIMD rows). */
    IFM_LAYOUT_SPARSE = 2   /**< Rows of the nonzero weights only. */
};

/**
 * How ifm_session_create_with_options creates a session. Zero-initialise it (`ifm_session_options o = {0};`), set
 * struct_size = sizeof(ifm_session_options) and the fields you need: all-zero fields mean the defaults. The layout is
 * ABI: new fields are only ever appended, and struct_size tells the library which a program knows. Since 1.1.
 */
typedef struct ifm_session_options {
    uint32_t struct_size;       /**< sizeof(ifm_session_options) as the program was built. */
    const char *backend;        /**< "cpu" (NULL: the default), "opencl", or "auto" (measure both on this model, keep the faster; the CPU when OpenCL is not usable). */
    const char *device;         /**< OpenCL device: "platform:device" or part of its name; NULL: the first GPU, else the first device. */
    int32_t layout;             /**< IFM_LAYOUT_AUTO, IFM_LAYOUT_DENSE or IFM_LAYOUT_SPARSE (the CPU engine's). */
    int32_t plasticity_off;     /**< 0: learning enabled (plastic models); 1: frozen (ifm_plasticity_set_enabled can change it later). */
    int32_t threads;            /**< Threads of the CPU engine's tick (0 or 1: the calling thread only); results are bit-identical to one thread. Since 1.2: a program built against 1.1 passes the smaller struct_size and gets one thread. */
} ifm_session_options;

/**
 * Creates a session with options: a backend, the CPU weight layout, learning on or off, threads (1.2). options NULL is the same as
 * ifm_session_create. All of the session's memory is allocated here; "auto" also runs the model for about half a
 * second on each backend to measure it (the session starts at tick 0 all the same).
 * @return IFM_OK; IFM_ERR_NULL_POINTER (model or out_session NULL); IFM_ERR_INVALID_HANDLE;
 *         IFM_ERR_INVALID_ARGUMENT (struct_size smaller than this struct of ABI 1.1, layout, plasticity_off or threads
 *         out of range (threads: 0..256), a string over-long or not NUL-terminated); IFM_ERR_CONFIGURATION (unknown
 *         backend name); IFM_ERR_BACKEND ("opencl" and no usable OpenCL device; the message says why);
 *         IFM_ERR_OUT_OF_MEMORY. Since 1.1.
 */
IFM_API ifm_status ifm_session_create_with_options(const ifm_model *model, const ifm_session_options *options, ifm_session **out_session);

/**
 * Destroys a session. NULL is a no-op.
 * @return IFM_OK; IFM_ERR_INVALID_HANDLE (already destroyed, or not a session handle).
 */
IFM_API ifm_status ifm_session_destroy(ifm_session *session);

/**
 * Sets every input channel. Inputs stay in force for all following ticks until set again.
 * @param values  input_count floats in channel order.
 * @param count   must equal the model's input_count.
 * @return IFM_OK; IFM_ERR_SIZE_MISMATCH (count != input_count); IFM_ERR_NULL_POINTER (session, or values with
 *         count > 0); IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_set_inputs(ifm_session *session, const float *values, size_t count);

/**
 * Sets one input channel.
 * @return IFM_OK; IFM_ERR_INVALID_ARGUMENT (channel >= input_count); IFM_ERR_NULL_POINTER; IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_set_input(ifm_session *session, size_t channel, float value);

/**
 * Runs `ticks` synchronous ticks (0 does nothing): every neuron reads the outputs of the previous tick, then the
 * plasticity rules update the weights. Allocation-free.
 * @return IFM_OK; IFM_ERR_INVALID_ARGUMENT (ticks > INT32_MAX); IFM_ERR_NULL_POINTER; IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_step(ifm_session *session, uint32_t ticks);

/**
 * Copies the output channels after the last tick into values[0 .. output_count).
 * @param capacity  number of floats `values` holds (>= output_count).
 * @return IFM_OK; IFM_ERR_SIZE_MISMATCH (capacity < output_count; nothing written); IFM_ERR_NULL_POINTER (session,
 *         or values with output_count > 0); IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_get_outputs(ifm_session *session, float *values, size_t capacity);

/**
 * Ticks run since creation or the last reset.
 * @return IFM_OK; IFM_ERR_NULL_POINTER (session or out_tick NULL); IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_get_tick(ifm_session *session, int64_t *out_tick);

/**
 * Returns states, outputs, inputs, learned weights and traces to their initial values and the tick count to 0;
 * learning is enabled again, the modulator and the errors return to 0 and a tripped guard is cleared.
 * @return IFM_OK; IFM_ERR_NULL_POINTER; IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_reset(ifm_session *session);

/* -------------------------------------------------------------------------------------------------- plasticity */

/**
 * Enables (1) or freezes (0) all online learning; weights and traces stay as they are while frozen.
 * @return IFM_OK; IFM_ERR_INVALID_ARGUMENT (enabled not 0 or 1); IFM_ERR_NULL_POINTER; IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_plasticity_set_enabled(ifm_session *session, int32_t enabled);

/**
 * Whether learning is enabled (1) or frozen (0).
 * @return IFM_OK; IFM_ERR_NULL_POINTER (session or out_enabled NULL); IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_plasticity_get_enabled(ifm_session *session, int32_t *out_enabled);

/**
 * Enables (1) or freezes (0) the learning of one edge group, by its name in the model.
 * @return IFM_OK; IFM_ERR_INVALID_ARGUMENT (no such group, enabled not 0/1); IFM_ERR_NULL_POINTER (session or
 *         group NULL); IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_plasticity_set_group_enabled(ifm_session *session, const char *group, int32_t enabled);

/**
 * Multiplies every rule's learning rate (1 = as trained, 0 = frozen in effect).
 * @return IFM_OK; IFM_ERR_INVALID_ARGUMENT (negative, NaN or infinite); IFM_ERR_NULL_POINTER; IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_plasticity_set_rate_scale(ifm_session *session, float scale);

/**
 * Sets the modulator M(t) of neuromodulated (three-factor) rules whose modulator is external, e.g. a reward.
 * Stays in force until set again.
 * @return IFM_OK; IFM_ERR_INVALID_ARGUMENT (NaN or infinite); IFM_ERR_NULL_POINTER; IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_plasticity_set_modulator(ifm_session *session, float value);

/**
 * Sets the error e of every output channel for error-driven (PES) rules. Stays in force until set again.
 * @param count  must equal the model's output_count.
 * @return IFM_OK; IFM_ERR_SIZE_MISMATCH (count != output_count); IFM_ERR_INVALID_ARGUMENT (a NaN or infinite
 *         value); IFM_ERR_NULL_POINTER; IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_plasticity_set_errors(ifm_session *session, const float *errors, size_t count);

/**
 * Whether the NaN/Inf guard tripped (1): a weight or trace became NaN or infinite and learning froze itself.
 * Roll back (ifm_checkpoint_load or ifm_reset), then ifm_plasticity_clear_guard.
 * @return IFM_OK; IFM_ERR_NULL_POINTER (session or out_tripped NULL); IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_plasticity_guard(ifm_session *session, int32_t *out_tripped);

/**
 * Clears a tripped guard and re-enables learning.
 * @return IFM_OK; IFM_ERR_NULL_POINTER; IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_plasticity_clear_guard(ifm_session *session);

/* -------------------------------------------------------------------------------- learning signals (since 1.2) */

/**
 * Binds where the session's learning signals come from, from `learning_json`: the "learning" object of a run
 * configuration (runtime/Ifm.Runtime/Learning/LearningSpec.cs), for example
 *     {"errors": {"out0": "-input.in0"}, "performance": "-abs(input.in0)", "watchdog": {"floor": -0.3}}
 * Keys: modulator (M(t) of neuromodulated rules with an external modulator), errors (PES error per output channel
 * name), performance (higher is better; what the watchdog watches), watchdog {floor, window, snapshotEvery,
 * checkpoint}, groups {NAME: {enabled, rateScale, schedule: [[tick, scale], ...]}}. Expressions use numbers, + - * /,
 * parentheses, abs(), min(), max(), clamp() and the references input.NAME (the inputs last set) and output.NAME (the
 * outputs before the step). From then on every ifm_step first evaluates them, feeds M(t) and the errors to the rules,
 * applies the schedules and lets the watchdog judge the performance (freeze and roll back to the last good snapshot
 * when its moving mean falls below the floor or the NaN/Inf guard trips) — allocation-free, except the watchdog's
 * snapshot every snapshotEvery good steps. NULL or "" removes the binding. Not for the tick path (parses, allocates).
 * @return IFM_OK; IFM_ERR_CONFIGURATION (malformed JSON, an unknown key, channel, output or group, a modulator when
 *         no rule takes one, an error for an output no pes edge reaches; ifm_last_error names the key);
 *         IFM_ERR_INVALID_ARGUMENT (text of 65536 bytes or more, or not NUL-terminated); IFM_ERR_IO (the watchdog's
 *         checkpoint is not writable); IFM_ERR_INVALID_HANDLE. Since 1.2.
 */
IFM_API ifm_status ifm_learning_configure(ifm_session *session, const char *learning_json);

/** What ifm_learning_get_status reports. Set struct_size = sizeof(ifm_learning_status) before the call. Since 1.2. */
typedef struct ifm_learning_status {
    uint32_t struct_size;        /**< sizeof(ifm_learning_status) as the program was built. */
    int32_t bound;               /**< 1 when ifm_learning_configure bound signals, else 0. */
    float modulator;             /**< M(t) fed before the last step (0 when none is bound). */
    float performance;           /**< The performance before the last step (NaN when none is bound). */
    int32_t rollbacks;           /**< Rollbacks of the learning watchdog so far. */
    int32_t frozen;              /**< 1 while the watchdog keeps learning frozen (until ifm_learning_resume). */
    int64_t non_finite_signals;  /**< Signal values that were NaN or infinite (fed as 0). */
    int64_t updates;             /**< Steps that evaluated the signals. */
} ifm_learning_status;

/**
 * The state of the bound learning signals and watchdog. Allocation-free.
 * @return IFM_OK; IFM_ERR_NULL_POINTER; IFM_ERR_INVALID_ARGUMENT (struct_size too small); IFM_ERR_INVALID_HANDLE. Since 1.2.
 */
IFM_API ifm_status ifm_learning_get_status(ifm_session *session, ifm_learning_status *out_status);

/**
 * Unfreezes learning after a watchdog rollback (its moving window starts over); no-op without a watchdog.
 * @return IFM_OK; IFM_ERR_INVALID_HANDLE. Since 1.2.
 */
IFM_API ifm_status ifm_learning_resume(ifm_session *session);

/* ------------------------------------------------------------------------------------------------- checkpoints */

/**
 * Saves the session's learned state (states, outputs, inputs, weights, traces, tick) to `path`, crash-safe:
 * written to a temporary file, flushed, verified, renamed over the old file. Not for the tick path (allocates,
 * does file I/O).
 * @return IFM_OK; IFM_ERR_IO (directory missing, not writable, disk full); IFM_ERR_NULL_POINTER;
 *         IFM_ERR_INVALID_ARGUMENT (empty or over-long path); IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_checkpoint_save(ifm_session *session, const char *path);

/**
 * Loads a checkpoint saved from a session of the same model (same ifm_model_id) into the session.
 * @return IFM_OK; IFM_ERR_IO (no such file, unreadable); IFM_ERR_CHECKPOINT (torn, corrupt, unknown version, or
 *         of another model; the session is unchanged); IFM_ERR_NULL_POINTER; IFM_ERR_INVALID_ARGUMENT;
 *         IFM_ERR_INVALID_HANDLE.
 */
IFM_API ifm_status ifm_checkpoint_load(ifm_session *session, const char *path);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* IFM_H */
