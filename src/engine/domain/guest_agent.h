// GuestAgent: the host end of the xenith guest agent, a line protocol on a virtio-console port.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "engine/domain/domain_control.h"
#include "engine/io/char_backend.h"

namespace xenith {

struct GuestAgentTimeouts {
    std::chrono::milliseconds hello { 5000 };    // the agent answers "ping" (is it there?)
    std::chrono::milliseconds request { 60000 }; // a request that does work, e.g. vcpu-set
};

// The guest kit's agent (/etc/xenith/agent, on the virtio-console port named org.xenith.agent:
// /dev/vportNp1 in Linux, found through /sys/class/virtio-ports/*/name) reads one request per line
// and answers one line with the same tag:
//   host:  "7 vcpu-set 2\n"       guest: "7 ok online=0-1\n"   or "7 error cpu1: ...\n"
//   host:  "8 sysrq h\n"          guest: "8 ok\n" (then writes h to /proc/sysrq-trigger)
// Tags pair answers with requests, so a late answer to a request that timed out is ignored.
// Lines that are neither "TAG ok..." nor "TAG error..." (a tty echo, boot noise) are ignored.
//
// The agent's VirtioConsole uses this object as its CharBackend: write() is the guest's output
// (on the vCPU thread that notified the transmit queue), and the input handler is the device's
// receive(). call() blocks its caller, so it must not run on the thread that services the
// device (any vCPU thread); the control channel runs it on a worker thread.
class GuestAgent final : public CharBackend {
public:
    // The agent's virtio-console port: its number and the name the guest finds it by.
    static constexpr unsigned port = 1;
    static constexpr std::string_view port_name = "org.xenith.agent";

    // Longest answer kept; longer guest lines are cut (the guest controls them).
    static constexpr size_t max_line = 4096;

    using Timeouts = GuestAgentTimeouts;

    // `domain_name` names the domain in error messages.
    explicit GuestAgent(std::string domain_name, Timeouts timeouts = {});

    // --- CharBackend
    void write(std::span<uint8_t const> bytes) override;
    void set_input_handler(InputHandler handler) override;

    // Pings the agent, then sends `request` and returns the answer after the tag: "ok ..." or
    // "error ...". Fails, naming the domain, when no agent answers the ping within the hello
    // timeout, when the request is not answered in time, or after shutdown(). One call at a time
    // (others wait). Not on a vCPU thread.
    Result<std::string> call(std::string const& request);

    // Asks the agent to put vCPUs 0..count-1 online and the others offline; returns the guest's
    // online list ("0-3") once it matches. `max` is the number of vCPUs the machine has.
    Result<std::string> set_online_vcpus(unsigned count, unsigned max);

    // Asks the agent to write `key` to /proc/sysrq-trigger (xm sysrq). The agent answers before
    // it writes, since keys such as b, c and o end the guest at once; the kernel's own line
    // ("sysrq: Show Memory") goes to the guest's console.
    Status sysrq(char key);

    // Fails every waiting and later call: the domain is going down. Any thread.
    void shutdown();

    std::string const& domain_name() const { return m_domain_name; }

private:
    // Sends one tagged line and waits for its answer; nullopt on timeout.
    Result<std::optional<std::string>> exchange(std::string const& request, std::chrono::milliseconds timeout);
    void on_line(std::string line);

    std::string m_domain_name;
    Timeouts m_timeouts;
    std::mutex m_call_lock; // serialises call()

    std::mutex m_lock; // guards everything below
    std::condition_variable m_answered;
    InputHandler m_send;
    std::string m_partial;
    uint64_t m_next_tag { 1 };
    uint64_t m_waiting_tag { 0 }; // 0: nobody waits
    std::optional<std::string> m_answer;
    bool m_shutdown { false };
};

// "0-3,5" -> {0,1,2,3,5}; nullopt if the text is not a Linux CPU list.
std::optional<std::vector<unsigned>> parse_cpu_list(std::string_view text);

} // namespace xenith
