// Machine: vCPU threads, pause/unpause, and how guest exits become the domain's outcome.
#include "engine/domain/machine.h"

#include <ctime>
#include <fstream>
#include <pthread.h>
#include <sched.h>
#include <sstream>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <utility>
#include <unistd.h>

#include "base/log.h"
#include "engine/domain/core_dump.h"
#include "engine/domain/guest_agent.h"
#include "engine/io/char_backend.h"
#include "engine/io/event_loop.h"
#include "engine/sbi/sbi_ids.h"

namespace xenith {

namespace {

// A thread's scheduler state letter (R running, S sleeping, ...) and the host CPU it last ran
// on, from /proc/self/task/TID/stat (fields 3 and 39). {'?', -1} when unreadable.
std::pair<char, int> thread_state(pid_t tid)
{
    std::ifstream in(fmt::format("/proc/self/task/{}/stat", tid));
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Field 2 (comm) may hold spaces and parentheses: count from the last ')'.
    auto close = stat.rfind(')');
    if (close == std::string::npos || close + 2 >= stat.size())
        return { '?', -1 };
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    char state = '?';
    for (int i = 3; i <= 39 && fields >> field; ++i) {
        if (i == 3)
            state = field[0];
        else if (i == 39)
            return { state, std::atoi(field.c_str()) };
    }
    return { state, -1 };
}

} // namespace

Result<std::unique_ptr<Machine>> Machine::create(board::BoardConfig const& config, ConsoleFactory const& make_console)
{
    std::unique_ptr<Machine> m(new Machine());
    m->m_config = config;
    m->m_loop = XENITH_TRY(EventLoop::create());
    Machine* raw = m.get();
    m->m_console = XENITH_TRY(make_console(*m->m_loop, [raw] { (void)raw->destroy(); }));
    m->m_board = XENITH_TRY(board::VirtBoard::create(config, *m->m_console, [raw](TestFinisher::Outcome o, uint32_t code) {
        switch (o) {
        case TestFinisher::Outcome::Pass:
            raw->finish({ MachineOutcome::Kind::Poweroff, 0, "test finisher: pass" });
            break;
        case TestFinisher::Outcome::Reset:
            raw->finish({ MachineOutcome::Kind::Reboot, 0, "test finisher: reset" });
            break;
        case TestFinisher::Outcome::Fail:
            raw->finish({ MachineOutcome::Kind::Crash, code, fmt::format("test finisher: fail, code {}", code) });
            break;
        }
    }));
    m->m_board->pvpanic().set_handler([raw](uint8_t events) {
        raw->finish({ MachineOutcome::Kind::Crash, 0,
            (events & PvPanic::event_crash_loaded) ? "guest kernel panic (crash kernel loaded)" : "guest kernel panic" });
    });
    m->m_running = std::make_unique<std::atomic<bool>[]>(m->m_board->hart_count());
    m->m_tids = std::make_unique<std::atomic<pid_t>[]>(m->m_board->hart_count());
    m->m_pins.resize(m->m_board->hart_count());
    return m;
}

void Machine::set_guest_agent(std::unique_ptr<GuestAgent> agent) { m_agent = std::move(agent); }

Machine::~Machine()
{
    finish({ MachineOutcome::Kind::Destroyed, 0, "machine destroyed" });
    join_threads();
    if (m_shutdown_timer && m_loop)
        m_loop->remove(m_shutdown_timer.get());
}

void Machine::join_threads()
{
    for (auto& t : m_threads) {
        if (t.joinable())
            t.join();
    }
    {
        std::lock_guard guard(m_lock);
        m_thread_handles.clear();
    }
    if (m_loop)
        m_loop->stop();
    if (m_io_thread.joinable())
        m_io_thread.join();
}

Result<board::BootLayout> Machine::load(board::BootImages const& images) { return m_board->load(images); }

MachineOutcome Machine::outcome_of_reset(uint64_t code) const
{
    uint32_t type = uint32_t(code);
    uint32_t reason = uint32_t(code >> 32);
    if (reason == sbi::reset_reason::system_failure)
        return { MachineOutcome::Kind::Crash, 0, fmt::format("SBI system reset type {} for a system failure", type) };
    if (type == sbi::reset_type::shutdown)
        return { MachineOutcome::Kind::Poweroff, 0, "SBI shutdown" };
    return { MachineOutcome::Kind::Reboot, 0, type == sbi::reset_type::warm_reboot ? "SBI warm reboot" : "SBI cold reboot" };
}

void Machine::finish(MachineOutcome outcome)
{
    {
        std::lock_guard guard(m_lock);
        if (m_outcome)
            return;
        if (outcome.kind == MachineOutcome::Kind::Poweroff && m_reboot_requested) {
            outcome.kind = MachineOutcome::Kind::Reboot;
            outcome.detail += " after xm reboot pressed the power key";
        }
        log::debug("domain ends: {}", outcome.detail);
        m_outcome = std::move(outcome);
        m_finishing = true;
    }
    m_changed.notify_all();
    if (m_agent)
        m_agent->shutdown();
    if (!m_board)
        return;
    m_board->hart_states().shutdown();
    for (unsigned i = 0; i < m_board->hart_count(); ++i)
        m_board->hart(i).request_exit();
}

bool Machine::wait_runnable()
{
    std::unique_lock guard(m_lock);
    m_changed.wait(guard, [&] { return m_finishing || !m_paused; });
    return !m_finishing;
}

void Machine::vcpu_thread(unsigned id)
{
    m_tids[id] = ::gettid();
    auto& hart = m_board->hart(id);
    auto& states = m_board->hart_states();
    bool const pv = m_board->boot_mode() == board::BootMode::Pv;
    for (;;) {
        if (pv && states.state(id) != sbi::HartState::Started) {
            // Stopped (never started, or HSM hart_stop): park until HSM hart_start.
            auto request = states.wait_for_start(id);
            if (!request)
                return;
            hart.reset(request->start_addr);
            hart.set_reg(10, id);
            hart.set_reg(11, request->opaque);
            states.set_started(id);
        }
        if (!wait_runnable())
            return;
        m_running[id] = true;
        VcpuExit exit = hart.run();
        m_running[id] = false;
        switch (exit.reason) {
        case VcpuExit::Reason::Requested: // pause or finish: the loop checks
        case VcpuExit::Reason::Stopped:   // HSM hart_stop: state is StopPending
            break;
        case VcpuExit::Reason::Shutdown:
            finish(outcome_of_reset(exit.code));
            return;
        }
    }
}

MachineOutcome Machine::run()
{
    m_started = std::chrono::steady_clock::now();
    // Our own thread for the loop, so we can join it before the devices it calls go away.
    m_io_thread = std::thread([this] { m_loop->run(); });
    pthread_setname_np(m_io_thread.native_handle(), "io");
    {
        std::lock_guard guard(m_lock);
        for (unsigned i = 0; i < m_board->hart_count(); ++i) {
            m_threads.emplace_back([this, i] { vcpu_thread(i); });
            m_thread_handles.push_back(m_threads.back().native_handle());
            pthread_setname_np(m_thread_handles.back(), fmt::format("vcpu{}", i).c_str());
            // A pin asked for before the threads existed (xend pins as soon as it can talk to us).
            if (!m_pins[i].empty())
                if (auto status = apply_pin(i); !status)
                    log::warn("{}", status.error().message());
        }
    }
    {
        std::unique_lock guard(m_lock);
        m_changed.wait(guard, [&] { return m_outcome.has_value(); });
    }
    join_threads();
    std::lock_guard guard(m_lock);
    return *m_outcome;
}

uint64_t Machine::instret() const
{
    uint64_t total = 0;
    for (unsigned i = 0; i < m_board->hart_count(); ++i)
        total += m_board->hart(i).retired_instructions();
    return total;
}

DomainStatus Machine::status() const
{
    DomainStatus s;
    s.memory_mib = s.max_memory_mib = m_config.memory_mib;
    if (m_memory_target)
        s.memory_mib = m_memory_target();
    std::lock_guard guard(m_lock);
    if (m_outcome)
        s.state = m_outcome->kind == MachineOutcome::Kind::Crash ? DomainRunState::Crashed : DomainRunState::ShuttingDown;
    else if (m_paused)
        s.state = DomainRunState::Paused;
    else
        s.state = DomainRunState::Running;
    s.shutdown_requested = m_shutdown_requested;
    s.shutdown_presses = m_shutdown_presses;
    if (!m_thread_handles.empty())
        s.uptime_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    for (unsigned i = 0; i < m_board->hart_count(); ++i) {
        VcpuInfo v;
        v.id = i;
        v.online = m_board->hart_states().state(i) == sbi::HartState::Started;
        v.instret = m_board->hart(i).retired_instructions();
        if (pid_t tid = m_tids[i].load(); tid > 0) {
            auto [state, cpu] = thread_state(tid);
            v.host_cpu = cpu;
            v.running = v.online && state == 'R';
            v.blocked = v.online && !m_paused && !m_outcome && (state == 'S' || state == 'D');
        }
        if (i < m_thread_handles.size()) {
            clockid_t clock;
            timespec ts;
            if (pthread_getcpuclockid(m_thread_handles[i], &clock) == 0 && clock_gettime(clock, &ts) == 0)
                v.cpu_seconds = double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
            cpu_set_t set;
            if (pthread_getaffinity_np(m_thread_handles[i], sizeof(set), &set) == 0 && CPU_COUNT(&set) < CPU_SETSIZE) {
                for (int c = 0; c < CPU_SETSIZE; ++c) {
                    if (CPU_ISSET(c, &set))
                        v.affinity.push_back(c);
                }
            }
        }
        s.cpu_seconds += v.cpu_seconds;
        s.instret += v.instret;
        s.vcpus.push_back(std::move(v));
    }
    // Xen's domain state: "b" when no online vCPU is running or runnable (all wait in WFI),
    // so `xm list` shows an idle domain as -b---- and xentop counts it as blocked.
    if (s.state == DomainRunState::Running) {
        bool any_online = false, all_blocked = true;
        for (auto const& v : s.vcpus) {
            if (v.online) {
                any_online = true;
                all_blocked = all_blocked && v.blocked;
            }
        }
        if (any_online && all_blocked)
            s.state = DomainRunState::Blocked;
    }
    return s;
}

Status Machine::request_shutdown() { return press_shutdown_button(false); }

Status Machine::request_reboot() { return press_shutdown_button(true); }

Status Machine::press_shutdown_button(bool reboot)
{
    char const* what = reboot ? "reboot" : "shutdown";
    if (!m_shutdown_button)
        return fail("{} request: this domain has no power-key device (virtio-input) to deliver it; use destroy", what);
    ShutdownRequest previous = ShutdownRequest::None;
    bool previous_reboot = false;
    {
        std::lock_guard guard(m_lock);
        if (m_finishing)
            return {}; // already going down
        previous = std::exchange(m_shutdown_requested, reboot ? ShutdownRequest::Reboot : ShutdownRequest::Poweroff);
        previous_reboot = std::exchange(m_reboot_requested, reboot);
        ++m_shutdown_presses;
    }
    if (auto pressed = m_shutdown_button(); !pressed) {
        std::lock_guard guard(m_lock);
        m_shutdown_requested = previous;
        m_reboot_requested = previous_reboot;
        return pressed;
    }
    log::info("{} requested: power key pressed; pressed again every {} ms until the guest powers off", what,
        m_shutdown_repeat.count());
    if (m_shutdown_timer || !m_loop)
        return {};
    // The repeat: a timerfd on the I/O loop, armed until the machine goes away.
    UniqueFd timer(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!timer)
        return fail_errno(fmt::format("{} request: timerfd for repeating the power key", what));
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(m_shutdown_repeat).count();
    itimerspec spec {};
    spec.it_interval.tv_sec = spec.it_value.tv_sec = ns / 1000000000;
    spec.it_interval.tv_nsec = spec.it_value.tv_nsec = ns % 1000000000;
    if (::timerfd_settime(timer.get(), 0, &spec, nullptr) != 0)
        return fail_errno(fmt::format("{} request: timerfd_settime", what));
    int fd = timer.get();
    XENITH_TRY(m_loop->add(fd, EPOLLIN, [this, fd](uint32_t) {
        uint64_t expirations;
        if (::read(fd, &expirations, sizeof(expirations)) == ssize_t(sizeof(expirations)))
            repeat_shutdown_press();
    }));
    m_shutdown_timer = std::move(timer);
    return {};
}

void Machine::repeat_shutdown_press()
{
    unsigned presses;
    {
        std::lock_guard guard(m_lock);
        if (m_finishing || m_paused || m_shutdown_requested == ShutdownRequest::None)
            return;
        presses = ++m_shutdown_presses;
    }
    log::debug("shutdown request still pending: power key pressed again ({} presses)", presses);
    if (auto pressed = m_shutdown_button(); !pressed)
        log::warn("shutdown request: pressing the power key again failed: {}", pressed.error().message());
}

Status Machine::destroy()
{
    finish({ MachineOutcome::Kind::Destroyed, 0, "destroyed" });
    return {};
}

Status Machine::pause()
{
    {
        std::lock_guard guard(m_lock);
        if (m_finishing)
            return fail("pause: the domain is shutting down");
        m_paused = true;
    }
    for (unsigned i = 0; i < m_board->hart_count(); ++i)
        m_board->hart(i).request_exit();
    return {};
}

Status Machine::unpause()
{
    {
        std::lock_guard guard(m_lock);
        m_paused = false;
    }
    m_changed.notify_all();
    return {};
}

bool Machine::wait_vcpus_stopped(std::chrono::milliseconds limit) const
{
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        bool any = false;
        for (unsigned i = 0; i < m_board->hart_count(); ++i)
            any = any || m_running[i].load();
        if (!any)
            return true;
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

Status Machine::dump_core(std::string const& path)
{
    bool was_paused;
    {
        std::lock_guard guard(m_lock);
        if (m_finishing)
            return fail("dump-core: the domain is shutting down");
        was_paused = m_paused;
    }
    if (!was_paused)
        XENITH_TRY(pause());
    Status written = wait_vcpus_stopped(std::chrono::seconds(2))
        ? write_core(path)
        : fail("dump-core: the vCPUs did not stop within 2 s; nothing was written");
    if (!was_paused)
        (void)unpause();
    if (written)
        log::info("core dump written to {}", path);
    return written;
}

Status Machine::write_core(std::string const& path) const
{
    std::vector<VcpuRegisters> vcpus(m_board->hart_count());
    for (unsigned i = 0; i < vcpus.size(); ++i) {
        auto const& hart = m_board->hart(i);
        vcpus[i].pc = hart.pc();
        for (unsigned r = 1; r < 32; ++r)
            vcpus[i].x[r] = hart.reg(r);
    }
    return write_core_dump(path, m_board->memory(), vcpus);
}

Status Machine::set_memory_target(uint64_t mib)
{
    if (m_set_memory_target)
        return m_set_memory_target(mib);
    return fail("memory target {} MiB: this domain has no balloon device to change its memory", mib);
}

// Requests that go through the guest agent need one, and a guest that runs to answer.
Status Machine::agent_can_answer(std::string const& request)
{
    if (!m_agent)
        return fail("{}: this domain has no guest agent channel (its virtio-mmio slots are all in use)", request);
    std::lock_guard guard(m_lock);
    if (m_paused)
        return fail("domain {}: {}: the domain is paused, so its guest agent cannot answer; unpause it first",
            m_agent->domain_name(), request);
    return {};
}

Status Machine::set_online_vcpus(unsigned count)
{
    // Linux onlines and offlines its CPUs itself (HSM hart_start/hart_stop); the agent asks it to.
    XENITH_TRY(agent_can_answer(fmt::format("vcpu-set {}", count)));
    XENITH_TRY(m_agent->set_online_vcpus(count, m_board->hart_count()));
    return {};
}

Status Machine::pin_vcpu(unsigned vcpu, std::vector<int> const& host_cpus)
{
    std::lock_guard guard(m_lock);
    if (vcpu >= m_pins.size())
        return fail("vcpu-pin: vCPU {} does not exist (this domain has {})", vcpu, m_pins.size());
    std::vector<int> pins;
    for (int c : host_cpus) {
        if (c < 0 || c >= CPU_SETSIZE)
            return fail("vcpu-pin: host CPU {} is out of range", c);
        pins.push_back(c);
    }
    if (pins.empty()) {
        // No list: any CPU this process may use.
        for (int c = 0; c < CPU_SETSIZE; ++c)
            pins.push_back(c);
    }
    auto previous = std::exchange(m_pins[vcpu], std::move(pins));
    if (vcpu >= m_thread_handles.size())
        return {}; // run() applies it when it starts the thread
    if (auto status = apply_pin(vcpu); !status) {
        m_pins[vcpu] = std::move(previous);
        return status;
    }
    return {};
}

Status Machine::apply_pin(unsigned vcpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int c : m_pins[vcpu])
        CPU_SET(c, &set);
    if (int rc = pthread_setaffinity_np(m_thread_handles[vcpu], sizeof(set), &set); rc != 0)
        return fail_errno(fmt::format("vcpu-pin: vCPU {}", vcpu), rc);
    return {};
}

Status Machine::sysrq(char key)
{
    // Through the guest agent, as Xen's guests take sysrq from xenstore: the agent writes the key
    // to /proc/sysrq-trigger.
    XENITH_TRY(agent_can_answer(fmt::format("sysrq {}", key)));
    return m_agent->sysrq(key);
}

} // namespace xenith
