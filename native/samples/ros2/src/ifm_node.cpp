// ifm_node — an IFM network inside a ROS 2 graph.
//
// Subscribes  ~/inputs   std_msgs/msg/Float32MultiArray  (input_count values; the latest message stays in force)
// Publishes   ~/outputs  std_msgs/msg/Float32MultiArray  (output_count values, after every period)
// Parameters  model (path to a .ifm), rate_hz (default 100), ticks_per_period (default 1),
//             plasticity (default true), checkpoint (path; loaded at start when it exists, saved at shutdown)
//
// The timer callback is the control period: copy the latest inputs, step, publish outputs. The buffers are
// allocated once; the callback allocates nothing but the outgoing message's data (reused capacity).
// One session is used from the node's single-threaded executor, as ifm.h's thread-safety rules require.
#include <ifm.hpp>

#include <rclcpp/rclcpp.hpp>
#include <std_msgs/msg/float32_multi_array.hpp>

#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

class IfmNode : public rclcpp::Node {
public:
    IfmNode()
        : rclcpp::Node("ifm"),
          model_(ifm::model::from_file(declare_parameter<std::string>("model", "/var/lib/ifm/models/pong.ifm"))),
          session_(model_) {
        ifm::check_abi();
        const double rate_hz = declare_parameter<double>("rate_hz", 100.0);
        ticks_ = static_cast<uint32_t>(declare_parameter<int>("ticks_per_period", 1));
        checkpoint_ = declare_parameter<std::string>("checkpoint", "");
        session_.set_plasticity(declare_parameter<bool>("plasticity", true));
        if (!checkpoint_.empty() && std::ifstream(checkpoint_).good()) {
            session_.load_checkpoint(checkpoint_);
            RCLCPP_INFO(get_logger(), "restored learned state from %s", checkpoint_.c_str());
        }

        const auto info = model_.info();
        inputs_.assign(info.input_count, 0.0f);
        latest_.assign(info.input_count, 0.0f);
        out_.data.assign(info.output_count, 0.0f);

        publisher_ = create_publisher<std_msgs::msg::Float32MultiArray>("~/outputs", 10);
        subscription_ = create_subscription<std_msgs::msg::Float32MultiArray>(
            "~/inputs", 10, [this](const std_msgs::msg::Float32MultiArray &msg) { on_inputs(msg); });
        timer_ = create_wall_timer(std::chrono::duration<double>(1.0 / rate_hz), [this] { on_period(); });
        RCLCPP_INFO(get_logger(), "model %s: %u inputs, %u outputs, %.1f Hz x %u ticks", model_.name().c_str(),
                    info.input_count, info.output_count, rate_hz, ticks_);
    }

    ~IfmNode() override {
        if (checkpoint_.empty()) return;
        try {
            session_.save_checkpoint(checkpoint_);
        } catch (const ifm::error &e) {
            RCLCPP_ERROR(get_logger(), "saving %s: %s", checkpoint_.c_str(), e.what());
        }
    }

private:
    void on_inputs(const std_msgs::msg::Float32MultiArray &msg) {
        if (msg.data.size() != latest_.size()) {
            RCLCPP_WARN_THROTTLE(get_logger(), *get_clock(), 5000, "inputs: got %zu values, the model has %zu",
                                 msg.data.size(), latest_.size());
            return;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        latest_.assign(msg.data.begin(), msg.data.end());
    }

    void on_period() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            inputs_.assign(latest_.begin(), latest_.end());
        }
        try {
            session_.set_inputs(inputs_);
            session_.step(ticks_);
            session_.get_outputs(out_.data);
        } catch (const ifm::error &e) {
            RCLCPP_ERROR(get_logger(), "step failed: %s", e.what());
            return;
        }
        publisher_->publish(out_);
    }

    ifm::model model_;
    ifm::session session_;
    uint32_t ticks_ = 1;
    std::string checkpoint_;
    std::vector<float> inputs_, latest_;
    std::mutex mutex_;
    std_msgs::msg::Float32MultiArray out_;
    rclcpp::Publisher<std_msgs::msg::Float32MultiArray>::SharedPtr publisher_;
    rclcpp::Subscription<std_msgs::msg::Float32MultiArray>::SharedPtr subscription_;
    rclcpp::TimerBase::SharedPtr timer_;
};

int main(int argc, char **argv) {
    rclcpp::init(argc, argv);
    try {
        rclcpp::spin(std::make_shared<IfmNode>());
    } catch (const ifm::error &e) {
        RCLCPP_FATAL(rclcpp::get_logger("ifm"), "%s", e.what());
        rclcpp::shutdown();
        return 1;
    }
    rclcpp::shutdown();
    return 0;
}
