"""Per-process figures from /proc that every bench script reads the same way."""
import os


def cpu_seconds(pid):
    """CPU time of all of PID's threads. /proc/PID/task/*/schedstat counts nanoseconds; utime +
    stime in /proc/PID/stat count 10 ms ticks, too coarse for an idle guest (one tick in 5 s is
    already 0.2% of a core). Falls back to the ticks when schedstat is missing."""
    total_ns = 0
    found = False
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    total_ns += int(f.read().split()[0])
                    found = True
            except (OSError, ValueError, IndexError):
                pass  # the thread exited meanwhile
    except OSError:
        pass
    if found:
        return total_ns / 1e9
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks
