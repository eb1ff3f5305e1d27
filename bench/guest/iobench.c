// iobench: the guest side of bench/run.py's disk and net scenarios (busybox has no fio).
// Cross-compiled static for riscv64 by bench/iobench.py and put into the guest through an
// initramfs overlay; /etc/xenith/tests/io in the guest kit runs it.
//
//   iobench disk DEV MIB SECONDS   sequential write (+ fsync) and read of MIB MiB in 1 MiB
//                                  blocks (then, untimed, checks what it reads back), then 4 KiB random reads and random writes for
//                                  SECONDS each, all with O_DIRECT at queue depth 1
//   iobench tcp-send HOST PORT MIB connect and send MIB MiB, then wait for the peer to close
//   iobench tcp-recv PORT          accept one connection and read it to the end
//
// Every result is one line "iobench NAME VALUE" on stdout (VALUE a decimal number), timed
// with CLOCK_MONOTONIC in the guest; "begin", "verified" and the *_ops counts mark phases for
// the host, which reads the engine's CPU time as each line arrives.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024 * 1024)
#define SEQ_BLOCK MIB
#define RAND_BLOCK 4096
#define NET_CHUNK (64 * 1024)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(char const* what)
{
    fprintf(stderr, "iobench: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void result(char const* name, double value)
{
    printf("iobench %s %.3f\n", name, value);
    fflush(stdout);
}

// A small xorshift generator: the random offsets need no quality, only no pattern the host
// page cache or readahead could exploit, and the same sequence on every engine.
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void full_pwrite(int fd, void const* buf, size_t len, off_t off)
{
    ssize_t n = pwrite(fd, buf, len, off);
    if (n != (ssize_t)len)
        die(n < 0 ? "pwrite" : "short pwrite");
}

static void full_pread(int fd, void* buf, size_t len, off_t off)
{
    ssize_t n = pread(fd, buf, len, off);
    if (n != (ssize_t)len)
        die(n < 0 ? "pread" : "short pread");
}

static int disk(char const* dev, long mib, double seconds)
{
    int fd = open(dev, O_RDWR | O_DIRECT);
    if (fd < 0)
        die(dev);
    void* buf;
    if (posix_memalign(&buf, 4096, SEQ_BLOCK) != 0)
        die("posix_memalign");
    // Non-zero data so no layer can shortcut zero pages.
    for (size_t i = 0; i < SEQ_BLOCK; ++i)
        ((unsigned char*)buf)[i] = (unsigned char)(i * 131 + 7);
    off_t bytes = (off_t)mib * MIB;
    // Phase marks: the host samples the engine's CPU time when each iobench line appears.
    result("begin", 0);

    // Sequential write; the fsync (a virtio-blk FLUSH: the host's fdatasync) is inside the time.
    double t0 = now();
    for (off_t off = 0; off < bytes; off += SEQ_BLOCK)
        full_pwrite(fd, buf, SEQ_BLOCK, off);
    if (fsync(fd) != 0)
        die("fsync");
    double t1 = now();
    result("seq_write_mibps", mib / (t1 - t0));

    // Sequential read of what was just written; O_DIRECT bypasses the guest page cache.
    t0 = now();
    for (off_t off = 0; off < bytes; off += SEQ_BLOCK)
        full_pread(fd, buf, SEQ_BLOCK, off);
    t1 = now();
    result("seq_read_mibps", mib / (t1 - t0));

    // Untimed: everything written must read back unchanged (checks the disk path, not speed).
    void* check;
    if (posix_memalign(&check, 4096, SEQ_BLOCK) != 0)
        die("posix_memalign");
    for (off_t off = 0; off < bytes; off += SEQ_BLOCK) {
        full_pread(fd, check, SEQ_BLOCK, off);
        if (memcmp(check, buf, SEQ_BLOCK) != 0) {
            fprintf(stderr, "iobench: data read back at offset %lld differs from what was written\n", (long long)off);
            exit(1);
        }
    }
    free(check);
    result("verified", 1);

    // Random 4 KiB reads, then writes, at queue depth 1, inside the region written above.
    uint64_t blocks = (uint64_t)bytes / RAND_BLOCK;
    long ops = 0;
    t0 = now();
    double end = t0 + seconds;
    do {
        for (int i = 0; i < 16; ++i, ++ops)
            full_pread(fd, buf, RAND_BLOCK, (off_t)(next_random() % blocks) * RAND_BLOCK);
        t1 = now();
    } while (t1 < end);
    result("rand_read_iops", ops / (t1 - t0));
    result("rand_read_ops", ops);

    ops = 0;
    t0 = now();
    end = t0 + seconds;
    do {
        for (int i = 0; i < 16; ++i, ++ops)
            full_pwrite(fd, buf, RAND_BLOCK, (off_t)(next_random() % blocks) * RAND_BLOCK);
        t1 = now();
    } while (t1 < end);
    result("rand_write_iops", ops / (t1 - t0));
    result("rand_write_ops", ops);
    if (fsync(fd) != 0)
        die("fsync");
    close(fd);
    free(buf);
    return 0;
}

static int tcp_send(char const* host, int port, long mib)
{
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        fprintf(stderr, "iobench: bad address %s\n", host);
        return 1;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    if (connect(fd, (struct sockaddr*)&addr, sizeof(addr)) != 0)
        die("connect");
    static char buf[NET_CHUNK];
    memset(buf, 0x5a, sizeof(buf));
    long long total = (long long)mib * MIB;
    double t0 = now();
    for (long long sent = 0; sent < total;) {
        size_t want = total - sent < NET_CHUNK ? (size_t)(total - sent) : NET_CHUNK;
        ssize_t n = send(fd, buf, want, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("send");
        }
        sent += n;
    }
    // The host closes after it has read everything: the time covers delivery, not just
    // the guest's socket buffer.
    shutdown(fd, SHUT_WR);
    while (recv(fd, buf, sizeof(buf), 0) > 0) {
    }
    double t1 = now();
    close(fd);
    result("tcp_send_mibps", mib / (t1 - t0));
    return 0;
}

static int tcp_recv(int port)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    if (ls < 0)
        die("socket");
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr = { htonl(INADDR_ANY) } };
    if (bind(ls, (struct sockaddr*)&addr, sizeof(addr)) != 0)
        die("bind");
    if (listen(ls, 1) != 0)
        die("listen");
    printf("iobench: listening on %d\n", port);
    fflush(stdout);
    int fd = accept(ls, NULL, NULL);
    if (fd < 0)
        die("accept");
    static char buf[NET_CHUNK];
    long long total = 0;
    double t0 = 0;
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("recv");
        }
        if (n == 0)
            break;
        if (total == 0)
            t0 = now();
        total += n;
    }
    double t1 = now();
    close(fd);
    close(ls);
    result("tcp_recv_bytes", (double)total);
    if (total > 0 && t1 > t0)
        result("tcp_recv_mibps", total / (double)MIB / (t1 - t0));
    return 0;
}

int main(int argc, char** argv)
{
    if (argc == 5 && strcmp(argv[1], "disk") == 0)
        return disk(argv[2], atol(argv[3]), atof(argv[4]));
    if (argc == 5 && strcmp(argv[1], "tcp-send") == 0)
        return tcp_send(argv[2], atoi(argv[3]), atol(argv[4]));
    if (argc == 3 && strcmp(argv[1], "tcp-recv") == 0)
        return tcp_recv(atoi(argv[2]));
    fprintf(stderr, "usage: iobench disk DEV MIB SECONDS | tcp-send HOST PORT MIB | tcp-recv PORT\n");
    return 2;
}
