/* Golden-table generator for the FPU differential test: runs every F/D instruction on riscv64.
 *
 * Build:  riscv64-linux-gnu-gcc -static -O2 -o fpu_golden_gen fpu_golden_gen.c
 * Run:    qemu-riscv64 ./fpu_golden_gen full|small > table.txt
 *         qemu-riscv64 ./fpu_golden_gen random COUNT SEED > stress.txt  (random operands only)
 *
 * One line per execution: "<mnemonic> <rm> <a> <b> <c> <result> <fflags>", numbers in hex.
 * Operands are raw 64-bit register values (f registers are loaded with fmv.d.x, so single
 * operands may be deliberately not NaN-boxed); results are the raw destination register
 * (fmv.x.d for f results, so the NaN-boxing of single results is checked too).
 * Instructions with a rounding mode run with each static rm 0..4; the same instruction with
 * rm=dyn under fsrm is run too and must agree, or the generator fails.
 * Deterministic: a fixed-seed PRNG, so a table regenerates identically.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- instruction wrappers ------------------------------------------------------------ */

typedef uint64_t (*op_fn)(uint64_t a, uint64_t b, uint64_t c, int rm, uint64_t *flags);

#define ASM_FF(insn, rms) \
    __asm__ volatile("fmv.d.x ft0, %2\n\tcsrw fflags, zero\n\t" insn " ft3, ft0" rms "\n\t" \
                     "fmv.x.d %0, ft3\n\tfrflags %1" \
                     : "=r"(r), "=r"(f) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3")
#define ASM_FFF(insn, rms) \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tcsrw fflags, zero\n\t" insn " ft3, ft0, ft1" rms "\n\t" \
                     "fmv.x.d %0, ft3\n\tfrflags %1" \
                     : "=r"(r), "=r"(f) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3")
#define ASM_FFFF(insn, rms) \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfmv.d.x ft2, %4\n\tcsrw fflags, zero\n\t" \
                     insn " ft3, ft0, ft1, ft2" rms "\n\tfmv.x.d %0, ft3\n\tfrflags %1" \
                     : "=r"(r), "=r"(f) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3")
#define ASM_XF(insn, rms) \
    __asm__ volatile("fmv.d.x ft0, %2\n\tcsrw fflags, zero\n\t" insn " %0, ft0" rms "\n\tfrflags %1" \
                     : "=&r"(r), "=r"(f) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3")
#define ASM_XFF(insn, rms) \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tcsrw fflags, zero\n\t" insn " %0, ft0, ft1" rms "\n\t" \
                     "frflags %1" \
                     : "=&r"(r), "=r"(f) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3")
#define ASM_FX(insn, rms) \
    __asm__ volatile("csrw fflags, zero\n\t" insn " ft3, %2" rms "\n\tfmv.x.d %0, ft3\n\tfrflags %1" \
                     : "=r"(r), "=r"(f) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3")

/* rm 0..4: static rounding mode in the instruction; 5: dyn (the caller has set frm). */
#define DEF_RM(fn, ASM, insn) \
    static uint64_t fn(uint64_t a, uint64_t b, uint64_t c, int rm, uint64_t *flags) \
    { \
        uint64_t r, f; \
        switch (rm) { \
        case 0: ASM(insn, ", rne"); break; \
        case 1: ASM(insn, ", rtz"); break; \
        case 2: ASM(insn, ", rdn"); break; \
        case 3: ASM(insn, ", rup"); break; \
        case 4: ASM(insn, ", rmm"); break; \
        default: ASM(insn, ", dyn"); break; \
        } \
        *flags = f; \
        return r; \
    }
#define DEF(fn, ASM, insn) \
    static uint64_t fn(uint64_t a, uint64_t b, uint64_t c, int rm, uint64_t *flags) \
    { \
        uint64_t r, f; \
        (void)rm; \
        ASM(insn, ""); \
        *flags = f; \
        return r; \
    }

DEF_RM(fadd_s, ASM_FFF, "fadd.s") DEF_RM(fsub_s, ASM_FFF, "fsub.s")
DEF_RM(fmul_s, ASM_FFF, "fmul.s") DEF_RM(fdiv_s, ASM_FFF, "fdiv.s")
DEF_RM(fadd_d, ASM_FFF, "fadd.d") DEF_RM(fsub_d, ASM_FFF, "fsub.d")
DEF_RM(fmul_d, ASM_FFF, "fmul.d") DEF_RM(fdiv_d, ASM_FFF, "fdiv.d")
DEF_RM(fsqrt_s, ASM_FF, "fsqrt.s") DEF_RM(fsqrt_d, ASM_FF, "fsqrt.d")
DEF(fmin_s, ASM_FFF, "fmin.s") DEF(fmax_s, ASM_FFF, "fmax.s")
DEF(fmin_d, ASM_FFF, "fmin.d") DEF(fmax_d, ASM_FFF, "fmax.d")
DEF(fsgnj_s, ASM_FFF, "fsgnj.s") DEF(fsgnjn_s, ASM_FFF, "fsgnjn.s") DEF(fsgnjx_s, ASM_FFF, "fsgnjx.s")
DEF(fsgnj_d, ASM_FFF, "fsgnj.d") DEF(fsgnjn_d, ASM_FFF, "fsgnjn.d") DEF(fsgnjx_d, ASM_FFF, "fsgnjx.d")
DEF_RM(fmadd_s, ASM_FFFF, "fmadd.s") DEF_RM(fmsub_s, ASM_FFFF, "fmsub.s")
DEF_RM(fnmsub_s, ASM_FFFF, "fnmsub.s") DEF_RM(fnmadd_s, ASM_FFFF, "fnmadd.s")
DEF_RM(fmadd_d, ASM_FFFF, "fmadd.d") DEF_RM(fmsub_d, ASM_FFFF, "fmsub.d")
DEF_RM(fnmsub_d, ASM_FFFF, "fnmsub.d") DEF_RM(fnmadd_d, ASM_FFFF, "fnmadd.d")
DEF(feq_s, ASM_XFF, "feq.s") DEF(flt_s, ASM_XFF, "flt.s") DEF(fle_s, ASM_XFF, "fle.s")
DEF(feq_d, ASM_XFF, "feq.d") DEF(flt_d, ASM_XFF, "flt.d") DEF(fle_d, ASM_XFF, "fle.d")
DEF(fclass_s, ASM_XF, "fclass.s") DEF(fclass_d, ASM_XF, "fclass.d")
DEF_RM(fcvt_w_s, ASM_XF, "fcvt.w.s") DEF_RM(fcvt_wu_s, ASM_XF, "fcvt.wu.s")
DEF_RM(fcvt_l_s, ASM_XF, "fcvt.l.s") DEF_RM(fcvt_lu_s, ASM_XF, "fcvt.lu.s")
DEF_RM(fcvt_w_d, ASM_XF, "fcvt.w.d") DEF_RM(fcvt_wu_d, ASM_XF, "fcvt.wu.d")
DEF_RM(fcvt_l_d, ASM_XF, "fcvt.l.d") DEF_RM(fcvt_lu_d, ASM_XF, "fcvt.lu.d")
DEF_RM(fcvt_s_w, ASM_FX, "fcvt.s.w") DEF_RM(fcvt_s_wu, ASM_FX, "fcvt.s.wu")
DEF_RM(fcvt_s_l, ASM_FX, "fcvt.s.l") DEF_RM(fcvt_s_lu, ASM_FX, "fcvt.s.lu")
DEF(fcvt_d_w, ASM_FX, "fcvt.d.w") DEF(fcvt_d_wu, ASM_FX, "fcvt.d.wu")
DEF_RM(fcvt_d_l, ASM_FX, "fcvt.d.l") DEF_RM(fcvt_d_lu, ASM_FX, "fcvt.d.lu")
DEF_RM(fcvt_s_d, ASM_FF, "fcvt.s.d") DEF(fcvt_d_s, ASM_FF, "fcvt.d.s")
DEF(fmv_x_w, ASM_XF, "fmv.x.w") DEF(fmv_w_x, ASM_FX, "fmv.w.x")
DEF(fmv_x_d, ASM_XF, "fmv.x.d") DEF(fmv_d_x, ASM_FX, "fmv.d.x")

/* Operand kinds: S = single in an f register, D = double, X = integer register. */
struct op_desc {
    const char *name;
    op_fn fn;
    int has_rm;
    const char *operands; /* one letter per operand: "SS", "DDD", "X"... */
};

static const struct op_desc ops[] = {
    { "fadd.s", fadd_s, 1, "SS" }, { "fsub.s", fsub_s, 1, "SS" }, { "fmul.s", fmul_s, 1, "SS" },
    { "fdiv.s", fdiv_s, 1, "SS" }, { "fsqrt.s", fsqrt_s, 1, "S" },
    { "fmin.s", fmin_s, 0, "SS" }, { "fmax.s", fmax_s, 0, "SS" },
    { "fsgnj.s", fsgnj_s, 0, "SS" }, { "fsgnjn.s", fsgnjn_s, 0, "SS" }, { "fsgnjx.s", fsgnjx_s, 0, "SS" },
    { "fadd.d", fadd_d, 1, "DD" }, { "fsub.d", fsub_d, 1, "DD" }, { "fmul.d", fmul_d, 1, "DD" },
    { "fdiv.d", fdiv_d, 1, "DD" }, { "fsqrt.d", fsqrt_d, 1, "D" },
    { "fmin.d", fmin_d, 0, "DD" }, { "fmax.d", fmax_d, 0, "DD" },
    { "fsgnj.d", fsgnj_d, 0, "DD" }, { "fsgnjn.d", fsgnjn_d, 0, "DD" }, { "fsgnjx.d", fsgnjx_d, 0, "DD" },
    { "fmadd.s", fmadd_s, 1, "SSS" }, { "fmsub.s", fmsub_s, 1, "SSS" },
    { "fnmsub.s", fnmsub_s, 1, "SSS" }, { "fnmadd.s", fnmadd_s, 1, "SSS" },
    { "fmadd.d", fmadd_d, 1, "DDD" }, { "fmsub.d", fmsub_d, 1, "DDD" },
    { "fnmsub.d", fnmsub_d, 1, "DDD" }, { "fnmadd.d", fnmadd_d, 1, "DDD" },
    { "feq.s", feq_s, 0, "SS" }, { "flt.s", flt_s, 0, "SS" }, { "fle.s", fle_s, 0, "SS" },
    { "fclass.s", fclass_s, 0, "S" },
    { "feq.d", feq_d, 0, "DD" }, { "flt.d", flt_d, 0, "DD" }, { "fle.d", fle_d, 0, "DD" },
    { "fclass.d", fclass_d, 0, "D" },
    { "fcvt.w.s", fcvt_w_s, 1, "S" }, { "fcvt.wu.s", fcvt_wu_s, 1, "S" },
    { "fcvt.l.s", fcvt_l_s, 1, "S" }, { "fcvt.lu.s", fcvt_lu_s, 1, "S" },
    { "fcvt.w.d", fcvt_w_d, 1, "D" }, { "fcvt.wu.d", fcvt_wu_d, 1, "D" },
    { "fcvt.l.d", fcvt_l_d, 1, "D" }, { "fcvt.lu.d", fcvt_lu_d, 1, "D" },
    { "fcvt.s.w", fcvt_s_w, 1, "X" }, { "fcvt.s.wu", fcvt_s_wu, 1, "X" },
    { "fcvt.s.l", fcvt_s_l, 1, "X" }, { "fcvt.s.lu", fcvt_s_lu, 1, "X" },
    { "fcvt.d.w", fcvt_d_w, 0, "X" }, { "fcvt.d.wu", fcvt_d_wu, 0, "X" },
    { "fcvt.d.l", fcvt_d_l, 1, "X" }, { "fcvt.d.lu", fcvt_d_lu, 1, "X" },
    { "fcvt.s.d", fcvt_s_d, 1, "D" }, { "fcvt.d.s", fcvt_d_s, 0, "S" },
    { "fmv.x.w", fmv_x_w, 0, "S" }, { "fmv.w.x", fmv_w_x, 0, "X" },
    { "fmv.x.d", fmv_x_d, 0, "D" }, { "fmv.d.x", fmv_d_x, 0, "X" },
};

/* ---- operands ------------------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

#define BOX(x) (0xffffffff00000000ull | (uint32_t)(x))

/* Special and boundary doubles; negatives of the positive ones are added at start-up. */
static const uint64_t d_special[] = {
    0x0000000000000000, 0x0000000000000001, 0x0000000000000002, 0x0000000000000003, 0x000fffffffffffff,
    0x0008000000000000, 0x0010000000000000, 0x0010000000000001, 0x001fffffffffffff, 0x3ff0000000000000,
    0x3ff0000000000001, 0x3ff0000000000002, 0x3fefffffffffffff, 0x3feffffffffffffe, 0x3ff8000000000000,
    0x4000000000000000, 0x4008000000000000, 0x3fe0000000000000, 0x3fb999999999999a, 0x4004000000000000,
    0x400c000000000000, 0x3fdfffffffffffff, 0x7fefffffffffffff, 0x7feffffffffffffe, 0x7fe0000000000000,
    0x7ff0000000000000, 0x7ff8000000000000, 0x7ff8000000000123, 0x7ff0000000000001, 0x7ff4000000000000,
    0x41e0000000000000, 0x41dfffffffc00000, 0x41dfffffffe00000, 0x41e0000000100000, 0x41f0000000000000,
    0x41efffffffe00000, 0x41effffffff00000, 0x43e0000000000000, 0x43dfffffffffffff, 0x43f0000000000000,
    0x43efffffffffffff, 0x41e0000000200000, 0x4340000000000000, 0x4340000000000001, 0x36a0000000000000,
    0x3690000000000000, 0x3698000000000000, 0x47efffffe0000000, 0x47effffff0000000, 0x47effffff0000001,
    0x3ff0000010000000, 0x3ff0000010000001, 0x3ff0000030000000, 0x3810000000000000, 0x380ffffff0000000,
    0x380fffffe0000000, 0x380ffffff8000000, 0x37a0000000000000, 0x3f50000000000000, 0x4330000000000000,
    0xc1e0000000000000, 0xc1e0000000100000, 0xc3e0000000000000, 0xc3e0000000000001, 0xbfe0000000000001,
    0x0000000000000000,
};

/* Special and boundary singles (boxed before use), plus negatives. */
static const uint32_t s_special[] = {
    0x00000000, 0x00000001, 0x00000002, 0x00000003, 0x007fffff, 0x00400000, 0x00800000, 0x00800001,
    0x00ffffff, 0x3f800000, 0x3f800001, 0x3f800002, 0x3f7fffff, 0x3f7ffffe, 0x3fc00000, 0x40000000,
    0x40400000, 0x3f000000, 0x3dcccccd, 0x40200000, 0x40600000, 0x3effffff, 0x7f7fffff, 0x7f7ffffe,
    0x7f000000, 0x7f800000, 0x7fc00000, 0x7fc00123, 0x7f800001, 0x7fa00000, 0x4f000000, 0x4effffff,
    0x4f800000, 0x4f7fffff, 0x5f000000, 0x5effffff, 0x5f800000, 0x5f7fffff, 0x4b800000, 0x4b800001,
    0x33800000, 0x34000000, 0x0c800000, 0xcf000000, 0xcf000001, 0xdf000000, 0xdf000001, 0xbf000001,
};

/* Registers that are not properly NaN-boxed singles. */
static const uint64_t s_unboxed[] = {
    0x000000003f800000, 0x7fffffff3f800000, 0xfffffffe7f800000, 0x3ff0000000000000, 0x00000000ffffffff,
};

static const uint64_t x_special[] = {
    0, 1, 2, 3, 0xffffffffffffffff, 0xfffffffffffffffe, 0x7fffffff, 0x80000000, 0xffffffff80000000,
    0xffffffff, 0x00000000ffffffff, 0x80000001, 0x01000001, 0x01000003, 0x00ffffff, 0x02000002,
    0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001, 0x0020000000000001, 0x0020000000000003,
    0x001fffffffffffff, 0x0040000000000002, 0xfff0000000000001, 0xfffffffffeffffff, 0x7fffffbf,
    0x7fffffc0, 0xffffffc0, 0xffffff80, 0xfffffffffffffc00, 0xfffffffffffffbff, 0x123456789abcdef0,
};

#define MAX_VALS 256
static uint64_t d_vals[MAX_VALS], s_vals[MAX_VALS], x_vals[MAX_VALS];
static int n_d, n_s, n_x;

static void build_sets(int small)
{
    int step = small ? 9 : 1; /* the small table samples every ninth special value */
    for (unsigned i = 0; i < sizeof d_special / sizeof *d_special; i += step) {
        d_vals[n_d++] = d_special[i];
        d_vals[n_d++] = d_special[i] ^ 0x8000000000000000ull;
    }
    for (unsigned i = 0; i < sizeof s_special / sizeof *s_special; i += step) {
        s_vals[n_s++] = BOX(s_special[i]);
        s_vals[n_s++] = BOX(s_special[i] ^ 0x80000000u);
    }
    for (unsigned i = 0; i < sizeof s_unboxed / sizeof *s_unboxed; i += small ? 3 : 1)
        s_vals[n_s++] = s_unboxed[i];
    for (unsigned i = 0; i < sizeof x_special / sizeof *x_special; i += small ? 3 : 1)
        x_vals[n_x++] = x_special[i];
}

/* A random operand of kind k, biased toward values whose results are interesting:
 * near 1, near the subnormal boundary, near the integer limits, and short significands
 * (which make exact results and rounding ties likely). */
static uint64_t random_fp(char k)
{
    int frac_bits = k == 'D' ? 52 : 23;
    int bias = k == 'D' ? 1023 : 127;
    uint64_t frac_mask = (1ull << frac_bits) - 1;
    uint64_t sign = rnd() & 1;
    uint64_t frac = rnd() & frac_mask;
    int64_t exp;
    switch (rnd() % 8) {
    case 0: exp = rnd() % (2 * bias + 2); break; /* anything, inf/NaN included */
    case 1: exp = bias - 4 + (int64_t)(rnd() % 9); break;
    case 2: exp = (int64_t)(rnd() % 3); break; /* subnormal and just above */
    case 3: exp = bias + (int64_t)(rnd() % (k == 'D' ? 66 : 66)); break; /* integer-conversion range */
    case 4: exp = bias - 4 + (int64_t)(rnd() % 9); frac &= ~((1ull << (frac_bits - 4)) - 1); break;
    case 5: exp = (int64_t)(rnd() % (2 * bias)) + 1; frac &= ~((1ull << (frac_bits / 2)) - 1); break;
    case 6: return k == 'D' ? d_vals[rnd() % n_d] : s_vals[rnd() % n_s];
    default: exp = bias + (int64_t)(rnd() % 40) - 20; break;
    }
    if (exp > 2 * bias + 1)
        exp = 2 * bias + 1;
    uint64_t bits = (sign << (frac_bits + (k == 'D' ? 11 : 8))) | ((uint64_t)exp << frac_bits) | frac;
    if (k == 'D')
        return bits;
    if (rnd() % 64 == 0)
        return bits | ((rnd() & 0xfffffffeull) << 32); /* not NaN-boxed */
    return BOX(bits);
}

static uint64_t random_x(void)
{
    switch (rnd() % 4) {
    case 0: return rnd();
    case 1: return (uint64_t)(int64_t)(int32_t)rnd();
    case 2: return rnd() >> (rnd() % 64);
    default: return x_vals[rnd() % n_x] + (rnd() % 5) - 2;
    }
}

static uint64_t random_operand(char k)
{
    return k == 'X' ? random_x() : random_fp(k);
}

/* A value near the operand `v` (a few units in the last place away, sign kept). */
static uint64_t nudge(uint64_t v, char k)
{
    int64_t delta = (int64_t)(rnd() % 7) - 3;
    if (k == 'S')
        return BOX((uint32_t)v + (uint32_t)delta);
    return v + (uint64_t)delta;
}

/* ---- running ---------------------------------------------------------------------------- */

static void run(const struct op_desc *op, uint64_t a, uint64_t b, uint64_t c)
{
    int modes = op->has_rm ? 5 : 1;
    for (int rm = 0; rm < modes; rm++) {
        uint64_t flags;
        uint64_t r = op->fn(a, b, c, rm, &flags);
        if (op->has_rm) {
            uint64_t dyn_flags;
            __asm__ volatile("fsrm %0" : : "r"((uint64_t)rm));
            uint64_t dyn = op->fn(a, b, c, 5, &dyn_flags);
            if (dyn != r || dyn_flags != flags) {
                fprintf(stderr, "%s rm=%d: static and dynamic rounding disagree\n", op->name, rm);
                exit(1);
            }
        }
        printf("%s %d %llx %llx %llx %llx %llx\n", op->name, rm, (unsigned long long)a, (unsigned long long)b,
               (unsigned long long)c, (unsigned long long)r, (unsigned long long)flags);
    }
}

static const uint64_t *set_for(char k, int *n)
{
    if (k == 'D') {
        *n = n_d;
        return d_vals;
    }
    if (k == 'S') {
        *n = n_s;
        return s_vals;
    }
    *n = n_x;
    return x_vals;
}

int main(int argc, char **argv)
{
    int small = argc > 1 && strcmp(argv[1], "small") == 0;
    int random_only = argc > 3 && strcmp(argv[1], "random") == 0;
    if (argc < 2 || (!small && !random_only && strcmp(argv[1], "full") != 0)) {
        fprintf(stderr, "usage: %s full|small|random COUNT SEED\n", argv[0]);
        return 2;
    }
    build_sets(small);
    int randoms = small ? 40 : 3000;
    int fma_cube = small ? 4 : 16; /* specials per operand in the exhaustive FMA cube */
    if (random_only) {
        /* Stress: only random operands, COUNT per instruction (twice that for FMA). */
        randoms = atoi(argv[2]);
        rng_state ^= strtoull(argv[3], NULL, 0) * 0x9e3779b97f4a7c15ull;
        if (rng_state == 0)
            rng_state = 1;
    }

    for (unsigned i = 0; i < sizeof ops / sizeof *ops; i++) {
        const struct op_desc *op = &ops[i];
        size_t arity = strlen(op->operands);
        char k = op->operands[0];
        int n;
        const uint64_t *set = set_for(k, &n);
        if (random_only)
            n = 0; /* skip the exhaustive special-value products */
        if (arity == 1) {
            for (int x = 0; x < n; x++)
                run(op, set[x], 0, 0);
            for (int r = 0; r < randoms; r++)
                run(op, random_operand(k), 0, 0);
        } else if (arity == 2) {
            for (int x = 0; x < n; x++)
                for (int y = 0; y < n; y++)
                    run(op, set[x], set[y], 0);
            for (int r = 0; r < randoms; r++) {
                uint64_t a = random_operand(k);
                uint64_t b = rnd() % 4 == 0 ? nudge(a, k) : random_operand(k);
                run(op, a, b, 0);
            }
        } else {
            /* The cube takes an evenly spread subset of the specials. */
            int stride = n / fma_cube ? n / fma_cube : 1;
            if (random_only)
                stride = 1;
            for (int x = 0; x < n; x += stride)
                for (int y = 0; y < n; y += stride)
                    for (int z = 0; z < n; z += stride)
                        run(op, set[x], set[y], set[(z + 1) % n]);
            const struct op_desc *mul = k == 'D' ? &ops[12] : &ops[2];
            for (int r = 0; r < randoms * 2; r++) {
                uint64_t a = random_operand(k);
                uint64_t b = random_operand(k);
                uint64_t c;
                switch (rnd() % 3) {
                case 0: c = random_operand(k); break;
                default: {
                    /* c close to +-a*b: massive cancellation, the case a double rounding gets wrong. */
                    uint64_t f;
                    uint64_t p = mul->fn(a, b, 0, (int)(rnd() % 5), &f);
                    if (rnd() & 1)
                        p ^= k == 'D' ? 0x8000000000000000ull : 0x80000000ull;
                    c = rnd() % 2 ? nudge(p, k) : p;
                    break;
                }
                }
                run(op, a, b, c);
            }
        }
    }
    return 0;
}
