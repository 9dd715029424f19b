// What Swift cannot reach of the processor's floating point, written in C:
// - the handling of subnormal floats (magnitudes below 1.18e-38), per thread: x86-64's MXCSR bits
//   FTZ (results flushed to zero) and DAZ (inputs read as zero), arm64's FPCR.FZ;
// - the vector square root instruction (below).
#ifndef VAE_FLOATING_POINT_SHIM_H
#define VAE_FLOATING_POINT_SHIM_H

/// Sixteen floats, imported into Swift as SIMD16<Float>.
typedef float vae_lanes16 __attribute__((ext_vector_type(16)));

/// The correctly rounded square root of each lane (IEEE 754, as the scalar `sqrtss`/`fsqrt`),
/// in the processor's vector square root (`sqrtps`, `fsqrt v.4s`). Swift's `squareRoot()` of a
/// SIMD vector is a scalar square root per lane, each followed by a test for a negative input
/// that would call libm's `sqrtf` to set errno; the builtin below has no errno, so clang emits
/// the vector instruction. Inlined into the Swift caller (a static function of a header).
static inline vae_lanes16 vae_square_root_lanes16(vae_lanes16 x) {
#if __has_builtin(__builtin_elementwise_sqrt)
    return __builtin_elementwise_sqrt(x);
#else
    /* An older clang: the same correctly rounded roots, one lane at a time. */
    for (int i = 0; i < 16; i++) x[i] = __builtin_sqrtf(x[i]);
    return x;
#endif
}

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define VAE_SUBNORMAL_BITS 0x8040u /* FTZ (bit 15) | DAZ (bit 6) */

static inline int vae_subnormals_flush_to_zero(void) {
    return (_mm_getcsr() & VAE_SUBNORMAL_BITS) == VAE_SUBNORMAL_BITS;
}

static inline void vae_set_subnormals_flush_to_zero(int on) {
    unsigned int csr = _mm_getcsr();
    _mm_setcsr(on ? (csr | VAE_SUBNORMAL_BITS) : (csr & ~VAE_SUBNORMAL_BITS));
}

#elif defined(__aarch64__)
#include <stdint.h>
#define VAE_FPCR_FZ (1ull << 24)

static inline int vae_subnormals_flush_to_zero(void) {
    uint64_t fpcr;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
    return (fpcr & VAE_FPCR_FZ) != 0;
}

static inline void vae_set_subnormals_flush_to_zero(int on) {
    uint64_t fpcr;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
    fpcr = on ? (fpcr | VAE_FPCR_FZ) : (fpcr & ~VAE_FPCR_FZ);
    __asm__ __volatile__("msr fpcr, %0" : : "r"(fpcr));
}

#else
static inline int vae_subnormals_flush_to_zero(void) { return 0; }
static inline void vae_set_subnormals_flush_to_zero(int on) { (void)on; }
#endif

#endif
