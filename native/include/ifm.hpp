/*
 * ifm.hpp — a header-only C++17 wrapper over ifm.h: RAII handles and exceptions (ifm::error) instead of status
 * codes. The per-tick members (set_inputs, step, get_outputs) allocate nothing. Same thread-safety rules as ifm.h:
 * an ifm::session is used by one thread at a time; ifm::model may be shared.
 */
#ifndef IFM_HPP
#define IFM_HPP

#include "ifm.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ifm {

/** A failed call: the status code and the library's message. */
class error : public std::runtime_error {
public:
    error(ifm_status status, const std::string &message) : std::runtime_error(message), status_(status) {}
    ifm_status status() const noexcept { return status_; }

private:
    ifm_status status_;
};

/** Throws ifm::error for a failed status, with the thread's last-error message. */
inline void check(ifm_status status) {
    if (status != IFM_OK) throw error(status, ifm_last_error());
}

/** Throws when the loaded libifm.so cannot serve this header's ABI. */
inline void check_abi() {
    uint32_t v = ifm_abi_version();
    if (!IFM_ABI_COMPATIBLE(v))
        throw error(IFM_ERR_INTERNAL, "libifm ABI " + std::to_string(v >> 16) + "." + std::to_string(v & 0xFFFFu) +
                                          " cannot serve a program built for ABI " + std::to_string(IFM_ABI_VERSION_MAJOR) +
                                          "." + std::to_string(IFM_ABI_VERSION_MINOR));
}

namespace detail {
template <typename Getter>
std::string text(Getter get) {
    size_t length = 0;
    ifm_status s = get(nullptr, 0, &length);
    if (s != IFM_OK && s != IFM_ERR_SIZE_MISMATCH) check(s);
    std::string value(length + 1, '\0');
    check(get(&value[0], value.size(), &length));
    value.resize(length);
    return value;
}
} // namespace detail

/** A loaded model (move-only). */
class model {
public:
    static model from_file(const std::string &path) {
        ifm_model *m = nullptr;
        check(ifm_model_load_file(path.c_str(), &m));
        return model(m);
    }

    static model from_memory(const void *data, size_t size) {
        ifm_model *m = nullptr;
        check(ifm_model_load_memory(data, size, &m));
        return model(m);
    }

    model(model &&other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    model &operator=(model &&other) noexcept {
        if (this != &other) {
            ifm_model_free(handle_);
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }
    model(const model &) = delete;
    model &operator=(const model &) = delete;
    ~model() { ifm_model_free(handle_); }

    ifm_model_info info() const {
        ifm_model_info i{};
        check(ifm_model_get_info(handle_, &i));
        return i;
    }

    std::string name() const {
        return detail::text([&](char *b, size_t c, size_t *l) { return ifm_model_name(handle_, b, c, l); });
    }

    std::string id() const {
        return detail::text([&](char *b, size_t c, size_t *l) { return ifm_model_id(handle_, b, c, l); });
    }

    std::string input_name(size_t index) const {
        return detail::text([&](char *b, size_t c, size_t *l) { return ifm_model_input_name(handle_, index, b, c, l); });
    }

    std::string output_name(size_t index) const {
        return detail::text([&](char *b, size_t c, size_t *l) { return ifm_model_output_name(handle_, index, b, c, l); });
    }

    const ifm_model *get() const noexcept { return handle_; }

private:
    explicit model(ifm_model *handle) : handle_(handle) {}
    ifm_model *handle_;
};

/** A running instance of a model (move-only); one thread at a time. */
class session {
public:
    explicit session(const model &m) {
        check(ifm_session_create(m.get(), &handle_));
    }

    session(session &&other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    session &operator=(session &&other) noexcept {
        if (this != &other) {
            ifm_session_destroy(handle_);
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }
    session(const session &) = delete;
    session &operator=(const session &) = delete;
    ~session() { ifm_session_destroy(handle_); }

    void set_inputs(const float *values, size_t count) { check(ifm_set_inputs(handle_, values, count)); }
    void set_inputs(const std::vector<float> &values) { set_inputs(values.data(), values.size()); }
    void set_input(size_t channel, float value) { check(ifm_set_input(handle_, channel, value)); }
    void step(uint32_t ticks = 1) { check(ifm_step(handle_, ticks)); }
    void get_outputs(float *values, size_t capacity) { check(ifm_get_outputs(handle_, values, capacity)); }
    void get_outputs(std::vector<float> &values) { get_outputs(values.data(), values.size()); }

    int64_t tick() {
        int64_t t = 0;
        check(ifm_get_tick(handle_, &t));
        return t;
    }

    void reset() { check(ifm_reset(handle_)); }

    void set_plasticity(bool enabled) { check(ifm_plasticity_set_enabled(handle_, enabled ? 1 : 0)); }
    bool plasticity() {
        int32_t e = 0;
        check(ifm_plasticity_get_enabled(handle_, &e));
        return e != 0;
    }
    void set_group_plasticity(const std::string &group, bool enabled) {
        check(ifm_plasticity_set_group_enabled(handle_, group.c_str(), enabled ? 1 : 0));
    }
    void set_learning_rate_scale(float scale) { check(ifm_plasticity_set_rate_scale(handle_, scale)); }
    void set_modulator(float value) { check(ifm_plasticity_set_modulator(handle_, value)); }
    void set_errors(const float *errors, size_t count) { check(ifm_plasticity_set_errors(handle_, errors, count)); }
    bool guard_tripped() {
        int32_t t = 0;
        check(ifm_plasticity_guard(handle_, &t));
        return t != 0;
    }
    void clear_guard() { check(ifm_plasticity_clear_guard(handle_)); }

    void save_checkpoint(const std::string &path) { check(ifm_checkpoint_save(handle_, path.c_str())); }
    void load_checkpoint(const std::string &path) { check(ifm_checkpoint_load(handle_, path.c_str())); }

    ifm_session *get() const noexcept { return handle_; }

private:
    ifm_session *handle_ = nullptr;
};

} // namespace ifm

#endif /* IFM_HPP */
