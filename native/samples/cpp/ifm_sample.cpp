// ifm_sample_cpp — the C sample's loop through the C++ wrapper (ifm.hpp), plus a checkpoint round trip.
//
//   ifm_sample_cpp MODEL.ifm TICKS [--checkpoint PATH]
//
// Prints one line per tick, "tick out0 out1 ...". With --checkpoint it saves the state after TICKS / 2 ticks,
// runs on, reloads the checkpoint and runs the second half again: the second pass must print the same lines,
// which it checks itself (exit code 3 when they differ).
#include <ifm.hpp>

#include "../input_schedule.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> run(ifm::session &session, long from, long to, std::vector<float> &inputs, std::vector<float> &outputs) {
    std::vector<std::string> lines;
    char text[64];
    for (long t = from; t < to; t++) {
        for (size_t c = 0; c < inputs.size(); c++) inputs[c] = ifm_sample_input(t, static_cast<uint32_t>(c));
        session.set_inputs(inputs);
        session.step();
        session.get_outputs(outputs);
        std::string line = std::to_string(t + 1);
        for (float o : outputs) {
            std::snprintf(text, sizeof text, " %.9g", o);
            line += text;
        }
        lines.push_back(line);
    }
    return lines;
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 3) {
        std::cerr << "usage: ifm_sample_cpp MODEL.ifm TICKS [--checkpoint PATH]\n";
        return 2;
    }
    const long ticks = std::strtol(argv[2], nullptr, 10);
    const char *checkpoint = argc >= 5 && std::strcmp(argv[3], "--checkpoint") == 0 ? argv[4] : nullptr;
    try {
        ifm::check_abi();
        auto model = ifm::model::from_file(argv[1]);
        auto info = model.info();
        ifm::session session(model);
        std::vector<float> inputs(info.input_count), outputs(info.output_count);

        const long half = checkpoint ? ticks / 2 : ticks;
        for (const auto &line : run(session, 0, half, inputs, outputs)) std::cout << line << '\n';
        if (checkpoint) {
            session.save_checkpoint(checkpoint);
            auto first = run(session, half, ticks, inputs, outputs);
            session.load_checkpoint(checkpoint);
            auto again = run(session, half, ticks, inputs, outputs);
            for (const auto &line : first) std::cout << line << '\n';
            if (first != again) {
                std::cerr << "ifm_sample_cpp: the run after reloading the checkpoint differs\n";
                return 3;
            }
        }
        return 0;
    } catch (const ifm::error &e) {
        std::cerr << "ifm_sample_cpp: " << e.what() << " (status " << e.status() << ")\n";
        return 1;
    }
}
